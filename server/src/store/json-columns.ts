/**
 * The JSON columns, parsed with zod where they are read: `rounds.theory` (the theory snapshot), `rounds.candidates`
 * (guess and "be the model" rounds) and `guesses.distribution`. Objects are loose: a key some feature stores
 * beside the declared ones (a "be the model" round's `word`) is kept as stored.
 */
import { z } from "zod";
import type { TheoryView } from "@tokenroom/shared";

const distributionView = z.looseObject({
  top: z.array(
    z.looseObject({ id: z.number(), token: z.string(), p: z.number(), tied: z.boolean().optional() }),
  ),
  otherP: z.number(),
  support: z.number(),
  entropyBits: z.number(),
});

/** `rounds.theory`: the theory snapshot (TheoryView); `model` and `cutTie` are absent from older rounds. */
export const theoryColumn = distributionView.extend({
  roundId: z.string(),
  model: distributionView.nullable().optional(),
  cutTie: z
    .looseObject({ kept: z.array(z.string()), dropped: z.array(z.string()), modelP: z.number() })
    .nullable()
    .optional(),
}) satisfies z.ZodType<TheoryView>;

/**
 * Where a "be the model" series stands, stored in its round's `candidates` beside them (server only; a type,
 * not an interface, so that it is a JSON value to Prisma).
 */
export type BeModelWordState = {
  seriesId: string;
  source: "corpus" | "text";
  passage: number[];
  start: number;
  step: number;
  words: number;
  /** Candidates per word are k + 1 ([BM2]). */
  k: number;
  trueId: number;
  trueIndex: number;
  modelLossBits: number;
  /** The model's plain distribution collapsed onto the candidates + "something else" ([GS1]). */
  modelProbs: number[];
};

const beModelWord = z.looseObject({
  seriesId: z.string(),
  source: z.enum(["corpus", "text"]),
  passage: z.array(z.number()),
  start: z.number(),
  step: z.number(),
  words: z.number(),
  k: z.number(),
  trueId: z.number(),
  trueIndex: z.number(),
  modelLossBits: z.number(),
  modelProbs: z.array(z.number()),
}) satisfies z.ZodType<BeModelWordState>;

/**
 * Guess rounds: candidate ids and labels (shuffled) and the truth over them + "something else"; a "be the
 * model" round keeps its `word` beside them.
 */
export type RoundCandidates = {
  ids: number[];
  tokens: string[];
  truth: number[];
  word?: BeModelWordState;
};

/** `rounds.candidates` (RoundCandidates). */
export const candidatesColumn = z.looseObject({
  ids: z.array(z.number()),
  tokens: z.array(z.string()),
  truth: z.array(z.number()),
  word: beModelWord.optional(),
}) satisfies z.ZodType<RoundCandidates>;

/** `guesses.distribution` as the live guess services write it: one probability per outcome. */
export const guessColumn = z.array(z.number());

/** A stored JSON value through its schema; a mismatch names the column (the stored row is not repeated). */
export function readColumn<T>(schema: z.ZodType<T>, value: unknown, column: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `stored ${column} does not match its schema (${issue?.path.join(".")}: ${issue?.message})`,
    );
  }
  return parsed.data;
}
