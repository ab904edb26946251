/**
 * Completions, newest first, each token coloured by its probability and tappable. One tab stop per
 * completion (its first word); the arrow keys move between its words (a roving tabindex). [RV1] Before the
 * reveal of a round that hides the model, no token carries its probability: not in its colour, its name or
 * its title (the tokens are plain until the reveal).
 */
import { type KeyboardEvent, memo } from "react";
import { useTranslation } from "react-i18next";
import type { GeneratedSample } from "../engine-worker/messages.ts";
import { formatPercent } from "../lib/format.ts";
import { joinTokens } from "../lib/token-spacing.ts";
import { probBin } from "../lib/prob-colors.ts";

/** ← → Home End between the words of one completion. */
function moveFocus(e: KeyboardEvent<HTMLLIElement>): void {
  const keys: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (!(e.key in keys) && e.key !== "Home" && e.key !== "End") return;
  const tokens = [...e.currentTarget.querySelectorAll<HTMLButtonElement>("button.token")];
  const at = tokens.indexOf(document.activeElement as HTMLButtonElement);
  if (at < 0) return;
  const to = e.key === "Home" ? 0 : e.key === "End" ? tokens.length - 1 : at + (keys[e.key] ?? 0);
  const target = tokens[Math.max(0, Math.min(tokens.length - 1, to))];
  if (!target) return;
  e.preventDefault();
  for (const b of tokens) b.tabIndex = b === target ? 0 : -1;
  target.focus();
}

export interface Inspect {
  sample: GeneratedSample;
  step: number;
}

export const CompletionList = memo(function CompletionList({
  completions,
  prompt,
  onInspect,
  hideProbs = false,
}: {
  completions: GeneratedSample[];
  prompt: string;
  onInspect: (target: Inspect) => void;
  /** [RV1] The round hides the model until its reveal, which has not come. */
  hideProbs?: boolean;
}) {
  const { t } = useTranslation();
  const latest = completions[0];
  return (
    <>
      <p className="visually-hidden" aria-live="polite" aria-atomic="true">
        {latest
          ? t("student.newCompletion", {
              index: latest.index + 1,
              text: joinTokens(latest.labels, latest.spaceBefore),
            })
          : ""}
      </p>
      <ol className="completion-list">
        {completions.map((c) => (
          <li key={c.index} className="completion" onKeyDown={moveFocus}>
            <span className="completion-index">{t("student.sampleNumber", { index: c.index + 1 })}</span>
            <span className="completion-prompt" aria-hidden="true">
              {prompt}
            </span>
            {c.labels.map((label, step) => {
              const p = c.probs[step] ?? 0;
              const bin = hideProbs ? null : probBin(p);
              // no gap where the text has no space (between Chinese characters)
              const joined = step > 0 && c.spaceBefore?.[step] === false;
              return (
                <button
                  key={step}
                  type="button"
                  tabIndex={step === 0 ? 0 : -1}
                  className={`token${joined ? " joined" : ""}${bin ? "" : " plain"}`}
                  style={bin ? { background: bin.background, color: bin.text } : undefined}
                  aria-label={
                    bin ? t("student.tokenLabel", { token: label, p: formatPercent(p) }) : undefined
                  }
                  onClick={() => onInspect({ sample: c, step })}
                >
                  {label}
                </button>
              );
            })}
          </li>
        ))}
      </ol>
    </>
  );
});
