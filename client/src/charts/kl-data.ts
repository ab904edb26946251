/** The KL chart's rows and axes: the class's KL, the exact expected KL by chance, and its approximation. */
import { expectedEmpiricalKlBits, type KlPoint } from "@tokenroom/shared";

const positive = (x: number | undefined) => (x !== undefined && Number.isFinite(x) && x > 0 ? x : null);

export interface KlRow {
  n: number;
  first: number | null;
  completion: number | null;
  /** Exact expected KL by chance at n (null when the server did not send it). */
  expected: number | null;
  /** (k − 1) / (2 n ln 2). */
  approximation: number | null;
}

export function klRows(history: readonly KlPoint[], support: number): KlRow[] {
  return history.map((h) => ({
    n: h.n,
    first: positive(h.firstKlBits),
    completion: positive(h.completionKlBits),
    expected: positive(h.expectedKlBits),
    approximation: positive(expectedEmpiricalKlBits(support, h.n)),
  }));
}

/**
 * Log axes spanning the data in whole decades. The approximation only counts when there is no exact curve:
 * at small N it can be far above everything else, and is then cut off at the top instead.
 */
export interface KlDomains {
  x: [number, number];
  y: [number, number];
}

export function klDomains(rows: readonly KlRow[]): KlDomains {
  const exact = rows.some((d) => d.expected !== null);
  const ys = rows
    .flatMap((d) => [d.first, d.completion, exact ? d.expected : d.approximation])
    .filter((v): v is number => v !== null);
  const decade = (x: number, round: (v: number) => number) => 10 ** round(Math.log10(x));
  const nMax = rows.length ? Math.max(10, decade(Math.max(...rows.map((d) => d.n)), Math.ceil)) : 10;
  const yMin = ys.length ? decade(Math.min(...ys), Math.floor) : 0.001;
  const yMax = ys.length ? Math.max(yMin * 10, decade(Math.max(...ys), Math.ceil)) : 1;
  return { x: [1, nMax], y: [yMin, yMax] };
}
