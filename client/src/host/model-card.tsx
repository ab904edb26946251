/** The selected model's card: vocabulary, order, training text and held-out perplexity ("—" when unknown). */
import { useTranslation } from "react-i18next";
import type { ModelSummary } from "@tokenroom/shared";
import { formatBits, formatInt, formatNumber } from "../lib/format.ts";
import "./model-panels.css";

export function ModelCard({ model }: { model: ModelSummary }) {
  const { t } = useTranslation();
  const card = model.card;
  const missing = t("card.missing");
  const vocab = card?.vocabSize ?? model.vocabSize;
  const order = card?.order ?? model.order;
  const held = card?.heldOut ?? null;
  const rows: [label: string, value: string, testId: string][] = [
    [t("card.vocab"), t("card.vocabValue", { size: formatInt(vocab) }), "card-vocab"],
    [t("card.order"), order ? t("card.orderValue", { order, before: order - 1 }) : missing, "card-order"],
    [
      t("card.training"),
      card
        ? t("card.trainingValue", {
            tokens: formatInt(card.trainingTokens),
            lines: formatInt(card.trainingLines),
          })
        : missing,
      "card-training",
    ],
    [
      t("card.perplexity"),
      held
        ? t("card.perplexityValue", {
            ppl: formatNumber(held.perplexity),
            bits: formatBits(held.crossEntropyBits),
            tokens: formatInt(held.tokens),
            oov: formatInt(held.oov),
          })
        : missing,
      "card-perplexity",
    ],
  ];
  return (
    <details className="model-card">
      <summary>{t("card.title")}</summary>
      <dl>
        {rows.map(([label, value, testId]) => (
          <div key={testId} className="model-card-row">
            <dt>{label}</dt>
            <dd data-testid={testId}>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="hint">{t("card.perplexityExplain")}</p>
      <p className="hint" data-testid="card-perplexity-vocab">
        {t("teach.perplexityVocab", { vocab: formatInt(vocab) })}
      </p>
    </details>
  );
}
