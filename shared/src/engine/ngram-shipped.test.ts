/** Tests of the shipped model, shared/models/tiny-stories.json (built by `pnpm engine train`, see docs/engine.md). */
import { describe, expect, it } from "vitest";
import shipped from "../../models/tiny-stories.json";
import { artifactHash, parseNgramArtifact, serializeArtifact } from "./artifact.ts";
import { Decoder } from "./decoder.ts";
import { nextTokenDistribution } from "./decoding.ts";
import { empiricalKlBits, expectedEmpiricalKlBits } from "./info.ts";
import { ngramModel } from "./ngram.ts";
import { trainNgram } from "./ngram-train.ts";
import { createRng } from "./prng.ts";
import { generate } from "./sampling.ts";
import { encodeText } from "./tokenizer.ts";
import type { DecodingSettings, LanguageModel, TokenId } from "./types.ts";

const artifact = parseNgramArtifact(shipped);
const model = ngramModel(artifact);

/** Tokens after `prompt` in decreasing probability (T = 1, no truncation). */
function topTokens(m: LanguageModel, prompt: string, k: number): string[] {
  const dist = nextTokenDistribution(m, encodeText(m, prompt), { temperature: 1, topK: k, topP: 1 });
  return Array.from(dist.ids, (id) => m.vocab[id]!);
}

describe("the shipped tiny-stories model", () => {
  it("[NG8] trains deterministically: twice on the same text gives the same hash", () => {
    const text = "Once upon a time, there was a cat.\nThe cat sat on a mat.\n".repeat(12) + "The dog ran.\n";
    const options = { id: "twice", name: "Twice", description: "determinism check" };
    const a = trainNgram(text, options);
    const b = trainNgram(text, options);
    expect(a.hash).toBe(b.hash);
    expect(serializeArtifact(a)).toBe(serializeArtifact(b));
  });

  it("[NG7] parses, and its hash verifies", () => {
    expect(artifact.id).toBe("tiny-stories");
    expect(artifact.order).toBe(3);
    expect(artifactHash(artifact)).toBe(artifact.hash);
    expect(model.hash).toBe(artifact.hash);
    expect(artifact.training.vocabSize).toBe(artifact.vocab.length);
    expect(artifact.training.heldOut?.perplexity).toBeGreaterThan(1);
  });

  it("continues story openings sensibly", () => {
    expect(topTokens(model, "once upon a", 1)).toEqual(["time"]);
    expect(topTokens(model, "once upon a time", 1)).toEqual([","]);
    expect(topTokens(model, "once upon a time,", 3)).toContain("there");
    expect(topTokens(model, "she said", 5)).toEqual(expect.arrayContaining([","]));
  });

  it("[EKL1] KL(empirical ‖ theory) of N first-token samples matches (k − 1) / (2N ln 2)", () => {
    // T = 1, top-k 8 after "she": eight verbs with p between 0.09 and 0.16, so N·p is large and the χ² limit holds.
    const settings: DecodingSettings = { temperature: 1, topK: 8, topP: 1 };
    const prompt = encodeText(model, "she");
    const decoder = new Decoder(model, settings);
    const theory = decoder.distribution(prompt);
    expect(theory.ids.length).toBe(8);
    const n = 20_000;
    const expected = expectedEmpiricalKlBits(8, n);
    const measure = (seed: number): number => {
      const counts = new Map<TokenId, number>();
      for (let i = 0; i < n; i++) {
        const [token] = generate(model, prompt, settings, createRng(seed, i), 1, decoder).tokens;
        counts.set(token!, (counts.get(token!) ?? 0) + 1);
      }
      return empiricalKlBits(counts, (id) => theory.probs[theory.ids.indexOf(id)] ?? 0);
    };
    // A random quantity (2N ln2 · KL is about χ² with 7 degrees of freedom): one fixed seed within a factor of 2 ...
    const one = measure(SEED);
    expect(one).toBeGreaterThan(expected / 2);
    expect(one).toBeLessThan(expected * 2);
    // ... and the mean over 20 seeds within 25% (its standard error is about 12%).
    let sum = 0;
    for (let seed = 100; seed < 120; seed++) sum += measure(seed);
    expect(Math.abs(sum / 20 / expected - 1)).toBeLessThan(0.25);
  });
});

const SEED = 1;
