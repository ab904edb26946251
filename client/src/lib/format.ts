/**
 * Number formatting shared by the pages, in the interface's locale (i18n/index.ts sets it on every language
 * change, before the pages re-render), through Intl.NumberFormat.
 */

function formatters(locale: string) {
  return {
    percent1: new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }),
    percent0: new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }),
    decimal2: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }),
    decimal3: new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }),
    integer: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }),
  };
}

let locale = "en";
let f = formatters(locale);

/** The BCP 47 tag numbers are formatted for ("en", "zh-CN"). */
export function setNumberLocale(tag: string): void {
  if (tag === locale) return;
  locale = tag;
  f = formatters(tag);
}

export const numberLocale = (): string => locale;

/** 0.4567 → "45.7%"; tiny but non-zero probabilities stay visible ("<0.1%"). */
export function formatPercent(p: number): string {
  if (p > 0 && p < 0.001) return `<${f.percent1.format(0.001)}`;
  return p >= 0.1 ? f.percent0.format(p) : f.percent1.format(p);
}

/** A whole number of percent (a guess's 35 → "35%"). */
export const formatWholePercent = (percent: number): string => f.percent0.format(percent / 100);

export const formatNumber = (x: number): string => f.decimal2.format(x);
export const formatBits = (x: number): string => f.decimal3.format(x);
export const formatInt = (x: number): string => f.integer.format(x);

/** Probabilities of whole completions can be tiny: 3 significant digits, scientific below 0.001. */
export function formatProbability(p: number): string {
  if (p === 0) return "0";
  if (p < 0.001) return p.toExponential(2);
  return formatPercent(p);
}
