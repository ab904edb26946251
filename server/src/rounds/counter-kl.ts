/**
 * Counts of outcomes with KL(empirical ‖ theory) and cross-entropy kept up to date in O(1) per sample:
 *   KL = Σ_x (c_x/N) log2(c_x / (N q_x)) = (Σ_x c_x log2 c_x) / N − log2 N − (Σ_samples log2 q) / N   [bits]
 *   cross-entropy = −(Σ_samples log2 q) / N                                                          [bits]
 */
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
    // (c+1) log2(c+1) − c log2 c; c log2 c is 0 at c = 0
    this.sumCLogC += (c + 1) * Math.log2(c + 1) - (c > 0 ? c * Math.log2(c) : 0);
    this.sumLogQ += log2q;
    this.n += 1;
    return c + 1;
  }

  /** KL(empirical ‖ theory) in bits; 0 before any sample. Clamped at 0 against rounding. */
  klBits(): number {
    if (this.n === 0) return 0;
    return Math.max(0, this.sumCLogC / this.n - Math.log2(this.n) - this.sumLogQ / this.n);
  }

  /** Mean −log2 q over the samples (bits); 0 before any sample. */
  crossEntropyBits(): number {
    return this.n === 0 ? 0 : -this.sumLogQ / this.n;
  }

  sums(): { n: number; sumCLogC: number; sumLogQ: number } {
    return { n: this.n, sumCLogC: this.sumCLogC, sumLogQ: this.sumLogQ };
  }

  get distinct(): number {
    return this.counts.size;
  }
}

/** The `k` entries with the highest count (ties: first seen first), without sorting everything. */
export function topByCount<K>(counts: Map<K, number>, k: number): [K, number][] {
  const top: [K, number][] = [];
  for (const entry of counts) {
    if (top.length === k && entry[1] <= top[k - 1]![1]) continue;
    let i = Math.min(top.length, k - 1);
    if (top.length < k) top.push(entry);
    else top[i] = entry;
    while (i > 0 && top[i - 1]![1] < entry[1]) {
      top[i] = top[i - 1]!;
      top[i - 1] = entry;
      i--;
    }
  }
  return top;
}
