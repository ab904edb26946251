/**
 * A memoised nextTokenDistribution (SPEC.md [DC1]): decoded distributions cached by `model.contextKey(context)` in an
 * LRU bounded by the total number of cached token ids, and the CDFs of the recently used ones.
 */
import { settingsError } from "./decoding-steps.ts";
import { decodeDistribution } from "./decoding.ts";
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
  /**
   * Upper bound on Σ (ids per cached distribution). The cache's arrays take at most 13 bytes per such id: 12 for the
   * id and its probability, and CDFs (8 bytes per id) for the recently used entries that fit in the rest. Default
   * 3,000,000: at most 39 MB.
   */
  maxCachedTokens?: number;
}

export const DEFAULT_MAX_CACHED_TOKENS = 3_000_000;

/** Bytes of an id and its probability, and of a CDF entry. */
const ID_BYTES = Int32Array.BYTES_PER_ELEMENT + Float64Array.BYTES_PER_ELEMENT;
const CDF_BYTES = Float64Array.BYTES_PER_ELEMENT;
/**
 * The cache's arrays stay within BUDGET_BYTES_PER_ID · maxCachedTokens bytes: every cached id costs ID_BYTES, and
 * CDFs are held for as many ids as the rest allows (for every entry while the cache is under 65% full, for 1/8 of
 * the ids when it is full). A CDF is the one array derived exactly from another, so it is the one dropped.
 */
const BUDGET_BYTES_PER_ID = ID_BYTES + CDF_BYTES / 8;

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

/**
 * A cached distribution, linked into the Decoder's LRU list; `step` holds it with its CDF while the entry is in the
 * CDF queue. The CDF is cumulative(dist.probs) whenever it is computed, so dropping and recomputing it changes no bit.
 */
interface Entry {
  readonly key: string;
  readonly dist: TokenDistribution;
  /** Neighbours in the LRU list (towards the most and the least recently used end). */
  newer: Entry | undefined;
  older: Entry | undefined;
  step: DecodedStep | undefined;
  /** Neighbours in the CDF queue while `step` is held (towards its back and its front). */
  behind: Entry | undefined;
  ahead: Entry | undefined;
  /** Used since it last entered (or went round) the CDF queue: a second chance before its CDF is dropped. */
  used: boolean;
}

export class Decoder {
  readonly model: LanguageModel;
  readonly settings: Readonly<DecodingSettings>;
  readonly maxCachedTokens: number;
  private readonly cache = new Map<string, Entry>();
  private cachedIds = 0;
  /** The LRU list: newest is the most recently used entry, oldest the next to evict. */
  private newest: Entry | undefined = undefined;
  private oldest: Entry | undefined = undefined;
  /** The CDF queue: entries holding their CDF, front first (FIFO with second chance), and their ids. */
  private cdfFront: Entry | undefined = undefined;
  private cdfBack: Entry | undefined = undefined;
  private cdfIds = 0;
  private readonly maxBytes: number;

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
    this.maxBytes = max * BUDGET_BYTES_PER_ID;
  }

  /** The decoded step after `context`: equal to nextTokenDistribution(model, context, settings), plus its CDF. */
  step(context: readonly TokenId[]): DecodedStep {
    const key = this.model.contextKey(context);
    let entry = this.cache.get(key);
    if (entry !== undefined) {
      if (entry !== this.newest) {
        this.unlink(entry);
        this.linkNewest(entry);
      }
      if (entry.step !== undefined) {
        entry.used = true;
        return entry.step;
      }
    } else {
      const dist = decodeDistribution(this.model.nextTokenLogProbs(context), this.settings);
      if (dist.ids.length > this.maxCachedTokens) return { dist, cdf: cumulative(dist.probs) }; // never cached
      entry = {
        key,
        dist,
        newer: undefined,
        older: undefined,
        step: undefined,
        behind: undefined,
        ahead: undefined,
        used: false,
      };
      this.remember(entry);
    }
    return this.holdStep(entry);
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

  /** Bytes of the cache's typed arrays: ids and probabilities of every cached id, and the CDFs held. */
  get cacheBytes(): number {
    return this.cachedIds * ID_BYTES + this.cdfIds * CDF_BYTES;
  }

  /** Inserts an entry as the most recently used, then evicts from the least recently used end until Σ ids <= max. */
  private remember(entry: Entry): void {
    this.cache.set(entry.key, entry);
    this.linkNewest(entry);
    this.cachedIds += entry.dist.ids.length;
    while (this.cachedIds > this.maxCachedTokens) {
      const old = this.oldest!;
      this.unlink(old);
      this.cache.delete(old.key);
      this.cachedIds -= old.dist.ids.length;
      if (old.step !== undefined) this.dropStep(old);
    }
  }

  /** Computes a cached entry's CDF and holds it at the back of the CDF queue, dropping CDFs from the front. */
  private holdStep(entry: Entry): DecodedStep {
    const step: DecodedStep = { dist: entry.dist, cdf: cumulative(entry.dist.probs) };
    entry.step = step;
    entry.used = false;
    this.queue(entry);
    this.cdfIds += entry.dist.ids.length;
    while (this.cacheBytes > this.maxBytes) {
      const front = this.cdfFront!;
      this.dequeue(front);
      if (front.used) {
        front.used = false;
        this.queue(front); // a second chance: to the back
      } else {
        front.step = undefined;
        this.cdfIds -= front.dist.ids.length;
      }
    }
    return step;
  }

  private dropStep(entry: Entry): void {
    this.dequeue(entry);
    entry.step = undefined;
    this.cdfIds -= entry.dist.ids.length;
  }

  private linkNewest(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry): void {
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else this.newest = entry.older;
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    entry.newer = entry.older = undefined;
  }

  private queue(entry: Entry): void {
    entry.ahead = this.cdfBack;
    entry.behind = undefined;
    if (this.cdfBack !== undefined) this.cdfBack.behind = entry;
    else this.cdfFront = entry;
    this.cdfBack = entry;
  }

  private dequeue(entry: Entry): void {
    if (entry.behind !== undefined) entry.behind.ahead = entry.ahead;
    else this.cdfBack = entry.ahead;
    if (entry.ahead !== undefined) entry.ahead.behind = entry.behind;
    else this.cdfFront = entry.behind;
    entry.behind = entry.ahead = undefined;
  }
}
