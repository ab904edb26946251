/**
 * Counts of outcomes and the running sums KL and cross-entropy are built from ([EMP4]), kept up to date in
 * O(1) per sample (stats.ts turns the sums into the numbers: klFromSums, buildStats).
 */
import { cLogC } from "./stats.ts";

export class CounterKl<K> {
  readonly counts = new Map<K, number>();
  n = 0;
  /** Σ_x c_x log2 c_x over outcomes. */
  private sumCLogC = 0;
  /** Σ over samples of log2 q(sample). */
  private sumLogQ = 0;

  /** Adds one observation of `key` whose theory probability is 2^log2q. */
  add(key: K, log2q: number): number {
    const c = this.counts.get(key) ?? 0;
    this.counts.set(key, c + 1);
    this.sumCLogC += cLogC(c + 1) - cLogC(c);
    this.sumLogQ += log2q;
    this.n += 1;
    return c + 1;
  }

  sums(): { n: number; sumCLogC: number; sumLogQ: number } {
    return { n: this.n, sumCLogC: this.sumCLogC, sumLogQ: this.sumLogQ };
  }

  get distinct(): number {
    return this.counts.size;
  }
}

/**
 * The `k` entries with the highest count (ties: first seen first), without sorting everything. It runs on every
 * statistics tick over every distinct completion (tens of thousands in a large class): `forEach` allocates
 * nothing per entry, where `for…of` over a Map allocates an [key, value] pair for each (a tenth of the main
 * thread's allocation under bench:load), so a pair is made only for an entry that enters the top.
 */
export function topByCount<K>(counts: Map<K, number>, k: number): [K, number][] {
  const top: [K, number][] = [];
  if (k <= 0) return top;
  counts.forEach((count, key) => {
    if (top.length === k && count <= top[k - 1]![1]) return;
    const entry: [K, number] = [key, count];
    let i = Math.min(top.length, k - 1);
    if (top.length < k) top.push(entry);
    else top[i] = entry;
    while (i > 0 && top[i - 1]![1] < count) {
      top[i] = top[i - 1]!;
      top[i - 1] = entry;
      i--;
    }
  });
  return top;
}
