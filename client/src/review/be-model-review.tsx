/** A stored "be the model" word: the context, the true word, the model's loss and each student's loss (SPEC [BM1]). */
import { useTranslation } from "react-i18next";
import type { ReviewRound, StudentParticipation } from "@tokenroom/shared";
import { formatBits } from "../lib/format.ts";
import { TableHead } from "../components/table-head.tsx";

interface StoredWord {
  tokens: string[];
  trueIndex: number;
  step: number;
  words: number;
  modelLossBits: number;
}

/** The stored `candidates.word` of a "be the model" round, or null when missing or malformed. */
export function parseWord(value: unknown): StoredWord | null {
  if (typeof value !== "object" || value === null) return null;
  const { tokens, word } = value as { tokens?: unknown; word?: unknown };
  if (!Array.isArray(tokens) || !tokens.every((x) => typeof x === "string")) return null;
  if (typeof word !== "object" || word === null) return null;
  const { trueIndex, step, words, modelLossBits } = word as Record<string, unknown>;
  if (
    typeof trueIndex !== "number" ||
    typeof step !== "number" ||
    typeof words !== "number" ||
    typeof modelLossBits !== "number" ||
    tokens[trueIndex] === undefined
  )
    return null;
  return { tokens, trueIndex, step, words, modelLossBits };
}

export function BeModelReview({ round, students }: { round: ReviewRound; students: StudentParticipation[] }) {
  const { t } = useTranslation();
  const word = parseWord(round.candidates);
  if (!word) return <p className="hint">{t("review.noCandidates")}</p>;
  const rows = students.flatMap((s) =>
    s.guesses
      .filter((g) => g.roundId === round.id && g.scoreBits !== null)
      .map((g) => ({ id: s.id, nickname: s.nickname, loss: g.scoreBits! })),
  );
  rows.sort((a, b) => a.loss - b.loss || a.nickname.localeCompare(b.nickname));
  return (
    <section className="panel" data-testid="review-be-model">
      <h3>
        {t("beModel.status", { step: word.step + 1, words: word.words })} ·{" "}
        {t("beModel.resultTitle", { word: word.tokens[word.trueIndex] })}
      </h3>
      <p>
        {t("beModel.modelLoss")}: {t("beModel.bitsValue", { value: formatBits(word.modelLossBits) })}
      </p>
      {rows.length === 0 ? (
        <p className="hint">{t("beModel.noAnswers")}</p>
      ) : (
        <table className="leaderboard-table">
          <TableHead columns={[{ label: t("beModel.name") }, { label: t("beModel.yourLoss"), num: true }]} />
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.nickname}</th>
                <td className="num">{formatBits(r.loss)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
