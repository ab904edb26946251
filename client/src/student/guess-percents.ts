/**
 * A guess as whole percentages over the candidates plus "something else" (last). Every operation keeps
 * integers that sum to exactly 100, so what the student sees is exactly what is sent.
 */

export const TOTAL = 100;
/** One press of + or − moves this many percentage points. */
export const STEP = 5;

/** Largest-remainder apportionment: splits the integer `amount` over `weights` (≥ 0, sum > 0) in proportion. */
export function apportion(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (amount * w) / total);
  const shares = exact.map(Math.floor);
  let left = amount - shares.reduce((s, x) => s + x, 0);
  // the biggest fractional parts get the leftover units (ties: the bigger weight, then the earlier index)
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x), w: weights[i]! }))
    .sort((a, b) => b.frac - a.frac || b.w - a.w || a.i - b.i);
  for (const { i, frac } of order) {
    if (left <= 0 || frac <= 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

/** The starting guess: as even as whole percentages allow (the earlier outcomes get the leftover points). */
export function evenPercents(outcomes: number): number[] {
  return apportion(TOTAL, Array<number>(outcomes).fill(1));
}

/**
 * One press: outcome `index` moves by `delta` points (clamped to 0..100), and the others pay for it or
 * receive it in proportion to what they hold. When they hold nothing (a guess all on one outcome), the
 * points go to "something else", or, when that is the outcome lowered, equally to the candidates.
 */
export function stepPercents(percents: readonly number[], index: number, delta: number): number[] {
  const current = percents[index];
  if (current === undefined) return [...percents];
  const move = Math.max(-current, Math.min(TOTAL - current, delta));
  if (move === 0) return [...percents];
  const others = percents.map((p, i) => (i === index ? 0 : p));
  let weights = others;
  if (move < 0 && others.every((p) => p === 0)) {
    const last = percents.length - 1;
    weights = percents.map((_, i) => (i === index ? 0 : index === last || i === last ? 1 : 0));
  }
  const shares = apportion(Math.abs(move), weights);
  return percents.map((p, i) => (i === index ? p + move : move > 0 ? p - shares[i]! : p + shares[i]!));
}

/** Percentages → probabilities in the same order; the last entry absorbs rounding, so they sum to 1. */
export function percentsToProbs(percents: readonly number[]): number[] {
  const probs = percents.map((p) => p / TOTAL);
  const head = probs.slice(0, -1);
  return [...head, Math.max(0, 1 - head.reduce((s, p) => s + p, 0))];
}

/** Probabilities (a stored guess) → whole percentages summing to 100, or null when they do not fit. */
export function probsToPercents(probs: readonly number[], outcomes: number): number[] | null {
  if (probs.length !== outcomes || probs.some((p) => !(p >= 0))) return null;
  const total = probs.reduce((s, p) => s + p, 0);
  return total > 0 ? apportion(TOTAL, probs) : null;
}

export const samePercents = (a: readonly number[], b: readonly number[] | null): boolean =>
  b !== null && a.length === b.length && a.every((x, i) => x === b[i]);
