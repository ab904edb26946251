/** Entropy, cross-entropy, perplexity and KL, each with one plain-language line. */
import { memo } from "react";
import { useTranslation } from "react-i18next";
import type { RoundStats, TheoryView } from "@tokenroom/shared";
import { formatBits, formatNumber } from "../lib/format.ts";

function Metric({
  name,
  value,
  unit,
  explain,
  testId,
}: {
  name: string;
  value: string;
  unit: string;
  explain: string;
  testId?: string;
}) {
  return (
    <div className="metric">
      <dt>{name}</dt>
      <dd>
        <span className="metric-value" data-testid={testId}>
          {value}
        </span>{" "}
        <span className="metric-unit">{unit}</span>
        <span className="metric-explain">{explain}</span>
      </dd>
    </div>
  );
}

/** The plural form follows the number as shown (2 decimals): "1 word", "1.41 words". */
const round2 = (x: number) => Math.round(x * 100) / 100;

const show = (x: number | null | undefined, f: (v: number) => string) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : f(x);

export const MetricsPanel = memo(function MetricsPanel({
  stats,
  theory,
}: {
  stats: RoundStats | null;
  theory: TheoryView | null;
}) {
  const { t } = useTranslation();
  const first = stats?.firstToken;
  const whole = stats?.completions;
  const entropy = first?.entropyBits ?? theory?.entropyBits ?? null;
  return (
    <dl className="metrics">
      <Metric
        name={t("metrics.entropy")}
        value={show(entropy, formatBits)}
        testId="stat-entropy"
        unit={t("metrics.bits")}
        explain={t("metrics.entropyExplain", {
          count: entropy === null ? 2 : round2(2 ** entropy),
          choices: show(entropy === null ? null : 2 ** entropy, formatNumber),
        })}
      />
      {theory?.model ? (
        <Metric
          name={t("teach.modelEntropy")}
          value={formatBits(theory.model.entropyBits)}
          unit={t("metrics.bits")}
          explain={t("teach.modelEntropyExplain", {
            count: round2(2 ** theory.model.entropyBits),
            choices: formatNumber(2 ** theory.model.entropyBits),
          })}
          testId="stat-model-entropy"
        />
      ) : null}
      <Metric
        name={t("metrics.crossEntropy")}
        value={show(first?.crossEntropyBits, formatBits)}
        unit={t("metrics.bits")}
        explain={t("metrics.crossEntropyExplain")}
      />
      <Metric
        name={t("metrics.perplexity")}
        value={show(first?.perplexity, formatNumber)}
        unit={t("metrics.choices", { count: round2(first?.perplexity ?? 2) })}
        explain={t("metrics.perplexityExplain")}
      />
      <Metric
        name={t("metrics.kl")}
        value={show(first?.klBits, formatBits)}
        unit={t("metrics.bits")}
        explain={t("metrics.klExplain", { expected: show(first?.expectedKlBits, formatBits) })}
        testId="stat-kl"
      />
      <Metric
        name={t("metrics.perToken")}
        value={show(whole?.crossEntropyBitsPerToken, formatBits)}
        unit={t("metrics.bitsPerToken")}
        explain={t("metrics.perTokenExplain", { ppl: show(whole?.perplexityPerToken, formatNumber) })}
      />
    </dl>
  );
});
