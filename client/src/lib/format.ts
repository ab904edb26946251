/**
 * Number formatting shared by the pages, in the interface's locale (i18n/index.ts sets it on every language
 * change, before the pages re-render), through Intl.NumberFormat.
 */

function formatters(locale: string) {
  return {
    percent1: new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }),
    scientific: new Intl.NumberFormat(locale, { notation: "scientific", maximumSignificantDigits: 3 }),
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

/**
 * The one format for a probability, everywhere: a percentage from 0.1% on (whole from 10%: 0.4567 → "46%";
 * one decimal below: 0.002 → "0.2%"), scientific below 0.1% (0.000846 → "8.46E-4"), so a tiny probability
 * keeps its digits instead of showing as "<0.1%".
 */
export function formatPercent(p: number): string {
  if (p > 0 && p < 0.001) return f.scientific.format(p);
  return p >= 0.1 ? f.percent0.format(p) : f.percent1.format(p);
}

/** A whole number of percent (a guess's 35 → "35%"). */
export const formatWholePercent = (percent: number): string => f.percent0.format(percent / 100);

export const formatNumber = (x: number): string => f.decimal2.format(x);
export const formatBits = (x: number): string => f.decimal3.format(x);
export const formatInt = (x: number): string => f.integer.format(x);

/** Probabilities of whole completions (often tiny): the same format as every other probability. */
export const formatProbability = formatPercent;
