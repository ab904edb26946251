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

/**
 * The tokens the class actually drew together with the sampler's most probable tokens (the theory: the model
 * under the round's own temperature, top-k and top-p, so at T = 2.5 the rows are the flattened distribution),
 * `maxRows` of them (half the model's most probable, then the most drawn, then the model's next), ordered by
 * probability (then by count); the rest is
 * "other". Without the theory (hidden until the reveal): the drawn tokens by count.
 */
export function firstTokenRows(
  stats: RoundStats | null,
  theory: TheoryView | null,
  otherLabel: string,
  maxRows = 12,
): DistRow[] {
  const n = stats?.n ?? 0;
  const share = (count: number) => (n > 0 ? count / n : 0);
  const rows = new Map<number, DistRow>();
  for (const tok of theory?.top ?? []) {
    // [CUT1] a token kept by a cut that split a tie carries the tie mark
    const token = tok.tied ? `${tok.token} ⚖` : tok.token;
    rows.set(tok.id, { key: String(tok.id), token, count: 0, empirical: 0, theory: tok.p });
  }
  for (const c of stats?.firstToken.counts ?? []) {
    const row = rows.get(c.id);
    if (row) Object.assign(row, { count: c.count, empirical: share(c.count) });
    else
      rows.set(c.id, {
        key: String(c.id),
        token: c.token,
        count: c.count,
        empirical: share(c.count),
        theory: null,
      });
  }
  // half the rows for the model's most probable tokens, then the most drawn ones, then the model's next ones
  const picked = new Set<DistRow>();
  const byTheory = [...rows.values()].filter((r) => r.theory !== null);
  const byCount = [...rows.values()].filter((r) => r.count > 0).sort((a, b) => b.count - a.count);
  for (const r of byTheory.slice(0, Math.ceil(maxRows / 2))) picked.add(r);
  for (const r of [...byCount, ...byTheory]) if (picked.size < maxRows) picked.add(r);
  const chosen = [...picked].sort((a, b) => (b.theory ?? -1) - (a.theory ?? -1) || b.count - a.count);
  const shownCount = chosen.reduce((s, r) => s + r.count, 0);
  const otherCount = Math.max(0, n - shownCount);
  const otherTheory = theory ? Math.max(0, 1 - chosen.reduce((s, r) => s + (r.theory ?? 0), 0)) : null;
  if (otherCount > 0 || (otherTheory !== null && otherTheory > 1e-9)) {
    chosen.push({
      key: "__other",
      token: otherLabel,
      count: otherCount,
      empirical: share(otherCount),
      theory: otherTheory,
      other: true,
    });
  }
  return chosen;
}

/** Powers of ten covering [min, max], for log axes. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0 && max >= min)) return [];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
  return ticks;
}
