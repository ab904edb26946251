/**
 * The sampler (the model at the round's T, top-k, top-p) beside the model itself (T = 1, no cut), with both
 * entropies, and a mark on tokens tied at the cut. Light markup (no chart library): it also opens on phones.
 */
import { memo } from "react";
import { useTranslation } from "react-i18next";
import type { DecodingSettings } from "@tokenroom/shared";
import { formatBits, formatPercent } from "../lib/format.ts";
import { type ModelSamplerView, pairRows } from "../lib/model-sampler.ts";
import { SERIES } from "../lib/prob-colors.ts";

/** "T = 0.5, top-k 4": the settings that make the sampler, in the interface's words. */
export function useSamplerName(settings: DecodingSettings): string {
  const { t } = useTranslation();
  const parts = [
    settings.temperature === 0 ? t("teach.greedy") : t("teach.temperature", { value: settings.temperature }),
    settings.topK > 0 ? t("teach.topK", { value: settings.topK }) : null,
    settings.topP < 1 ? t("teach.topP", { value: settings.topP }) : null,
  ].filter((s): s is string => s !== null);
  return t("teach.sampler", { settings: parts.join(", ") });
}

export const ModelSamplerBars = memo(function ModelSamplerBars({
  view,
  settings,
  maxRows = 10,
  chosenId,
  testId = "model-sampler",
}: {
  view: ModelSamplerView;
  settings: DecodingSettings;
  maxRows?: number;
  /** The token that was drawn (the phone's inspector). */
  chosenId?: number;
  testId?: string;
}) {
  const { t } = useTranslation();
  const samplerName = useSamplerName(settings);
  const rows = pairRows(view, maxRows);
  const max = Math.max(1e-9, ...rows.map((r) => Math.max(r.sampler, r.model ?? 0)));
  const bar = (p: number, color: string, value: string) => (
    <div className="ms-box">
      <span className="ms-track" aria-hidden="true">
        <span className="ms-bar" style={{ width: `${(p / max) * 100}%`, background: color }} />
      </span>
      <span className="ms-value">{value}</span>
    </div>
  );
  return (
    <div className="model-sampler" data-testid={testId}>
      <table className="ms-bars">
        <thead>
          <tr>
            <th scope="col">{t("charts.token")}</th>
            <th scope="col" data-testid={`${testId}-sampler-head`}>
              <span className="ms-swatch" style={{ background: SERIES.theory }} aria-hidden="true" />
              {samplerName}
              <span className="ms-entropy" data-testid={`${testId}-sampler-entropy`}>
                {t("teach.entropy", { bits: formatBits(view.sampler.entropyBits) })}
              </span>
            </th>
            {view.model ? (
              <th scope="col" data-testid={`${testId}-model-head`}>
                <span className="ms-swatch model" aria-hidden="true" />
                {t("teach.model")}
                <span className="ms-entropy" data-testid={`${testId}-model-entropy`}>
                  {t("teach.entropy", { bits: formatBits(view.model.entropyBits) })}
                </span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.key}
              className={r.key === chosenId ? "chosen" : undefined}
              data-tie={r.tie ?? undefined}
            >
              <th scope="row" className="ms-label">
                {r.label}
                {r.key === chosenId ? <span className="chosen-mark"> {t("student.drawn")}</span> : null}
                {r.tie ? (
                  <span className="tie-mark" title={t(`teach.tie_${r.tie}`)} data-testid="tie-mark">
                    {" "}
                    ⚖<span className="visually-hidden">{t(`teach.tie_${r.tie}`)}</span>
                  </span>
                ) : null}
              </th>
              <td className="ms-cell">
                {bar(r.sampler, SERIES.theory, r.sampler > 0 ? formatPercent(r.sampler) : t("teach.cut"))}
              </td>
              {r.model !== null ? (
                <td className="ms-cell">{bar(r.model, "#9a9a9a", formatPercent(r.model))}</td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint" data-testid={`${testId}-note`}>
        {view.model ? t("teach.differ") : t("teach.same")}
      </p>
      {view.tie ? (
        <p className="hint tie-note" data-testid={`${testId}-tie`}>
          {t("teach.tieNote", {
            kept: view.tie.kept.join(", "),
            dropped: view.tie.dropped.join(", "),
            p: formatPercent(view.tie.modelP),
          })}
        </p>
      ) : null}
    </div>
  );
});
