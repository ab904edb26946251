import { createRng, Decoder, encodeText, generate, type LanguageModel } from "@tokenroom/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { loadModelRegistry } from "../models/registry.ts";
import { DecoderWarmup, type WarmupResult, type WarmupRound } from "./decoder-warmup.ts";

const SETTINGS = { temperature: 1, topK: 0, topP: 0.9 };
let model: LanguageModel;
let prompt: number[];

beforeAll(() => {
  model = loadModelRegistry().get("tiny-stories")!.model;
  prompt = encodeText(model, "once upon a time");
});

const round = (decoder: Decoder, over: Partial<WarmupRound> = {}): WarmupRound => ({
  id: "r1",
  decoder,
  promptTokens: prompt,
  maxTokens: 8,
  wanted: () => true,
  ...over,
});

/** New cache entries made by `n` phones' completions (seeds the warm-up never uses). */
function phoneMisses(decoder: Decoder, n: number): number {
  const before = decoder.cacheSize.entries;
  for (let i = 0; i < n; i++) generate(model, prompt, SETTINGS, createRng(7_000 + i, 0), 8, decoder);
  return decoder.cacheSize.entries - before;
}

describe("[WARM1] DecoderWarmup", () => {
  it("decodes ahead the contexts the class's phones then need", async () => {
    const results: WarmupResult[] = [];
    // CPU is no bound here (the CPU stop is pinned below): a loaded machine can spend the default 500 ms on 8,000 steps
    const warmup = new DecoderWarmup({ tokens: 8_000, cpuMs: 60_000 }, (r) => results.push(r));
    const warm = new Decoder(model, SETTINGS);
    expect(warmup.warm(round(warm))).toBe(true);
    await warmup.idle();
    expect(results).toEqual([expect.objectContaining({ roundId: "r1", steps: 8_000, stop: "tokens" })]);
    expect(results[0]!.completions).toBeGreaterThanOrEqual(999); // 8 steps each, the last one cut short

    const coldMisses = phoneMisses(new Decoder(model, SETTINGS), 300);
    const warmMisses = phoneMisses(warm, 300);
    // seeded, so fixed: a cold decoder decodes 467 new contexts for these 300 completions, a warmed one 198
    expect(coldMisses).toBeGreaterThan(300);
    expect(warmMisses).toBeLessThan(coldMisses / 2);
  });

  it("gives the event loop back every slice: a timer set after it starts fires before it ends", async () => {
    const warmup = new DecoderWarmup({ tokens: 20_000, sliceMs: 1 });
    const order: string[] = [];
    warmup.warm(round(new Decoder(model, SETTINGS)));
    setTimeout(() => order.push("timer"), 0);
    await warmup.idle();
    order.push("warm-up done");
    expect(order).toEqual(["timer", "warm-up done"]);
  });

  it("stops at its CPU budget, at half the decoder's cache bound, and when the round is gone", async () => {
    const results: WarmupResult[] = [];
    const cpu = new DecoderWarmup({ tokens: 1_000_000, cpuMs: 20, sliceMs: 2 }, (r) => results.push(r));
    cpu.warm(round(new Decoder(model, SETTINGS)));
    await cpu.idle();
    expect(results.pop()).toMatchObject({ stop: "cpu" });

    const small = new Decoder(model, SETTINGS, { maxCachedTokens: 20_000 });
    const cache = new DecoderWarmup({ tokens: 1_000_000, cpuMs: 60_000 }, (r) => results.push(r));
    cache.warm(round(small));
    await cache.idle();
    expect(results.pop()).toMatchObject({ stop: "cache" });
    expect(small.cacheSize.tokens).toBeGreaterThanOrEqual(10_000);
    expect(small.cacheSize.tokens).toBeLessThan(20_000); // nothing evicted for it

    let live = true;
    const gone = new DecoderWarmup({ tokens: 1_000_000, sliceMs: 1 }, (r) => results.push(r));
    gone.warm(round(new Decoder(model, SETTINGS), { wanted: () => live }));
    setTimeout(() => (live = false), 5);
    await gone.idle();
    expect(results.pop()).toMatchObject({ stop: "gone" });
  });

  it("takes at most its share of a core over time: warm-ups after the first wait for CPU credit", async () => {
    const results: WarmupResult[] = [];
    // each warm-up may spend 20 ms, at 2% of a core: the second spends credit that comes back at 0.02 ms per ms
    const warmup = new DecoderWarmup({ tokens: 1_000_000, cpuMs: 20, cpuShare: 0.02 }, (r) =>
      results.push(r),
    );
    const t0 = performance.now();
    warmup.warm(round(new Decoder(model, SETTINGS), { id: "a" }));
    warmup.warm(round(new Decoder(model, SETTINGS), { id: "b" }));
    await warmup.idle();
    expect(results.map((r) => r.stop)).toEqual(["cpu", "cpu"]);
    expect(results[0]!.waitedMs).toBe(0);
    // 40 ms of CPU with 20 ms of credit at the start: at least ~1 s (a slower machine only waits longer)
    expect(results[1]!.waitedMs).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeGreaterThan(500);
  });

  it("warms a (decoder, prompt) once, one at a time, with a bounded queue; 0 tokens is off", async () => {
    const results: WarmupResult[] = [];
    const warmup = new DecoderWarmup({ tokens: 500, maxQueued: 1 }, (r) => results.push(r));
    const a = new Decoder(model, SETTINGS);
    expect(warmup.warm(round(a, { id: "a1" }))).toBe(true);
    expect(warmup.warm(round(a, { id: "a2" }))).toBe(false); // the same decoder and prompt is warming
    expect(warmup.warm(round(new Decoder(model, SETTINGS), { id: "b" }))).toBe(true);
    expect(warmup.warm(round(new Decoder(model, SETTINGS), { id: "c" }))).toBe(false); // the queue is full
    await warmup.idle();
    expect(results.map((r) => r.roundId)).toEqual(["a1", "b"]);
    expect(warmup.warm(round(a, { id: "a3" }))).toBe(false); // warmed already
    expect(warmup.warm(round(a, { id: "a4", promptTokens: prompt.slice(0, 2) }))).toBe(true);
    await warmup.idle();

    const off = new DecoderWarmup({ tokens: 0 });
    expect(off.warm(round(new Decoder(model, SETTINGS)))).toBe(false);
  });
});
