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
 * Text a participant typed (a nickname): a leading = + - @ (or tab / CR) would make a spreadsheet run
 * it as a formula, so it gets a leading apostrophe (OWASP's advice for CSV injection).
 */
export function userText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}
