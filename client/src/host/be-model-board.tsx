/**
 * A "be the model" word on the projector: the text so far, the candidates and "N of M answered"; after each
 * reveal the true word with the class's and the model's loss; the loss per word, the averages and
 * perplexities (class against model), and the leaderboard in bits (lower is better).
 */
import { memo } from "react";
import { useTranslation } from "react-i18next";
import type { BeModelSummary, RoundInfo } from "@tokenroom/shared";
import { BeModelChart } from "../charts/be-model-chart.tsx";
import { formatBits, formatInt, formatNumber } from "../lib/format.ts";
import { CandidateChips } from "./candidate-chips.tsx";
import { TableHead } from "../components/table-head.tsx";

export interface BeModelBoardProps {
  round: RoundInfo;
  summary: BeModelSummary | null;
  /** Students in the room (not removed). */
  students: number;
}

export const BeModelBoard = memo(function BeModelBoard({ round, summary, students }: BeModelBoardProps) {
  const { t } = useTranslation();
  const labels = [...(round.candidates ?? []).map((c) => c.token), t("guess.somethingElse")];
  // the previous word's summary keeps the series on screen until this word's arrives
  const s = summary && summary.seriesId === round.beModel?.seriesId ? summary : null;
  const current = s?.history.find((w) => w.roundId === round.id) ?? null;
  const bits = (x: number | null) => (x === null ? "–" : t("beModel.bitsValue", { value: formatBits(x) }));
  return (
    <div className="be-model">
      <section className="panel be-model-text" aria-labelledby="be-model-text-title">
        <h3
          id="be-model-text-title"
          className="guess-progress"
          data-testid="bemodel-progress"
          aria-live="polite"
        >
          {t("beModel.progress", {
            submitted: formatInt(s?.roundId === round.id ? s.submitted : 0),
            count: students,
          })}
        </h3>
        <p className="be-model-passage" data-testid="bemodel-text">
          {round.prompt}{" "}
          {current ? (
            <mark className="true-word" data-testid="bemodel-true">
              {current.trueToken}
            </mark>
          ) : (
            <span className="blank" aria-hidden="true">
              ＿＿
            </span>
          )}
        </p>
        {current ? (
          <dl className="be-model-losses">
            <div>
              <dt>{t("beModel.classLoss")}</dt>
              <dd data-testid="bemodel-class-loss">{bits(current.classLossBits)}</dd>
            </div>
            <div>
              <dt>{t("beModel.modelLoss")}</dt>
              <dd data-testid="bemodel-model-loss">{bits(current.modelLossBits)}</dd>
            </div>
          </dl>
        ) : (
          <>
            <p className="hint big-hint">{t("beModel.openNote")}</p>
            <h3>{t("beModel.candidatesTitle")}</h3>
            <CandidateChips labels={labels} />
          </>
        )}
      </section>
      {s && s.history.length > 0 ? <SeriesPanels summary={s} /> : null}
    </div>
  );
});

function SeriesPanels({ summary: s }: { summary: BeModelSummary }) {
  const { t } = useTranslation();
  const c = s.classAverage;
  const m = s.modelAverage;
  const verdict =
    c && m
      ? Math.abs(c.bits - m.bits) < 1e-9
        ? t("beModel.verdictTie")
        : c.bits < m.bits
          ? t("beModel.verdictClass")
          : t("beModel.verdictModel")
      : null;
  return (
    <div className="be-model-series">
      <section className="panel" aria-labelledby="be-model-chart-title">
        <h3 id="be-model-chart-title">{t("beModel.chartTitle")}</h3>
        <BeModelChart words={s.history} />
      </section>
      <section className="panel" aria-labelledby="be-model-avg-title">
        <h3 id="be-model-avg-title">{t("beModel.averages")}</h3>
        <table className="leaderboard-table" data-testid="bemodel-averages">
          <TableHead
            columns={[
              { label: t("beModel.who") },
              { label: t("beModel.averageBits"), num: true },
              { label: t("beModel.perplexity"), num: true },
            ]}
          />
          <tbody>
            <tr data-testid="bemodel-avg-class">
              <th scope="row">{t("beModel.classLine")}</th>
              <td className="num">{c ? formatBits(c.bits) : "–"}</td>
              <td className="num">{c ? formatNumber(c.perplexity) : "–"}</td>
            </tr>
            <tr data-testid="bemodel-avg-model">
              <th scope="row">{t("beModel.modelLine")}</th>
              <td className="num">{m ? formatBits(m.bits) : "–"}</td>
              <td className="num">{m ? formatNumber(m.perplexity) : "–"}</td>
            </tr>
          </tbody>
        </table>
        {verdict ? <p className="verdict">{verdict}</p> : null}
        <p className="hint">{t("beModel.pplNote")}</p>
      </section>
      <section className="panel guess-leader-panel" aria-labelledby="be-model-board-title">
        <h3 id="be-model-board-title">{t("beModel.leaderboard")}</h3>
        {s.standings.length === 0 ? (
          <p className="hint">{t("beModel.noAnswers")}</p>
        ) : (
          <table className="leaderboard-table" data-testid="bemodel-leaderboard">
            <TableHead
              columns={[
                { label: t("beModel.rank"), num: true },
                { label: t("beModel.name") },
                { label: t("beModel.averageBits"), num: true },
                { label: t("beModel.perplexity"), num: true },
                { label: t("beModel.answered"), num: true },
              ]}
            />
            <tbody>
              {s.standings.slice(0, 10).map((e) => (
                <tr key={e.participantId} className={e.rank === 1 ? "first" : undefined}>
                  <td className="num rank">{formatInt(e.rank)}</td>
                  <th scope="row" className="leader-name">
                    {e.nickname}
                  </th>
                  <td className="num total">{formatBits(e.averageBits)}</td>
                  <td className="num">{formatNumber(e.perplexity)}</td>
                  <td className="num">
                    {formatInt(e.answered)} / {formatInt(s.history.length)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
