import { describe, expect, it } from "vitest";
import { collapseTruth, floorGuess, GUESS_FLOOR, guessError, guessKlBits, guessPoints } from "./scoring.ts";

const dist = { ids: Int32Array.from([3, 1, 0, 4]), probs: Float64Array.from([0.5, 0.25, 0.125, 0.125]) };

describe("guess scoring", () => {
  it("[GS1] collapses the truth onto the candidates plus 'something else'", () => {
    expect(collapseTruth(dist, [1, 3])).toEqual([0.25, 0.5, 0.25]);
    expect(collapseTruth(dist, [0, 1, 3, 4])).toEqual([0.125, 0.25, 0.5, 0.125, 0]);
    expect(collapseTruth(dist, [2, 3])).toEqual([0, 0.5, 0.5]);
  });

  it("[GS2] scores KL(truth ‖ guess) in bits: hand-computed values", () => {
    const truth = [0.5, 0.25, 0.25];
    expect(guessKlBits(truth, [0.5, 0.25, 0.25])).toBe(0);
    // KL([1/2,1/4,1/4] ‖ [1/4,1/2,1/4]) = 1/2·log2 2 + 1/4·log2(1/2) + 0 = 0.25 bits
    expect(guessKlBits(truth, [0.25, 0.5, 0.25])).toBeCloseTo(0.25, 12);
    // a uniform guess over 3: log2 3 − H(truth) = 1.58496 − 1.5
    expect(guessKlBits(truth, [1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(Math.log2(3) - 1.5, 12);
  });

  it("[GS2] is proper: the truth itself scores best among many guesses", () => {
    const truth = [0.6, 0.3, 0.1];
    const best = guessKlBits(truth, truth);
    for (let a = 0; a <= 20; a++)
      for (let b = 0; a + b <= 20; b++) {
        const g = [a / 20, b / 20, (20 - a - b) / 20];
        expect(guessKlBits(truth, g)).toBeGreaterThanOrEqual(best - 1e-12);
      }
  });

  it("[GS3] points are 100 · 2^-KL", () => {
    expect(guessPoints(0)).toBe(100);
    expect(guessPoints(1)).toBe(50);
    expect(guessPoints(2)).toBe(25);
    expect(guessPoints(20)).toBe(0);
  });

  it("[GS4] floors zero guesses so no score is infinite", () => {
    const truth = [0.5, 0.5, 0];
    const kl = guessKlBits(truth, [1, 0, 0]);
    expect(Number.isFinite(kl)).toBe(true);
    // floored guess: [1, 0.001, 0.001] / 1.002 → KL = 0.5 log2(0.5·1.002) + 0.5 log2(0.5·1.002/0.001)
    const expected = 0.5 * Math.log2(0.5 * 1.002) + 0.5 * Math.log2((0.5 * 1.002) / 0.001);
    expect(kl).toBeCloseTo(expected, 10);
    expect(floorGuess([1, 0])).toEqual([1 / (1 + GUESS_FLOOR), GUESS_FLOOR / (1 + GUESS_FLOOR)]);
  });

  it("rejects guesses that are not distributions", () => {
    expect(guessError([0.5, 0.5], 3)).toMatch(/3 numbers/);
    expect(guessError([0.5, 0.6, -0.1], 3)).toMatch(/≥ 0/);
    expect(guessError([0.5, NaN, 0.5], 3)).toMatch(/≥ 0/);
    expect(guessError([0.5, 0.4, 0.05], 3)).toMatch(/100%/);
    expect(guessError([0.3333333, 0.3333333, 0.3333334], 3)).toBeNull();
  });
});
