import { describe, expect, it } from "vitest";
import { artifactHash, parseNgramArtifact, serializeArtifact, type NgramArtifact } from "./artifact.ts";
import { evaluateText } from "./evaluate.ts";
import { modelFromArtifact } from "./models.ts";
import { ngramModel } from "./ngram.ts";
import { trainNgram } from "./ngram-train.ts";
import { createRng } from "./prng.ts";
import { encodeText } from "./tokenizer.ts";
import { BOS, EOS, UNK } from "./types.ts";

const TINY = "the cat sat\nthe dog sat\n\n  \nthe cat ran\n";
const train = (text: string, order = 3): NgramArtifact =>
  trainNgram(text, { id: "tiny", name: "Tiny", description: "test corpus", order, heldOutEvery: 0 });

/**
 * A direct, slow transcription of interpolated Kneser-Ney (docs/engine.md), independent of ngram.ts's tables:
 * string-keyed maps, recursion, no precomputation.
 */
function naiveKneserNey(lines: string[][], order: number, vocab: readonly string[]) {
  const key = (tokens: readonly string[]) => tokens.join("\u0001");
  const counts: Map<string, number>[] = Array.from({ length: order + 1 }, () => new Map<string, number>());
  for (const line of lines) {
    const padded = [...Array<string>(order - 1).fill(BOS), ...line, EOS];
    for (let end = order - 1; end < padded.length; end++) {
      const k = key(padded.slice(end - order + 1, end + 1));
      counts[order]!.set(k, (counts[order]!.get(k) ?? 0) + 1);
    }
  }
  for (let n = order - 1; n >= 1; n--) {
    for (const k of counts[n + 1]!.keys()) {
      const suffix = key(k.split("\u0001").slice(1));
      counts[n]!.set(suffix, (counts[n]!.get(suffix) ?? 0) + 1); // one per distinct preceding word
    }
  }
  const discount = (n: number) => {
    const values = [...counts[n]!.values()];
    const n1 = values.filter((c) => c === 1).length;
    const n2 = values.filter((c) => c === 2).length;
    return Math.min(0.9, Math.max(0.1, n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5));
  };
  const predictable = vocab.filter((t) => t !== BOS && t !== UNK).length;
  const p = (n: number, w: string, h: readonly string[]): number => {
    if (n === 0) return w === BOS || w === UNK ? 0 : 1 / predictable;
    let total = 0;
    let types = 0;
    for (const v of vocab) {
      const c = counts[n]!.get(key([...h, v])) ?? 0;
      total += c;
      if (c > 0) types++;
    }
    if (total === 0) return p(n - 1, w, h.slice(1));
    const d = discount(n);
    const c = counts[n]!.get(key([...h, w])) ?? 0;
    return Math.max(c - d, 0) / total + ((d * types) / total) * p(n - 1, w, h.slice(1));
  };
  return {
    discounts: Array.from({ length: order }, (_, i) => discount(i + 1)),
    prob: (w: string, context: readonly string[]) => {
      const h = [...Array<string>(order - 1).fill(BOS), ...context].slice(context.length);
      return p(order, w, h);
    },
  };
}

/** A random corpus over a small vocabulary, with some structure (a few frequent bigrams). */
function randomCorpus(seed: number, lines: number): string {
  const rng = createRng(seed);
  const words = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const line: string[] = [];
    const length = 1 + Math.floor(rng.next() * 8);
    for (let j = 0; j < length; j++) {
      const u = rng.next();
      line.push(
        j > 0 && u < 0.4
          ? words[(words.indexOf(line[j - 1]!) + 1) % words.length]!
          : words[Math.floor(u * u * words.length)]!,
      );
    }
    out.push(line.join(" "));
  }
  return out.join("\n");
}

describe("trainNgram", () => {
  it("[NG2] builds the vocabulary: specials, then by descending count, ties by code point", () => {
    expect(train(TINY).vocab).toEqual([EOS, BOS, UNK, "the", "cat", "sat", "dog", "ran"]);
  });

  it("[NG1] [NG3] [NG4] stores only the highest-order counts, sorted, and hand-checked discounts", () => {
    const a = train(TINY);
    // <s> <s> the ×3; <s> the cat ×2; <s> the dog; the cat sat; the cat ran; the dog sat; cat sat </s>; ...
    expect(a.counts.length).toBe(9 * 4);
    expect(a.counts.slice(0, 4)).toEqual([1, 1, 3, 3]);
    // raw trigrams: n1 = 7, n2 = 1; bigram continuations: n1 = 7, n2 = 1; unigram continuations: n1 = 4, n2 = 2
    expect(a.discounts).toEqual([0.5, 7 / 9, 7 / 9]);
    expect(a.training).toEqual({ lines: 3, tokens: 9, vocabSize: 8, heldOut: null });
  });

  it("[NG8] is deterministic: same text and options give a byte-identical artifact", () => {
    const text = randomCorpus(1, 200);
    const a = trainNgram(text, { id: "r", name: "R", description: "" });
    const b = trainNgram(text, { id: "r", name: "R", description: "" });
    expect(serializeArtifact(a)).toBe(serializeArtifact(b));
    expect(a.hash).toBe(artifactHash(a));
    expect(a.training.heldOut?.lines).toBe(20);
  });

  it("[NG8] rejects bad options and empty corpora", () => {
    expect(() => train("   \n\n")).toThrow(/no non-empty line/);
    expect(() => train(TINY, 0)).toThrow(/order/);
    expect(() => trainNgram(TINY, { id: "Bad Id", name: "x", description: "" })).toThrow(/model id/);
    expect(() => trainNgram(TINY, { id: "x", name: "x", description: "", heldOutEvery: 1 })).toThrow(
      /heldOutEvery/,
    );
  });
});

describe("ngramModel (interpolated Kneser-Ney)", () => {
  it("[NG5] matches hand-computed probabilities on the tiny corpus", () => {
    const model = ngramModel(train(TINY));
    const p = (prompt: string, word: string) =>
      Math.exp(model.nextTokenLogProbs(encodeText(model, prompt))[model.vocab.indexOf(word)]!);
    // P1(sat) = (2 − ½)/8 + ½·6/8 · 1/6 = 1/4; P2(sat | cat) = (1 − 7/9)/2 + 7/9 · 1/4 = 11/36
    // P3(sat | the cat) = (1 − 7/9)/2 + (7/9 · 2/2) · 11/36 = 113/324
    expect(p("the cat", "sat")).toBeCloseTo(113 / 324, 14);
    // unseen bigram context (an OOV word) backs off fully to P1
    expect(p("zebra", "sat")).toBeCloseTo(1 / 4, 14);
    expect(p("zebra", "the")).toBeCloseTo(1 / 8, 14);
    expect(p("zebra", BOS)).toBe(0);
    expect(p("zebra", UNK)).toBe(0);
  });

  it("[NG3] [NG4] [NG5] agrees with a naive implementation of the formulas, orders 1 to 4", () => {
    for (const order of [1, 2, 3, 4]) {
      for (const text of [TINY, randomCorpus(2, 60)]) {
        const artifact = train(text, order);
        const model = ngramModel(artifact);
        const lines = text
          .split("\n")
          .map((l) => l.split(" ").filter((t) => t !== ""))
          .filter((l) => l.length > 0);
        const naive = naiveKneserNey(lines, order, artifact.vocab);
        expect(artifact.discounts).toEqual(naive.discounts);
        const rng = createRng(order, 11);
        for (let trial = 0; trial < 60; trial++) {
          // seen contexts (prefixes of training lines), then random ones (mostly unseen, some with <unk>)
          const length = Math.floor(rng.next() * 5);
          const context =
            trial < 10
              ? encodeText(model, lines[trial % lines.length]!.slice(0, trial % 4).join(" "))
              : Array.from({ length }, () => 2 + Math.floor(rng.next() * (artifact.vocab.length - 2)));
          const logProbs = model.nextTokenLogProbs(context);
          const words = context.map((id) => artifact.vocab[id]!);
          artifact.vocab.forEach((w, id) => {
            expect(Math.exp(logProbs[id]!)).toBeCloseTo(naive.prob(w, words), 12);
          });
        }
      }
    }
  });

  it("[NG5] every distribution sums to 1 within 1e-9 (seen, unseen, <unk>, EOS in context)", () => {
    const model = ngramModel(
      trainNgram(randomCorpus(3, 400), { id: "r", name: "R", description: "", order: 4 }),
    );
    const rng = createRng(5);
    const v = model.vocab.length;
    for (let trial = 0; trial < 500; trial++) {
      const context = Array.from({ length: Math.floor(rng.next() * 6) }, () => Math.floor(rng.next() * v));
      if (trial % 7 === 0) context.push(2);
      let sum = 0;
      for (const lp of model.nextTokenLogProbs(context)) sum += Math.exp(lp);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
    }
  });

  it("[NG6] keys a context by its longest seen suffix (padded with <s>): equal keys, equal distributions", () => {
    const model = ngramModel(train(TINY));
    expect(model.contextKey([])).toBe("1 1");
    expect(model.contextKey([3, 4, 5])).toBe("4 5"); // "cat sat" was seen
    expect(model.contextKey(encodeText(model, "dog cat"))).toBe("4"); // "dog cat" was not: backs off to "cat"
    expect(model.contextKey(encodeText(model, "the zebra"))).toBe(""); // <unk>: unigram
    const big = ngramModel(
      trainNgram(randomCorpus(4, 300), { id: "r", name: "R", description: "", order: 4 }),
    );
    const byKey = new Map<string, Float64Array>();
    const rng = createRng(9);
    for (let trial = 0; trial < 2000; trial++) {
      const context = Array.from(
        { length: Math.floor(rng.next() * 5) },
        () => 2 + Math.floor(rng.next() * (big.vocab.length - 2)),
      );
      const key = big.contextKey(context);
      const logProbs = big.nextTokenLogProbs(context);
      const previous = byKey.get(key);
      if (previous) expect(logProbs).toEqual(previous);
      else byKey.set(key, logProbs);
    }
    expect(new Set([...byKey.keys()].map((k) => (k === "" ? 0 : k.split(" ").length))).size).toBe(4);
    expect(model.eosId).toBe(0);
    expect(model.unkId).toBe(2);
    expect(() => model.nextTokenLogProbs([99])).toThrow(RangeError);
  });
});

describe("artifact validation", () => {
  const good = (): NgramArtifact => JSON.parse(JSON.stringify(train(TINY))) as NgramArtifact;

  it("[NG7] parses a valid artifact and re-checks the hash", () => {
    expect(parseNgramArtifact(JSON.parse(serializeArtifact(good())))).toEqual(good());
    expect(() => parseNgramArtifact({ ...good(), name: "Tampered" })).toThrow(/hash mismatch/);
  });

  const corruptions: [string, (a: NgramArtifact) => unknown, RegExp][] = [
    ["format", (a: NgramArtifact) => Object.assign(a, { format: "other" }), /format/],
    ["unknown key", (a: NgramArtifact) => Object.assign(a, { extra: 1 }), /unrecognized key/i],
    ["id out of range", (a: NgramArtifact) => void (a.counts[2] = 99), /not in \[0, 8\)/],
    ["zero count", (a: NgramArtifact) => void (a.counts[3] = 0), /positive integer/],
    ["unsorted", (a: NgramArtifact) => a.counts.push(1, 1, 3, 1), /not sorted/],
    ["ragged counts", (a: NgramArtifact) => a.counts.push(1), /multiple of order/],
    ["discounts", (a: NgramArtifact) => a.discounts.pop(), /one discount per order/],
    ["specials", (a: NgramArtifact) => void (a.vocab[0] = "x"), /must start with/],
    ["predicts <unk>", (a: NgramArtifact) => a.counts.push(7, 7, 2, 1), /never predicted/],
    ["<s> after a word", (a: NgramArtifact) => a.counts.push(7, 1, 3, 1), /only pad the start/],
  ];
  it.each(corruptions)("[NG7] rejects %s", (_name, mutate, message) => {
    const a = good();
    mutate(a);
    expect(() => modelFromArtifact(a)).toThrow(message);
  });

  it("[NG7] rejects garbage without throwing anything but a one-line Error", () => {
    for (const junk of [null, 42, "x", [], { format: "tokenroom-ngram" }]) {
      expect(() => modelFromArtifact(junk)).toThrow(Error);
      try {
        modelFromArtifact(junk);
      } catch (error) {
        expect(String((error as Error).message)).not.toContain("\n");
      }
    }
  });
});

describe("evaluateText", () => {
  it("[EV1] scores every token and each line's </s>, skipping OOV tokens but keeping them as <unk>", () => {
    const model = ngramModel(train(TINY));
    const naive = naiveKneserNey(
      [
        ["the", "cat", "sat"],
        ["the", "dog", "sat"],
        ["the", "cat", "ran"],
      ],
      3,
      model.vocab,
    );
    const result = evaluateText(model, "The cat sat.\n\nthe zebra sat\n");
    // "." and "zebra" are OOV; scored: the cat sat </s> | the sat </s>
    const bits = [
      naive.prob("the", []),
      naive.prob("cat", ["the"]),
      naive.prob("sat", ["the", "cat"]),
      naive.prob(EOS, ["the", "cat", "sat", UNK]),
      naive.prob("the", []),
      naive.prob("sat", ["the", UNK]),
      naive.prob(EOS, ["the", UNK, "sat"]),
    ].map((q) => -Math.log2(q));
    expect(result.tokens).toBe(7);
    expect(result.oov).toBe(2);
    expect(result.crossEntropyBits).toBeCloseTo(bits.reduce((a, b) => a + b) / 7, 12);
    expect(result.perplexity).toBeCloseTo(2 ** result.crossEntropyBits, 12);
  });
});
