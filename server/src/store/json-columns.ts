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

/** Guess rounds: candidate ids and labels (shuffled) and the truth over them + "something else". */
export type RoundCandidates = {
  ids: number[];
  tokens: string[];
  truth: number[];
};

/** `rounds.candidates` (RoundCandidates; a "be the model" round keeps its `word` beside them). */
export const candidatesColumn = z.looseObject({
  ids: z.array(z.number()),
  tokens: z.array(z.string()),
  truth: z.array(z.number()),
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
