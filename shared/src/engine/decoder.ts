/**
 * A memoised nextTokenDistribution (SPEC.md [DC1]): decoded distributions and their CDFs cached by
 * `model.contextKey(context)` in an LRU bounded by the total number of cached token ids.
 */
import { decodeDistribution, settingsError } from "./decoding.ts";
import type { DecodingSettings, LanguageModel, TokenDistribution, TokenId } from "./types.ts";

/**
 * One decoded step: the distribution and its cumulative probabilities, cdf_i = Σ_{j<=i} p_j (same order).
 * Shared with the cache: callers must not mutate the arrays.
 */
export interface DecodedStep {
  readonly dist: TokenDistribution;
  readonly cdf: Float64Array;
}

export interface DecoderOptions {
  /** Upper bound on Σ (ids per cached distribution). Default 2,000,000 (about 40 MB of arrays). */
  maxCachedTokens?: number;
}

export const DEFAULT_MAX_CACHED_TOKENS = 2_000_000;

/** cdf_i = Σ_{j<=i} p_j, summed left to right in the distribution's order. */
export function cumulative(probs: Float64Array): Float64Array {
  const cdf = new Float64Array(probs.length);
  let s = 0;
  for (let i = 0; i < probs.length; i++) {
    s += probs[i]!;
    cdf[i] = s;
  }
  return cdf;
}

/** True when two settings decode identically (same temperature, top-k and top-p). */
export function sameSettings(a: DecodingSettings, b: DecodingSettings): boolean {
  return a.temperature === b.temperature && a.topK === b.topK && a.topP === b.topP;
}

export class Decoder {
  readonly model: LanguageModel;
  readonly settings: Readonly<DecodingSettings>;
  readonly maxCachedTokens: number;
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly cache = new Map<string, DecodedStep>();
  private cachedIds = 0;
  /** The most recently used key, so repeated hits on one context skip the LRU reordering. */
  private mruKey: string | undefined = undefined;

  constructor(model: LanguageModel, settings: DecodingSettings, options: DecoderOptions = {}) {
    const error = settingsError(settings);
    if (error !== null) throw new RangeError(error);
    const max = options.maxCachedTokens ?? DEFAULT_MAX_CACHED_TOKENS;
    if (!(Number.isInteger(max) && max >= 0)) {
      throw new RangeError(`maxCachedTokens must be an integer >= 0 (got ${String(max)})`);
    }
    this.model = model;
    this.settings = Object.freeze({
      temperature: settings.temperature,
      topK: settings.topK,
      topP: settings.topP,
    });
    this.maxCachedTokens = max;
  }

  /** The decoded step after `context`: equal to nextTokenDistribution(model, context, settings), plus its CDF. */
  step(context: readonly TokenId[]): DecodedStep {
    const key = this.model.contextKey(context);
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      if (key !== this.mruKey) {
        this.cache.delete(key); // move to the most-recently-used end
        this.cache.set(key, hit);
        this.mruKey = key;
      }
      return hit;
    }
    const dist = decodeDistribution(this.model.nextTokenLogProbs(context), this.settings);
    const step: DecodedStep = { dist, cdf: cumulative(dist.probs) };
    this.remember(key, step);
    return step;
  }

  /** nextTokenDistribution(model, context, settings), memoised. */
  distribution(context: readonly TokenId[]): TokenDistribution {
    return this.step(context).dist;
  }

  /** The cumulative probabilities of distribution(context), in its order. */
  cdf(context: readonly TokenId[]): Float64Array {
    return this.step(context).cdf;
  }

  /** Number of cached distributions and the total number of token ids they hold. */
  get cacheSize(): { entries: number; tokens: number } {
    return { entries: this.cache.size, tokens: this.cachedIds };
  }

  /** Inserts a step, then evicts least-recently-used entries until Σ ids <= maxCachedTokens. */
  private remember(key: string, step: DecodedStep): void {
    const size = step.dist.ids.length;
    if (size > this.maxCachedTokens) return; // never cached: it alone would exceed the bound
    this.cache.set(key, step);
    this.cachedIds += size;
    this.mruKey = key;
    for (const [oldKey, old] of this.cache) {
      if (this.cachedIds <= this.maxCachedTokens) break;
      this.cache.delete(oldKey);
      this.cachedIds -= old.dist.ids.length;
    }
  }
}
