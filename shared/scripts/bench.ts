/**
 * `pnpm bench [--model <id|file>] [--json]`: speed of the shipped n-gram model's next-token distribution and of
 * sampling, against a naive reference (full distribution recomputed and sorted every step, linear-scan sampling).
 * Bounded: under 30 s in total (about 25 s).
 */
import { DEFAULT_MAX_CACHED_TOKENS, Decoder } from "../src/engine/decoder.ts";
import { nextTokenDistribution } from "../src/engine/decoding.ts";
import { createRng } from "../src/engine/prng.ts";
import { generate } from "../src/engine/sampling.ts";
import { encodeText } from "../src/engine/tokenizer.ts";
import type { DecodingSettings, LanguageModel, Rng, TokenId } from "../src/engine/types.ts";
import { booleanFlag, parseArgs, stringFlag } from "./lib/args.ts";
import { errorLine } from "./lib/errors.ts";
import { table } from "./lib/format.ts";
import { loadModel } from "./lib/models.ts";

const PROMPT = "once upon a time";
const COMPLETION_TOKENS = 20;
const SETTINGS: DecodingSettings = { temperature: 1, topK: 0, topP: 0.9 };
/** Enough for every context the sampler reaches in the shipped model (about 16k contexts, 5M ids, ~100 MB). */
const LARGE_CACHE = 16_000_000;

const nowNs = (): number => Number(process.hrtime.bigint());

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median µs per call of `f` over `items`, timing batches of `batch` calls (below the timer's resolution alone). */
function microsPerCall<T>(items: readonly T[], batch: number, f: (item: T) => unknown): number {
  const samples: number[] = [];
  for (let start = 0; start + batch <= items.length; start += batch) {
    const t0 = nowNs();
    for (let i = start; i < start + batch; i++) f(items[i]!);
    samples.push((nowNs() - t0) / batch / 1000);
  }
  return median(samples);
}

/** Distinct contexts met while sampling (fresh for a new decoder: nothing about them is cached). */
function sampledContexts(model: LanguageModel, prompt: TokenId[], count: number): TokenId[][] {
  const seen = new Set<string>();
  const contexts: TokenId[][] = [];
  const decoder = new Decoder(model, SETTINGS);
  for (let seed = 0; contexts.length < count && seed < 100 * count; seed++) {
    const { tokens } = generate(model, prompt, SETTINGS, createRng(99, seed), COMPLETION_TOKENS, decoder);
    for (let i = 0; i <= tokens.length; i++) {
      const context = [...prompt, ...tokens.slice(0, i)];
      const key = model.contextKey(context);
      if (!seen.has(key)) {
        seen.add(key);
        contexts.push(context);
      }
    }
  }
  return contexts.slice(0, count);
}

/** The naive reference: softmax of logp / T, sort all ids, keep the top-p prefix, renormalise, linear scan. */
function naiveGenerate(
  model: LanguageModel,
  prompt: readonly TokenId[],
  settings: DecodingSettings,
  rng: Rng,
  max: number,
): TokenId[] {
  const context = prompt.slice();
  const tokens: TokenId[] = [];
  while (tokens.length < max) {
    const logProbs = model.nextTokenLogProbs(context);
    let peak = -Infinity;
    for (const x of logProbs) peak = Math.max(peak, x);
    const weights = Array.from(logProbs, (x) => Math.exp((x - peak) / settings.temperature));
    const total = weights.reduce((a, b) => a + b, 0);
    const ids = weights.map((_, i) => i).filter((i) => weights[i]! > 0);
    ids.sort((a, b) => weights[b]! - weights[a]! || a - b);
    const kept: number[] = [];
    let mass = 0;
    for (const id of ids) {
      kept.push(id);
      mass += weights[id]! / total;
      if (mass >= settings.topP - 1e-12) break;
    }
    const keptMass = kept.reduce((a, id) => a + weights[id]!, 0);
    const u = rng.next();
    let cumulative = 0;
    let token = kept[kept.length - 1]!;
    for (const id of kept) {
      cumulative += weights[id]! / keptMass;
      if (u < cumulative) {
        token = id;
        break;
      }
    }
    tokens.push(token);
    context.push(token);
    if (token === model.eosId) break;
  }
  return tokens;
}

interface Rate {
  tokensPerSecond: number;
  completionsPerSecond: number;
}

/** Runs `sample(seed)` (fresh seeds) for about `ms` milliseconds. */
function throughput(
  ms: number,
  sample: (seed: number) => TokenId[],
  firstSeed = 0,
): Rate & { nextSeed: number } {
  const t0 = nowNs();
  let seed = firstSeed;
  let tokens = 0;
  while (nowNs() - t0 < ms * 1e6) {
    for (let i = 0; i < 20; i++) tokens += sample(seed++).length;
  }
  const seconds = (nowNs() - t0) / 1e9;
  return {
    tokensPerSecond: tokens / seconds,
    completionsPerSecond: (seed - firstSeed) / seconds,
    nextSeed: seed,
  };
}

/**
 * Sampling with one Decoder shared by all seeds (as on a phone or the server during a round): the first second
 * from a fresh decoder; then warm-up until a 0.5 s window neither grows the cache by 0.5% nor runs 5% faster than
 * the one before (or `warmMs` have passed); then 1.5 s measured.
 */
function decoderRun(model: LanguageModel, prompt: TokenId[], maxCachedTokens: number, warmMs: number) {
  const decoder = new Decoder(model, SETTINGS, { maxCachedTokens });
  const sample = (seed: number) =>
    generate(model, prompt, SETTINGS, createRng(7, seed), COMPLETION_TOKENS, decoder).tokens;
  const t0 = nowNs();
  const first = throughput(1000, sample);
  let seed = first.nextSeed;
  let previous = first.tokensPerSecond;
  while (nowNs() - t0 < warmMs * 1e6) {
    const entries = decoder.cacheSize.entries;
    const window = throughput(500, sample, seed);
    seed = window.nextSeed;
    const settled = decoder.cacheSize.entries < entries * 1.005 && window.tokensPerSecond < previous * 1.05;
    if (settled) break;
    previous = window.tokensPerSecond;
  }
  const steady = throughput(1500, sample, seed);
  return {
    decoder,
    sample,
    first,
    steady,
    warmSeconds: (nowNs() - t0) / 1e9 - 1.5,
    cached: decoder.cacheSize,
    cacheBytes: decoder.cacheBytes,
  };
}

function main(): void {
  const args = parseArgs(
    { name: "bench", flags: { model: "string", json: "boolean" } },
    process.argv.slice(2),
  );
  const modelRef = stringFlag(args, "model") ?? "tiny-stories";
  const t0 = nowNs();
  const model = loadModel(modelRef);
  const loadMs = (nowNs() - t0) / 1e6;
  const prompt = encodeText(model, PROMPT);

  const contexts = sampledContexts(model, prompt, 2000);
  const logProbsUs = microsPerCall(contexts, 10, (c) => model.nextTokenLogProbs(c));
  const coldUs = microsPerCall(contexts, 10, (c) => nextTokenDistribution(model, c, SETTINGS));
  const decoder = new Decoder(model, SETTINGS);
  for (const c of contexts) decoder.distribution(c);
  const cycled = Array.from({ length: 200_000 }, (_, i) => contexts[i % contexts.length]!);
  const cachedUs = microsPerCall(cycled, 1000, (c) => decoder.distribution(c));

  const small = decoderRun(model, prompt, DEFAULT_MAX_CACHED_TOKENS, 3000);
  const large = decoderRun(model, prompt, LARGE_CACHE, 12_000);
  const naive = throughput(2000, (seed) =>
    naiveGenerate(model, prompt, SETTINGS, createRng(7, seed), COMPLETION_TOKENS),
  );
  let same = 0;
  const checked = 100;
  for (let seed = 0; seed < checked; seed++) {
    const a = large.sample(seed);
    const b = naiveGenerate(model, prompt, SETTINGS, createRng(7, seed), COMPLETION_TOKENS);
    if (a.join() === b.join()) same++;
  }
  const rate = (r: Rate) => ({
    tokensPerSecond: Math.round(r.tokensPerSecond),
    completionsPerSecond: Math.round(r.completionsPerSecond),
  });
  const run = (r: ReturnType<typeof decoderRun>) => ({
    maxCachedTokens: r.decoder.maxCachedTokens,
    firstSecond: rate(r.first),
    steady: rate(r.steady),
    warmSeconds: r.warmSeconds,
    cachedContexts: r.cached.entries,
    cachedTokenIds: r.cached.tokens,
    cacheMB: r.cacheBytes / 1e6,
    bytesPerCachedId: r.cacheBytes / r.cached.tokens,
  });
  const result = {
    model: { id: model.id, hash: model.hash, vocabSize: model.vocab.length, loadMs },
    distribution: { contexts: contexts.length, logProbsColdUs: logProbsUs, coldUs, cachedUs },
    sampling: {
      prompt: PROMPT,
      completionTokens: COMPLETION_TOKENS,
      settings: SETTINGS,
      defaultCache: run(small),
      largeCache: run(large),
      naive: rate(naive),
      speedup: {
        defaultCache: small.steady.tokensPerSecond / naive.tokensPerSecond,
        largeCache: large.steady.tokensPerSecond / naive.tokensPerSecond,
      },
      identicalToNaive: `${same}/${checked}`,
    },
    targets: { tokensPerSecond: 200_000, cachedUs: 50 },
  };
  if (booleanFlag(args, "json")) {
    console.log(JSON.stringify(result));
    return;
  }
  const fmt = (x: number, digits = 1) => x.toLocaleString("en-US", { maximumFractionDigits: digits });
  const k = (n: number) => `${fmt(n / 1e6, 1)}M ids`;
  console.log(
    `bench: ${model.id} (V = ${model.vocab.length}, loaded and validated in ${fmt(loadMs)} ms), one core\n`,
  );
  console.log(
    table(
      ["next-token distribution", "median µs", "target"],
      [
        ["nextTokenLogProbs, fresh context", fmt(logProbsUs, 2), ""],
        ["nextTokenDistribution (cold, uncached)", fmt(coldUs, 2), ""],
        ["Decoder.distribution (cached)", fmt(cachedUs, 3), "< 50"],
      ],
      "lrr",
    ),
  );
  console.log(
    `\n  sampling ${COMPLETION_TOKENS}-token completions of "${PROMPT}" at T = 1, top-p 0.9, a new seed each\n`,
  );
  const row = (name: string, r: { tokensPerSecond: number; completionsPerSecond: number }, note: string) => [
    name,
    fmt(r.tokensPerSecond, 0),
    fmt(r.completionsPerSecond, 0),
    note,
  ];
  const s = result.sampling;
  console.log(
    table(
      ["sampler", "tokens/s", "completions/s", ""],
      [
        row(
          `Decoder ${k(small.decoder.maxCachedTokens)}: first second`,
          s.defaultCache.firstSecond,
          "fresh cache",
        ),
        row(
          `Decoder ${k(small.decoder.maxCachedTokens)}: warm`,
          s.defaultCache.steady,
          `${fmt(s.defaultCache.cachedContexts, 0)} contexts cached (cache full), ${fmt(s.defaultCache.cacheMB)} MB of arrays (${fmt(s.defaultCache.bytesPerCachedId)} B/id)`,
        ),
        row(
          `Decoder ${k(large.decoder.maxCachedTokens)}: warm`,
          s.largeCache.steady,
          `${fmt(s.largeCache.cachedContexts, 0)} contexts, ${k(s.largeCache.cachedTokenIds)} after ${fmt(s.largeCache.warmSeconds)} s`,
        ),
        row("naive (recompute + sort, linear scan)", s.naive, ""),
      ],
      "lrrl",
    ),
  );
  console.log(
    `\n  speed-up over naive: ${fmt(s.speedup.defaultCache)}× (default cache), ${fmt(s.speedup.largeCache)}× (large cache)`,
  );
  console.log(`  same completions as the naive sampler for the same seeds: ${s.identicalToNaive}`);
  const met = (ok: boolean) => (ok ? "met" : "MISSED");
  console.log(
    `  targets: >= 200,000 tokens/s warm (${met(s.largeCache.steady.tokensPerSecond >= 200_000)} with the large cache, ${met(s.defaultCache.steady.tokensPerSecond >= 200_000)} with the default), cached step < 50 µs (${met(cachedUs < 50)})`,
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`${errorLine(error)}\n`);
  process.exitCode = 1;
}
