/** Data of the guess round's charts: the class's average guess against the truth, and the score histogram. */

export interface GuessRow {
  key: string;
  token: string;
  average: number;
  truth: number;
}

/** One row per outcome (candidates, then "something else"). */
export function guessRows(
  labels: readonly string[],
  average: readonly number[],
  truth: readonly number[],
): GuessRow[] {
  return labels.map((token, i) => ({
    key: String(i),
    token,
    average: average[i] ?? 0,
    truth: truth[i] ?? 0,
  }));
}

export interface ScoreBin {
  from: number;
  to: number;
  count: number;
}

/** Bin widths in bits, the smallest that keeps the histogram at ≤ 10 bars. */
const WIDTHS = [0.05, 0.1, 0.25, 0.5, 1, 2];
const MAX_BINS = 10;
const MIN_BINS = 4;

/** Equal-width bins from 0 bits covering every score (a score on an edge counts in the bin it starts). */
export function scoreHistogram(scores: readonly number[]): ScoreBin[] {
  const finite = scores.filter((s) => Number.isFinite(s) && s >= 0);
  const max = finite.length ? Math.max(...finite) : 0;
  const width = WIDTHS.find((w) => Math.floor(max / w) + 1 <= MAX_BINS) ?? Math.ceil(max / MAX_BINS + 1e-9);
  const n = Math.max(MIN_BINS, Math.floor(max / width) + 1);
  const bins = Array.from({ length: n }, (_, i) => ({ from: i * width, to: (i + 1) * width, count: 0 }));
  for (const s of finite) bins[Math.min(n - 1, Math.floor(s / width + 1e-9))]!.count += 1;
  return bins;
}
