/** The KL-vs-N replay of a stored round: its points as the live chart's, cut at the slider's position. */
import type { KlPoint, ReviewKlPoint } from "@tokenroom/shared";

/**
 * The curve's points up to index `upTo` as the KL chart's points. Later points keep their N but carry no KL
 * (NaN is not drawn), so the reference line spans the whole round while the class's curve grows.
 */
export function replayHistory(curve: readonly ReviewKlPoint[], upTo: number): KlPoint[] {
  return curve.map((p, i) =>
    i <= upTo
      ? { n: p.n, firstKlBits: p.firstKlBits ?? Number.NaN, completionKlBits: p.completionKlBits }
      : { n: p.n, firstKlBits: Number.NaN, completionKlBits: Number.NaN },
  );
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
