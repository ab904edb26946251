/**
 * Scoring a guessed next-token distribution (SPEC.md [GS1]–[GS4]). Outcomes are the round's candidate
 * tokens plus one "something else" bucket (last). All in bits.
 */
import { klDivergenceBits } from "./info.ts";
import type { TokenDistribution } from "./types.ts";

/** [GS4] A guessed probability below this counts as this much (then the guess is renormalised). */
export const GUESS_FLOOR = 0.001;

/** [GS1] The truth collapsed onto the candidates: p(candidate_i), then 1 − Σ for "something else". */
export function collapseTruth(dist: TokenDistribution, candidates: readonly number[]): number[] {
  const p = new Map<number, number>();
  for (let i = 0; i < dist.ids.length; i++) p.set(dist.ids[i]!, dist.probs[i]!);
  const truth = candidates.map((id) => p.get(id) ?? 0);
  const rest = 1 - truth.reduce((s, x) => s + x, 0);
  truth.push(rest > 1e-12 ? rest : 0); // rounding never gives "something else" a phantom mass
  return truth;
}

/** [GS4] max(g_i, floor), renormalised: no outcome is impossible, so no score is infinite. */
export function floorGuess(guess: readonly number[], floor = GUESS_FLOOR): number[] {
  const floored = guess.map((g) => Math.max(g, floor));
  const total = floored.reduce((s, x) => s + x, 0);
  return floored.map((g) => g / total);
}

/** [GS2] The score: KL(truth ‖ floored guess) in bits; 0 is a perfect guess. A proper scoring rule. */
export function guessKlBits(truth: readonly number[], guess: readonly number[], floor = GUESS_FLOOR): number {
  return Math.max(0, klDivergenceBits(truth, floorGuess(guess, floor)));
}

/** [GS3] Friendly points: 100 · 2^(−KL), rounded; 100 is perfect, each bit of KL halves the points. */
export function guessPoints(klBits: number): number {
  return Math.round(100 * 2 ** -klBits);
}

/** Why a submitted guess is not a distribution over the candidates, or null when it is one. */
export function guessError(guess: readonly number[], outcomes: number): string | null {
  if (guess.length !== outcomes)
    return `a guess has ${outcomes} numbers (one per candidate and "something else")`;
  if (guess.some((g) => !Number.isFinite(g) || g < 0)) return "every guessed probability is a number ≥ 0";
  const total = guess.reduce((s, g) => s + g, 0);
  if (Math.abs(total - 1) > 1e-6)
    return `a guess sums to 100% (this one sums to ${(total * 100).toFixed(2)}%)`;
  return null;
}
