/**
 * Number formatting shared by the pages, in the interface's locale (i18n/index.ts sets it on every language
 * change, before the pages re-render), through Intl.NumberFormat.
 */

function formatters(locale: string) {
  return {
    percent1: new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }),
    percentSig3: new Intl.NumberFormat(locale, { style: "percent", maximumSignificantDigits: 3 }),
    mantissa: new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 }),
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

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/**
 * The one format of a probability, everywhere (bars, dialogs, tables, chain-rule P): a percentage with enough
 * digits to tell neighbours apart, and scientific notation below 0.1 % so that tiny values keep their size.
 * 0.4567 → "45.7%", 0.0846 → "8.46%", 0.00212 → "0.212%", 0.000846 → "8.46 × 10⁻⁴", 0 → "0%".
 */
export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return "–";
  if (p <= 0) return f.percent0.format(0);
  if (p < 0.001) {
    let exponent = Math.floor(Math.log10(p));
    let mantissa = Number((p / 10 ** exponent).toPrecision(3));
    if (mantissa >= 10) {
      mantissa /= 10;
      exponent += 1;
    }
    const power = [...String(exponent)].map((c) => SUPERSCRIPT[c] ?? c).join("");
    return `${f.mantissa.format(mantissa)} × 10${power}`;
  }
  return p >= 0.1 ? f.percent1.format(p) : f.percentSig3.format(p);
}

/** A whole number of percent (a guess's 35 → "35%"). */
export const formatWholePercent = (percent: number): string => f.percent0.format(percent / 100);

export const formatNumber = (x: number): string => f.decimal2.format(x);
export const formatBits = (x: number): string => f.decimal3.format(x);
export const formatInt = (x: number): string => f.integer.format(x);
