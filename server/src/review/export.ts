/**
 * Streamed exports of one session: CSV (samples or guesses) and JSON. Rows are read in keyset pages
 * and each page is written as one chunk, waiting for the socket to drain: memory stays flat whatever
 * the session's size. [EX3] Formatting a page yields the event loop every few milliseconds (Slices), writing
 * what it has so far. Completion texts are decoded with the round's model (empty when it is missing).
 */
import { LRUCache } from "lru-cache";
import {
  EXPORT_SCHEMA_VERSION,
  MODEL_SETTINGS,
  type SessionExport,
  sequenceLogProb,
} from "@tokenroom/shared";
import type { ModelRegistry } from "../models/registry.ts";
import { CSV_BOM, csvRow, csvText, userText } from "./csv.ts";
import type { ExportQueries } from "../store/export-pages.ts";
import { guessColumn } from "../store/json-columns.ts";
import type { RoundRow, RoundStore } from "../store/rounds.ts";
import { completionText, roundFields, roundModel } from "./round-review.ts";
import { isoOrNull, type Keyset, type SessionQueries } from "../store/review-sessions.ts";
import { Slices, type StreamOut, writePages } from "./stream-out.ts";

export interface ExportDeps {
  sessions: SessionQueries;
  rounds: Pick<RoundStore, "sessionRounds">;
  exports: ExportQueries;
  models: ModelRegistry;
}

export const SAMPLE_COLUMNS = [
  "round_seq",
  "round_id",
  "participant_id",
  "nickname",
  "idx",
  "tokens",
  "text",
  "log_prob",
  "prob",
  "created_at",
  "model_log_prob",
] as const;

/** The guesses CSV: these, then `word_i, prob_i` for each outcome (as many as the session's widest round), then the score and time. */
export const GUESS_COLUMNS = ["round_seq", "round_id", "participant_id", "nickname"] as const;
export const GUESS_TAIL_COLUMNS = ["score_bits", "submitted_at"] as const;
/** The last outcome of every guess: any word that is not a candidate. */
export const SOMETHING_ELSE = "(something else)";
/** Guessed probabilities in the CSV: rounded to this many decimals (they are whole percentages as guessed). */
export const GUESS_PROB_DECIMALS = 4;

/** A guess or "be the model" round's outcomes in order: its candidate words, then "something else". */
function outcomeWords(round: RoundRow): string[] | null {
  const tokens = round.candidates?.tokens;
  return tokens ? [...tokens, SOMETHING_ELSE] : null;
}

const roundedProb = (p: unknown): number | "" =>
  typeof p === "number" && Number.isFinite(p) ? Number(p.toFixed(GUESS_PROB_DECIMALS)) : "";

/** Nicknames of a session's participants (a class: hundreds), read in pages. */
async function nicknames(deps: ExportDeps, sessionId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let after: Keyset | null = null;
  do {
    const page = await deps.sessions.participants(sessionId, after, 1_000);
    for (const p of page.rows) out.set(p.id, p.nickname);
    after = page.next;
  } while (after);
  return out;
}

/** One CSV row per stored sample, rounds in order; returns the number of rows written. */
export async function writeSamplesCsv(out: StreamOut, deps: ExportDeps, sessionId: string): Promise<number> {
  await out.write(CSV_BOM + csvRow(SAMPLE_COLUMNS));
  const nick = new Map([...(await nicknames(deps, sessionId))].map(([id, n]) => [id, csvText(n)]));
  let written = 0;
  const slices = new Slices();
  for (const round of await deps.rounds.sessionRounds(sessionId)) {
    const text = await textOf(round, deps.models, csvText);
    const modelLogProb = await modelLogProbOf(round, deps.models);
    const head = `${round.seq},${round.id},`;
    written += await writePages(
      out,
      deps.exports.samples(round.id),
      slices,
      ([participantId, idx, tokens, logProb, createdAt]) => {
        const prob = Math.exp(Number(logProb));
        return (
          `${head}${participantId},${nick.get(participantId) ?? ""},${idx},${tokens},` +
          `${text(tokens)},${logProb},${prob},${createdAt},${modelLogProb(tokens)}\r\n`
        );
      },
    );
  }
  return written;
}

/**
 * One CSV row per stored guess: each outcome's word beside its guessed probability (`word_1, prob_1, …`,
 * rounded to GUESS_PROB_DECIMALS), as many pairs as the session's round with the most outcomes (the others
 * leave theirs empty).
 */
export async function writeGuessesCsv(out: StreamOut, deps: ExportDeps, sessionId: string): Promise<number> {
  const rounds = await deps.rounds.sessionRounds(sessionId);
  const width = Math.max(0, ...rounds.map((r) => outcomeWords(r)?.length ?? 0));
  const pairs = Array.from({ length: width }, (_, i) => [`word_${i + 1}`, `prob_${i + 1}`]).flat();
  await out.write(CSV_BOM + csvRow([...GUESS_COLUMNS, ...pairs, ...GUESS_TAIL_COLUMNS]));
  let written = 0;
  const slices = new Slices();
  for (const round of rounds) {
    const words = outcomeWords(round) ?? [];
    written += await writePages(out, deps.exports.guesses(round.id), slices, (g) => {
      // stored as the guess service writes it: one probability per outcome (store/json-columns.ts)
      const probs = guessColumn.safeParse(g.distribution).data;
      const cells = Array.from({ length: width }, (_, i) => [
        i < words.length ? userText(words[i]!) : "",
        probs ? roundedProb(probs[i]) : "",
      ]).flat();
      return csvRow([
        round.seq,
        round.id,
        g.participantId,
        userText(g.nickname),
        ...cells,
        g.scoreBits,
        g.submittedAt.toISOString(),
      ]);
    });
  }
  return written;
}

/** `{ schemaVersion, session, participants, rounds: [{ …, samples, guesses }] }` as JSON text, piece by piece. */
export async function writeJsonExport(
  out: StreamOut,
  deps: ExportDeps,
  session: SessionExport["session"],
): Promise<void> {
  await out.write(
    `{"schemaVersion":${EXPORT_SCHEMA_VERSION},"session":${JSON.stringify(session)},"participants":[`,
  );
  let after: Keyset | null = null;
  let first = true;
  do {
    const page = await deps.sessions.participants(session.id, after, 1_000);
    const items: SessionExport["participants"] = page.rows.map((p) => ({
      id: p.id,
      nickname: p.nickname,
      joinedAt: p.joinedAt.toISOString(),
      removedAt: isoOrNull(p.removedAt),
    }));
    if (items.length > 0) await out.write((first ? "" : ",") + items.map((p) => JSON.stringify(p)).join(","));
    first = first && items.length === 0;
    after = page.next;
  } while (after);
  await out.write(`],"rounds":[`);
  const rounds = await deps.rounds.sessionRounds(session.id);
  const slices = new Slices();
  for (const [i, round] of rounds.entries()) {
    const text = await textOf(round, deps.models, (t) => JSON.stringify(t));
    const modelLogProb = await modelLogProbOf(round, deps.models);
    const header = JSON.stringify(
      roundFields(round, await roundModel(round, deps.models)) satisfies Omit<
        SessionExport["rounds"][number],
        "samples" | "guesses"
      >,
    );
    await out.write(`${i > 0 ? "," : ""}${header.slice(0, -1)},"samples":[`);
    // items after the first are preceded by a comma
    let sep = "";
    const separated = (item: string) => {
      const s = sep + item;
      sep = ",";
      return s;
    };
    await writePages(
      out,
      deps.exports.samples(round.id),
      slices,
      ([participantId, idx, tokens, logProb, createdAt]) =>
        // ids, numbers and ISO times need no escaping; the text does
        separated(
          `{"participantId":"${participantId}","idx":${idx},"tokens":[${tokens.replaceAll(" ", ",")}],"text":${text(tokens)},"logProb":${logProb},"modelLogProb":${modelLogProb(tokens) || "null"},"createdAt":"${createdAt}"}`,
        ),
    );
    await out.write(`],"guesses":[`);
    sep = "";
    await writePages(out, deps.exports.guesses(round.id), slices, (g) =>
      separated(
        JSON.stringify({
          participantId: g.participantId,
          distribution: g.distribution,
          scoreBits: g.scoreBits,
          submittedAt: g.submittedAt.toISOString(),
        }),
      ),
    );
    await out.write("]}");
  }
  await out.write("]}");
}

/**
 * The completion text of a sample, already quoted for its format, from its space-separated token ids.
 * Decoding repeats a lot (a round has few distinct completions): a bounded LRU per round.
 */
async function textOf(
  round: RoundRow,
  models: ModelRegistry,
  quote: (text: string) => string,
): Promise<(tokens: string) => string> {
  const model = await roundModel(round, models);
  const cache = new LRUCache<string, string>({ max: 50_000 });
  return (tokens) => {
    let text = cache.get(tokens);
    if (text === undefined) {
      text = quote(model ? completionText(model, tokens.split(" ").map(Number)) : "");
      cache.set(tokens, text);
    }
    return text;
  };
}

/**
 * [MS1] ln P(completion | prompt) under the model itself (T = 1, no top-k / top-p; chain rule, nats), as text:
 * beside `log_prob`, the sampler's. "" when the model is missing or gives it probability 0 (never at T = 1
 * for the shipped models). Cached per round like the text.
 */
async function modelLogProbOf(round: RoundRow, models: ModelRegistry): Promise<(tokens: string) => string> {
  const model = await roundModel(round, models);
  if (!model) return () => "";
  const decoder = models.decoder(model, MODEL_SETTINGS);
  const cache = new LRUCache<string, string>({ max: 50_000 });
  return (tokens) => {
    let value = cache.get(tokens);
    if (value === undefined) {
      try {
        const ids = tokens.split(" ").map(Number);
        const lp = sequenceLogProb(model, round.promptTokens, ids, MODEL_SETTINGS, decoder);
        value = Number.isFinite(lp) ? String(lp) : "";
      } catch {
        value = "";
      }
      cache.set(tokens, value);
    }
    return value;
  };
}
