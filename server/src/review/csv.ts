/** CSV as RFC 4180 writes it: CRLF line ends, fields with a quote, comma or line break quoted, quotes doubled. */

export type CsvValue = string | number | null;

/** The UTF-8 byte order mark: spreadsheets then read non-English text as UTF-8. */
export const CSV_BOM = "\uFEFF";

export function csvField(value: CsvValue): string {
  if (value === null) return "";
  const s = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/**
 * [H5] A cell a spreadsheet would run as a formula: it starts with = + - @ (or their full-width forms
 * ＝ ＋ － ＠, which some spreadsheets also accept), a pipe (DDE), or a tab / CR / LF that may hide one.
 */
const FORMULA_START = /^[=+\-@|\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * Text a user controls (a nickname, a completion of a model someone trained on their own text): a formula
 * start gets a leading apostrophe, OWASP's advice for CSV injection; the spreadsheet shows the text as typed.
 */
export function userText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** A CSV field of user-controlled text: guarded, then quoted. */
export const csvText = (s: string): string => csvField(userText(s));
