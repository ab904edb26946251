/** The KL-vs-N replay of a stored round: its points as the live chart's, cut at the slider's position. */
import type { KlPoint, ReviewKlPoint } from "@tokenroom/shared";

/**
 * The curve's points up to index `upTo` as the KL chart's points. Later points keep their N but carry no KL
 * (NaN is not drawn), so the reference line spans the whole round while the class's curve grows.
 */
export function replayHistory(curve: readonly ReviewKlPoint[], upTo: number): KlPoint[] {
  return curve.map((p, i) => {
    const point: KlPoint =
      i <= upTo
        ? { n: p.n, firstKlBits: p.firstKlBits ?? Number.NaN, completionKlBits: p.completionKlBits }
        : { n: p.n, firstKlBits: Number.NaN, completionKlBits: Number.NaN };
    // [EKL2] at the points the server computed it; the chart joins them (the live chart's reference curve)
    if (typeof p.expectedKlBits === "number") point.expectedKlBits = p.expectedKlBits;
    return point;
  });
}

/**
 * The exact expected KL by chance ([EKL2]) at point `index`: the server's value where it computed one, else
 * read off the straight segment between its neighbours on the log-log chart (the line the chart draws).
 * null when the round has no exact curve (the full first-token distribution is unknown).
 */
export function expectedAt(
  curve: readonly ReviewKlPoint[],
  index: number,
): { bits: number; computed: boolean } | null {
  const at = (i: number) => {
    const v = curve[i]?.expectedKlBits;
    return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : null;
  };
  const here = at(index);
  if (here !== null) return { bits: here, computed: true };
  let lo = index - 1;
  while (lo >= 0 && at(lo) === null) lo--;
  let hi = index + 1;
  while (hi < curve.length && at(hi) === null) hi++;
  const a = lo >= 0 ? at(lo) : null;
  const b = hi < curve.length ? at(hi) : null;
  const n = curve[index]?.n;
  if (a === null || b === null || n === undefined) return null;
  const [n0, n1] = [curve[lo]!.n, curve[hi]!.n];
  const f = n1 > n0 ? Math.log(n / n0) / Math.log(n1 / n0) : 0;
  return { bits: Math.exp(Math.log(a) + f * (Math.log(b) - Math.log(a))), computed: false };
}

/** The index of the last point with n ≤ N (0 when N comes before the first point). */
export function indexAtN(curve: readonly ReviewKlPoint[], n: number): number {
  let lo = 0;
  let hi = curve.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (curve[mid]!.n <= n) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

/** Milliseconds per step so that Play crosses the whole curve in about `totalMs` (never faster than `minMs`). */
export function playStepMs(points: number, totalMs = 6_000, minMs = 25): number {
  return Math.max(minMs, Math.round(totalMs / Math.max(1, points - 1)));
}
