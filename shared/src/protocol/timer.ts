/**
 * [TM1] The optional round timer's countdown. The server sends `endsAt` and its own clock `serverNow` (epoch ms)
 * in every RoundInfo; a client notes its own clock when the message arrives (`receivedAt`) and estimates the
 * server's clock later as `serverNow + (now − receivedAt)`. No clock offset between the phone and the server
 * enters the countdown; only the message's one-way delay does (well under a second in a classroom).
 */
import type { RoundInfo } from "./views.ts";

/** Milliseconds left on the round's timer (0 once it has run out), or null when the round has no timer. */
export function timerRemainingMs(
  round: Pick<RoundInfo, "endsAt" | "serverNow">,
  receivedAt: number,
  now: number,
): number | null {
  if (round.endsAt === null) return null;
  const serverNow = round.serverNow + (now - receivedAt);
  return Math.max(0, round.endsAt - serverNow);
}

/** "m:ss" for a countdown, rounding up so that "0:00" means the time is up. */
export function formatCountdown(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
