/**
 * [TM1] The optional round timer's countdown, on the projector (host view and presentation mode) and on phones.
 * The remaining time is `endsAt` minus the server's clock, estimated from the round info's `serverNow` and this
 * device's clock at receipt (shared/src/protocol/timer.ts): a phone whose clock is wrong still counts right.
 * When the time is up it says so; the round stays open until the host closes or reveals it.
 */
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatCountdown, type RoundInfo, timerRemainingMs } from "@tokenroom/shared";

/**
 * When this page first saw each round message (`id:serverNow`), so that a countdown mounted later (the host
 * switching to presentation mode and back) keeps the same anchor instead of restarting from the message's time.
 */
const receipts = new Map<string, number>();
function receivedAt(round: RoundInfo): number {
  const key = `${round.id}:${round.serverNow}`;
  let at = receipts.get(key);
  if (at === undefined) {
    at = Date.now();
    receipts.set(key, at);
    if (receipts.size > 32) receipts.delete(receipts.keys().next().value!);
  }
  return at;
}

export interface RoundTimerProps {
  round: RoundInfo;
  /** Called once when the countdown reaches zero while shown (the host's optional sound cue). */
  onTimeUp?: () => void;
}

export function RoundTimer({ round, onTimeUp }: RoundTimerProps) {
  if (round.endsAt === null || round.status !== "open") return null;
  // a new message re-anchors the estimate of the server's clock
  return <Countdown key={`${round.id}:${round.serverNow}`} round={round} onTimeUp={onTimeUp} />;
}

function Countdown({ round, onTimeUp }: RoundTimerProps) {
  const { t } = useTranslation();
  const [anchor] = useState(() => receivedAt(round));
  const [now, setNow] = useState(() => Date.now());
  const remaining = timerRemainingMs(round, anchor, now) ?? 0;
  const up = remaining <= 0;
  // the cue is for the moment the time runs out, not for a page opened (or re-rendered) after it
  const running = useRef(!up);

  useEffect(() => {
    if (up) return;
    const tick = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(tick);
  }, [up]);

  useEffect(() => {
    if (!up || !running.current) return;
    running.current = false;
    onTimeUp?.();
  }, [up, onTimeUp]);

  return up ? (
    <span className="round-timer up" role="status" data-testid="round-timer">
      {t("timer.up")}
    </span>
  ) : (
    <span className="round-timer" role="timer" aria-label={t("timer.left")} data-testid="round-timer">
      <span className="round-timer-label" aria-hidden="true">
        {t("timer.left")}
      </span>{" "}
      <strong>{formatCountdown(remaining)}</strong>
    </span>
  );
}
