/** Completions, newest first, each token coloured by its probability and tappable. */
import { memo } from "react";
import { useTranslation } from "react-i18next";
import type { GeneratedSample } from "../engine-worker/messages.ts";
import { formatPercent } from "../lib/format.ts";
import { joinTokens } from "../lib/token-spacing.ts";
import { probBin } from "../lib/prob-colors.ts";

export interface Inspect {
  sample: GeneratedSample;
  step: number;
}

export const CompletionList = memo(function CompletionList({
  completions,
  prompt,
  onInspect,
}: {
  completions: GeneratedSample[];
  prompt: string;
  onInspect: (target: Inspect) => void;
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
          <li key={c.index} className="completion">
            <span className="completion-index">{t("student.sampleNumber", { index: c.index + 1 })}</span>
            <span className="completion-prompt" aria-hidden="true">
              {prompt}
            </span>
            {c.labels.map((label, step) => {
              const p = c.probs[step] ?? 0;
              const bin = probBin(p);
              return (
                <button
                  key={step}
                  type="button"
                  // no gap where the text has no space (between Chinese characters)
                  className={step > 0 && c.spaceBefore?.[step] === false ? "token joined" : "token"}
                  style={{ background: bin.background, color: bin.text }}
                  aria-label={t("student.tokenLabel", { token: label, p: formatPercent(p) })}
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
