/**
 * Information theory in bits (SPEC.md [H1] [CE1] [KL1] [PPL1] [LS1] [EKL1] [EMP1]).
 * Distributions are aligned arrays of probabilities (index = outcome); terms with p = 0 contribute 0.
 */

/** Both arrays index the same outcomes. */
function checkAligned(p: ArrayLike<number>, q: ArrayLike<number>): void {
  if (p.length !== q.length)
    throw new RangeError(`distributions differ in length (${p.length} vs ${q.length})`);
}

/** p · log2(p / q) in bits, without overflow when q is tiny; 0 when p = 0; +Infinity when p > 0 = q. */
function klTerm(p: number, q: number): number {
  if (p === 0) return 0;
  const ratio = p / q;
  return p * (Number.isFinite(ratio) ? Math.log2(ratio) : Math.log2(p) - Math.log2(q));
}

/** [H1] H(p) = −Σ_i p_i log2 p_i (bits; 0 log 0 = 0). */
export function entropyBits(p: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    if (pi > 0) h -= pi * Math.log2(pi);
  }
  return h;
}

/** [CE1] H(p, q) = −Σ_i p_i log2 q_i (bits); p_i = 0 terms are 0; p_i > 0 with q_i = 0 gives +Infinity. */
export function crossEntropyBits(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkAligned(p, q);
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    if (pi > 0) h -= pi * Math.log2(q[i]!);
  }
  return h;
}

/**
 * [KL1] KL(p ‖ q) = Σ_i p_i log2(p_i / q_i) (bits). Terms with p_i = 0 contribute 0 (whatever q_i);
 * p_i > 0 with q_i = 0 makes it +Infinity. Clamped at 0, since for distributions only rounding can make it negative.
 */
export function klDivergenceBits(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkAligned(p, q);
  let kl = 0;
  for (let i = 0; i < p.length; i++) kl += klTerm(p[i]!, q[i]!);
  return Math.max(0, kl);
}

/** [PPL1] Perplexity = 2^H for a cross-entropy (or entropy) H in bits: the effective number of choices. */
export function perplexity(crossEntropyBits: number): number {
  return 2 ** crossEntropyBits;
}

/** [LS1] Log score of a forecast q when `outcomeIndex` happened: −log2 q[outcome] (bits; +Infinity if q = 0). */
export function logScoreBits(q: ArrayLike<number>, outcomeIndex: number): number {
  if (!(Number.isInteger(outcomeIndex) && outcomeIndex >= 0 && outcomeIndex < q.length)) {
    throw new RangeError(`outcome ${String(outcomeIndex)} is not an index of the forecast`);
  }
  return -Math.log2(q[outcomeIndex]!);
}

/**
 * [EKL1] E[KL(empirical_n ‖ p)] ≈ (k − 1) / (2 n ln 2) bits for n samples of a distribution with k outcomes
 * of positive probability (first order in 1/n: 2n ln2 · KL is asymptotically χ² with k − 1 degrees of freedom).
 * 0 when k <= 1; +Infinity when n = 0 and k > 1.
 */
export function expectedEmpiricalKlBits(k: number, n: number): number {
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`k must be an integer >= 0 (got ${String(k)})`);
  if (!(n >= 0)) throw new RangeError(`n must be >= 0 (got ${String(n)})`);
  if (k <= 1) return 0;
  return (k - 1) / (2 * n * Math.LN2);
}

/** The (count > 0) entries of a count table and N = Σ counts; rejects negative or non-finite counts. */
function observed<K>(counts: Iterable<readonly [K, number]>): {
  entries: (readonly [K, number])[];
  total: number;
} {
  const entries: (readonly [K, number])[] = [];
  let total = 0;
  for (const entry of counts) {
    const c = entry[1];
    if (!(Number.isFinite(c) && c >= 0))
      throw new RangeError(`counts must be finite and >= 0 (got ${String(c)})`);
    if (c > 0) {
      entries.push(entry);
      total += c;
    }
  }
  return { entries, total };
}

/**
 * [EMP1] KL(empirical ‖ theory) = Σ_observed (c/N) log2((c/N) / q(key)) in bits, N = Σ c; 0 when N = 0.
 * Only observed outcomes contribute; an observed outcome with q = 0 gives +Infinity.
 */
export function empiricalKlBits<K>(
  counts: Iterable<readonly [K, number]>,
  theoryProb: (key: K) => number,
): number {
  const { entries, total } = observed(counts);
  let kl = 0;
  for (const [key, c] of entries) kl += klTerm(c / total, theoryProb(key));
  return Math.max(0, kl);
}

/** [EMP2] Cross-entropy of the samples under the theory: (1/N) Σ c · (−log2 q(key)) bits; 0 when N = 0. */
export function empiricalCrossEntropyBits<K>(
  counts: Iterable<readonly [K, number]>,
  theoryProb: (key: K) => number,
): number {
  const { entries, total } = observed(counts);
  let h = 0;
  for (const [key, c] of entries) h -= (c / total) * Math.log2(theoryProb(key));
  return h;
}

/** [EMP3] Entropy of the empirical distribution: −Σ (c/N) log2(c/N) bits; 0 when N = 0. */
export function empiricalEntropyBits(counts: Iterable<readonly [unknown, number]>): number {
  const { entries, total } = observed(counts);
  let h = 0;
  for (const [, c] of entries) h -= (c / total) * Math.log2(c / total);
  return h;
}
