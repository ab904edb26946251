/** Rows of the first-token chart: the top tokens (by theory when known, else by count) plus "other". */
import type { RoundStats, TheoryView } from "@tokenroom/shared";

export interface DistRow {
  key: string;
  token: string;
  count: number;
  /** Empirical share count / N (0 before any sample). */
  empirical: number;
  /** Exact probability, null while the theory is hidden. */
  theory: number | null;
  other?: boolean;
}

export function firstTokenRows(
  stats: RoundStats | null,
  theory: TheoryView | null,
  otherLabel: string,
  maxRows = 12,
): DistRow[] {
  const n = stats?.n ?? 0;
  const counts = new Map<number, { token: string; count: number }>();
  for (const c of stats?.firstToken.counts ?? []) counts.set(c.id, { token: c.token, count: c.count });
  const share = (count: number) => (n > 0 ? count / n : 0);
  const rows: DistRow[] = [];
  if (theory) {
    for (const tok of theory.top.slice(0, maxRows)) {
      const count = counts.get(tok.id)?.count ?? 0;
      // [CUT1] a token kept by a cut that split a tie carries the tie mark
      const token = tok.tied ? `${tok.token} ⚖` : tok.token;
      rows.push({ key: String(tok.id), token, count, empirical: share(count), theory: tok.p });
    }
  } else {
    for (const [id, c] of [...counts].slice(0, maxRows)) {
      rows.push({ key: String(id), token: c.token, count: c.count, empirical: share(c.count), theory: null });
    }
  }
  const shownCount = rows.reduce((s, r) => s + r.count, 0);
  const otherCount = Math.max(0, n - shownCount);
  const otherTheory = theory ? Math.max(0, 1 - rows.reduce((s, r) => s + (r.theory ?? 0), 0)) : null;
  if (otherCount > 0 || (otherTheory !== null && otherTheory > 1e-9)) {
    rows.push({
      key: "__other",
      token: otherLabel,
      count: otherCount,
      empirical: share(otherCount),
      theory: otherTheory,
      other: true,
    });
  }
  return rows;
}

/** Powers of ten covering [min, max], for log axes. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0 && max >= min)) return [];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
  return ticks;
}
