/**
 * The decoding steps one at a time (SPEC.md [T1] [T0] [TK1] [TP1] [D3]): temperature, top-k, top-p and the settings'
 * check, with the helpers every decoding path shares. decoding.ts composes them ([D1] [D2]).
 * Natural logs (nats) throughout; probabilities are plain numbers in [0, 1].
 */
import type { DecodingSettings, TokenDistribution } from "./types.ts";

/** [TP1] Absolute slack on top-p's boundary, so a float-rounded exact boundary does not add a token. */
export const TOP_P_TOLERANCE = 1e-12;
/** max_i x_i, rejecting NaN and +Infinity, and requiring at least one finite entry. */
export function finiteMax(xs: ArrayLike<number>, what: string): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isNaN(x) || x === Infinity) throw new RangeError(`${what}: entry ${i} is ${String(x)}`);
    if (x > m) m = x;
  }
  if (m === -Infinity) throw new RangeError(`${what}: no finite entry (no token is possible)`);
  return m;
}
/** x / Σx in place (the renormalisation step); returns x. */
export function normaliseInPlace(x: Float64Array, what: string): Float64Array {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  if (!(s > 0 && Number.isFinite(s))) throw new RangeError(`${what}: mass ${s} cannot be normalised`);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! / s;
  return x;
}

/** ln Σ_i exp(x_i) = m + ln Σ_i exp(x_i − m), m = max x (nats; -Infinity if no entry is finite). */
export function logSumExp(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isNaN(x)) return NaN;
    if (x > m) m = x;
  }
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i]! - m);
  return m + Math.log(s);
}

/** softmax(z)_i = exp(z_i − max z) / Σ_j exp(z_j − max z); -Infinity entries give exactly 0. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const m = finiteMax(logits, "softmax");
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp(logits[i]! - m);
  return normaliseInPlace(out, "softmax");
}

/** [T0] The one-hot distribution on argmax_i x_i, ties to the lowest index. */
function oneHotArgmax(xs: ArrayLike<number>): Float64Array {
  const m = finiteMax(xs, "argmax");
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] === m) {
      out[i] = 1;
      break;
    }
  }
  return out;
}

/**
 * [T1] p_i ∝ exp(logp_i / T), computed as exp((logp_i − max logp) / T) / Σ so no T over- or underflows.
 * [T0] T = 0 is the one-hot argmax (ties to the lowest id). Impossible tokens (-Infinity) stay exactly 0.
 * T = 1 uses exp(logp_i) directly, renormalised to absorb the model's rounding.
 */
export function applyTemperature(logProbs: Float64Array, temperature: number): Float64Array {
  if (!(Number.isFinite(temperature) && temperature >= 0)) {
    throw new RangeError(`temperature must be a finite number >= 0 (got ${String(temperature)})`);
  }
  if (temperature === 0) return oneHotArgmax(logProbs);
  const m = finiteMax(logProbs, "applyTemperature");
  const out = new Float64Array(logProbs.length);
  if (temperature === 1) {
    for (let i = 0; i < logProbs.length; i++) out[i] = Math.exp(logProbs[i]!);
  } else {
    for (let i = 0; i < logProbs.length; i++) out[i] = Math.exp((logProbs[i]! - m) / temperature);
  }
  return normaliseInPlace(out, "applyTemperature");
}
/** The first n entries of a sorted distribution, renormalised: q_i = p_i / Σ_{j<n} p_j. */
function keepPrefix(dist: TokenDistribution, n: number, what: string): TokenDistribution {
  if (n >= dist.ids.length) return dist;
  return { ids: dist.ids.slice(0, n), probs: normaliseInPlace(dist.probs.slice(0, n), what) };
}

/** [TK1] Keep the k most probable tokens (the first k), renormalised; k = 0 or k >= size: unchanged. */
export function topK(dist: TokenDistribution, k: number): TokenDistribution {
  if (!(Number.isInteger(k) && k >= 0))
    throw new RangeError(`topK must be an integer >= 0 (got ${String(k)})`);
  return k === 0 ? dist : keepPrefix(dist, k, "topK");
}

/**
 * [TP1] Keep the smallest prefix whose cumulative mass reaches p (Σ_{j<=n} p_j >= p − 1e-12), renormalised;
 * p = 1: unchanged. Cumulative sums run in the distribution's order.
 */
export function topP(dist: TokenDistribution, p: number): TokenDistribution {
  if (!(p > 0 && p <= 1)) throw new RangeError(`topP must be in (0, 1] (got ${String(p)})`);
  if (p === 1) return dist;
  let cumulative = 0;
  for (let i = 0; i < dist.probs.length; i++) {
    cumulative += dist.probs[i]!;
    if (cumulative >= p - TOP_P_TOLERANCE) return keepPrefix(dist, i + 1, "topP");
  }
  return dist;
}

/** [D3] A one-line description of what is wrong with `settings`, or null if they are valid. */
export function settingsError(settings: DecodingSettings): string | null {
  if (typeof settings !== "object" || settings === null) return "settings must be an object";
  const { temperature, topK: k, topP: p } = settings;
  if (!(Number.isFinite(temperature) && temperature >= 0)) {
    return `temperature must be a finite number >= 0 (got ${String(temperature)})`;
  }
  if (!(Number.isInteger(k) && k >= 0)) return `topK must be an integer >= 0 (got ${String(k)})`;
  if (!(typeof p === "number" && p > 0 && p <= 1))
    return `topP must be a number in (0, 1] (got ${String(p)})`;
  return null;
}
