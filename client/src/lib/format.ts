/** Number formatting shared by the pages (locale-aware through Intl). */

const percent1 = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
const percent0 = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 0 });
const decimal2 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const decimal3 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** 0.4567 → "45.7%"; tiny but non-zero probabilities stay visible ("<0.1%"). */
export function formatPercent(p: number): string {
  if (p > 0 && p < 0.001) return `<${percent1.format(0.001)}`;
  return p >= 0.1 ? percent0.format(p) : percent1.format(p);
}

export const formatNumber = (x: number): string => decimal2.format(x);
export const formatBits = (x: number): string => decimal3.format(x);
export const formatInt = (x: number): string => integer.format(x);

/** Probabilities of whole completions can be tiny: 3 significant digits, scientific below 0.001. */
export function formatProbability(p: number): string {
  if (p === 0) return "0";
  if (p < 0.001) return p.toExponential(2);
  return formatPercent(p);
}
