/** Plain-text output helpers for the CLI. */
import type { DecodingSettings } from "../../src/engine/types.ts";

/** Rows of cells as aligned columns; `align` per column ("l" or "r"). */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: string,
): string {
  const widths = header.map((h, c) => Math.max([...h].length, ...rows.map((r) => [...(r[c] ?? "")].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => {
        const pad = " ".repeat(Math.max(0, widths[c]! - [...cell].length));
        return align[c] === "r" ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`).join("\n");
}

/** A bar of up to `width` blocks for a probability. */
export function bar(p: number, width = 24): string {
  return "█".repeat(Math.round(p * width));
}

export function percent(p: number): string {
  return `${(100 * p).toFixed(p >= 0.001 || p === 0 ? 1 : 3)}%`;
}

export function settingsLabel(s: DecodingSettings): string {
  return `T=${s.temperature} top-k=${s.topK === 0 ? "off" : s.topK} top-p=${s.topP === 1 ? "off" : s.topP}`;
}

/** A bytes count as "123 KB". */
export function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
