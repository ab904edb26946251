/**
 * [EKL2] The exact expected KL(empirical ‖ q) of an n-sample empirical distribution, in bits:
 *   E[KL] = Σ_x Σ_{c=1..n} Binom(c; n, q_x) · (c/n) · log2(c / (n q_x))
 * (the counts are binomial per outcome; KL is linear in the outcome terms). Unlike the first-order
 * (k − 1)/(2 n ln 2) it is right for small n, when most outcomes have not been seen yet.
 * Each outcome's sum runs over its binomial's mass (±12 σ), so the cost is about Σ_x √(n q_x).
 */

const LOG_FACTORIAL_TABLE: number[] = [0];
for (let k = 1; k < 256; k++) LOG_FACTORIAL_TABLE.push(LOG_FACTORIAL_TABLE[k - 1]! + Math.log(k));

/** ln k! : a table below 256, Stirling's series (error < 1e-12) above. */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k]!;
  const inv = 1 / k;
  const inv2 = inv * inv;
  return (
    k * Math.log(k) -
    k +
    0.5 * Math.log(2 * Math.PI * k) +
    inv / 12 -
    (inv * inv2) / 360 +
    (inv * inv2 * inv2) / 1260
  );
}

/** ln Binom(c; n, q). */
function logBinomial(c: number, n: number, q: number): number {
  return logFactorial(n) - logFactorial(c) - logFactorial(n - c) + c * Math.log(q) + (n - c) * Math.log1p(-q);
}

export function expectedEmpiricalKlExactBits(q: ArrayLike<number>, n: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be an integer ≥ 1 (got ${String(n)})`);
  let total = 0;
  for (let i = 0; i < q.length; i++) {
    const qx = q[i]!;
    if (!(qx > 0)) continue;
    if (qx >= 1) continue; // a certain outcome: its count is always n and its term is 0
    const mean = n * qx;
    const sd = Math.sqrt(mean * (1 - qx));
    const lo = Math.max(1, Math.floor(mean - 12 * sd - 1));
    const hi = Math.min(n, Math.ceil(mean + 12 * sd + 10));
    for (let c = lo; c <= hi; c++) {
      total += Math.exp(logBinomial(c, n, qx)) * (c / n) * Math.log2(c / mean);
    }
  }
  return Math.max(0, total);
}
