/** The prompt as the model's tokens: boundaries visible, unknown words marked. */
import { useTranslation } from "react-i18next";
import type { PromptPreview } from "./prompt-analysis.ts";

export function TokenPreview({ analysis }: { analysis: PromptPreview | null }) {
  const { t } = useTranslation();
  if (!analysis) return null;
  return (
    <div className="token-preview">
      <span className="hint">{t("setup.tokens", { count: analysis.tokens.length })}</span>{" "}
      {analysis.unknown > 0 ? (
        <span className="hint warn">{t("setup.unknown", { count: analysis.unknown })}</span>
      ) : null}
      <ol className="token-chips">
        {analysis.tokens.map((tok, i) => (
          <li
            key={i}
            className={tok.known ? "chip" : "chip unknown"}
            title={tok.known ? undefined : t("setup.unknownWord")}
          >
            {tok.text}
            {tok.known ? null : <span className="visually-hidden"> {t("setup.unknownWord")}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}
