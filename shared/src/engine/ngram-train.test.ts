/** trainNgram's progress hook ([NG8]): it only observes, and it reports the stages in order. */
import { describe, expect, it } from "vitest";
import { trainNgram, type TrainStage } from "./ngram-train.ts";

const options = { id: "progress", name: "Progress", description: "progress hook check", order: 3 };
const corpus = [
  "Once upon a time, there was a cat.",
  "The cat sat on a mat.",
  "The dog ran to the park, and the cat followed.",
].join("\n");

describe("trainNgram onProgress", () => {
  it("[NG8] does not change the artifact", () => {
    const seen: [TrainStage, number][] = [];
    const text = `${corpus}\n`.repeat(7);
    const plain = trainNgram(text, options);
    const observed = trainNgram(text, { ...options, onProgress: (stage, f) => seen.push([stage, f]) });
    expect(observed).toEqual(plain);
    expect(seen.length).toBeGreaterThan(0);
  });

  it("reports tokenizing, counting, held-out, hashing in order, with a non-decreasing fraction ending at 1", () => {
    const seen: [TrainStage, number][] = [];
    trainNgram(`${corpus}\n`.repeat(400), { ...options, onProgress: (stage, f) => seen.push([stage, f]) });
    const stages = seen.map(([s]) => s).filter((s, i, all) => s !== all[i - 1]);
    expect(stages).toEqual(["tokenizing", "counting", "held-out", "hashing"]);
    const fractions = seen.map(([, f]) => f);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.every((f) => f >= 0 && f <= 1)).toBe(true);
    expect(fractions.filter((f) => f === 1)).toHaveLength(1);
    expect(fractions.at(-1)).toBe(1);
  });

  it("skips the held-out stage when nothing is held out", () => {
    const stages = new Set<TrainStage>();
    trainNgram(corpus, { ...options, heldOutEvery: 0, onProgress: (stage) => stages.add(stage) });
    expect([...stages]).toEqual(["tokenizing", "counting", "hashing"]);
  });
});
