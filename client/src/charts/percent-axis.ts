/** A percent axis with round, evenly spaced ticks (0%, 20%, 40%… rather than 0%, 17.5%, 35%…). */

/** Tick steps, smallest first: the first that reaches the peak in at most `MAX_INTERVALS` steps is used. */
const STEPS = [0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25];
const MAX_INTERVALS = 5;

export interface PercentAxis {
  /** The axis end: the first tick at or above the peak (never above 100%). */
  max: number;
  /** 0, step, 2·step … max. */
  ticks: number[];
}

/** The axis for values up to `peak` (a share, 0…1), at least `floor` long so a few small bars stay visible. */
export function percentAxis(peak: number, floor = 0.05): PercentAxis {
  const top = Math.min(1, Math.max(floor, Number.isFinite(peak) ? peak : 0));
  const intervals = (step: number) => Math.ceil(top / step - 1e-9);
  const step = STEPS.find((s) => intervals(s) <= MAX_INTERVALS) ?? 0.2;
  const n = intervals(step);
  // rounded so 3 × 0.1 reads 0.3, not 0.30000000000000004
  const ticks = Array.from({ length: n + 1 }, (_, i) => Math.round(i * step * 1e4) / 1e4);
  return { max: ticks[n]!, ticks };
}
