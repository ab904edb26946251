/** The legend of the probability colours of tokens. */
import { useTranslation } from "react-i18next";
import { PROB_BINS } from "../lib/prob-colors.ts";

const LABELS = ["legend.bin0", "legend.bin1", "legend.bin2", "legend.bin3", "legend.bin4"] as const;

export function ProbLegend() {
  const { t } = useTranslation();
  return (
    <div className="prob-legend">
      <span className="prob-legend-title">{t("legend.title")}</span>
      <ul>
        {PROB_BINS.map((bin, i) => (
          <li key={bin.min}>
            <span
              className="swatch"
              style={{ background: bin.background, color: bin.text }}
              aria-hidden="true"
            >
              {t("legend.sample")}
            </span>
            {t(LABELS[i]!)}
          </li>
        ))}
      </ul>
    </div>
  );
}
