import { describe, expect, it } from "vitest";
import { createRng, guessError } from "@tokenroom/shared";
import {
  apportion,
  evenPercents,
  percentsToProbs,
  probsToPercents,
  samePercents,
  stepPercents,
} from "./guess-percents.ts";

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

describe("guess percentages", () => {
  it("apportions whole units by largest remainder", () => {
    expect(apportion(5, [25, 25, 25])).toEqual([2, 2, 1]);
    expect(apportion(10, [50, 17, 16])).toEqual([6, 2, 2]);
    expect(apportion(5, [0, 30, 0])).toEqual([0, 5, 0]);
  });

  it("starts as even as whole percentages allow", () => {
    expect(evenPercents(4)).toEqual([25, 25, 25, 25]);
    expect(evenPercents(3)).toEqual([34, 33, 33]);
    expect(sum(evenPercents(13))).toBe(100);
  });

  it("raises one outcome by taking from the others in proportion", () => {
    expect(stepPercents([25, 25, 25, 25], 0, 5)).toEqual([30, 23, 23, 24]);
    expect(stepPercents([50, 40, 10, 0], 3, 5)).toEqual([47, 38, 10, 5]);
    expect(stepPercents([97, 3, 0, 0], 0, 5)).toEqual([100, 0, 0, 0]);
    expect(stepPercents([100, 0, 0, 0], 0, 5)).toEqual([100, 0, 0, 0]);
  });

  it("lowers one outcome by giving to the others in proportion, or to “something else” when they hold nothing", () => {
    expect(stepPercents([25, 25, 25, 25], 3, -5)).toEqual([27, 27, 26, 20]);
    expect(stepPercents([100, 0, 0, 0], 0, -5)).toEqual([95, 0, 0, 5]);
    expect(stepPercents([0, 0, 0, 100], 3, -5)).toEqual([2, 2, 1, 95]);
    expect(stepPercents([3, 50, 47, 0], 0, -5)).toEqual([0, 52, 48, 0]);
    expect(stepPercents([0, 50, 50, 0], 0, -5)).toEqual([0, 50, 50, 0]);
  });

  it("keeps whole percentages in 0..100 that sum to exactly 100, press after press", () => {
    const rng = createRng(7, 1);
    let p = evenPercents(6);
    for (let i = 0; i < 2000; i++) {
      p = stepPercents(p, Math.floor(rng.next() * 6), rng.next() < 0.5 ? 5 : -5);
      expect(sum(p)).toBe(100);
      expect(p.every((x) => Number.isInteger(x) && x >= 0 && x <= 100)).toBe(true);
    }
  });

  it("sends probabilities the server accepts: the last entry absorbs rounding", () => {
    for (const p of [
      [33, 33, 34],
      [7, 13, 29, 51],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 88],
      [0, 100],
    ]) {
      const probs = percentsToProbs(p);
      expect(guessError(probs, p.length)).toBeNull();
      expect(Math.abs(sum(probs) - 1)).toBeLessThanOrEqual(1e-12);
      expect(probsToPercents(probs, p.length)).toEqual(p);
    }
  });

  it("restores a stored guess, and refuses one of the wrong shape", () => {
    expect(probsToPercents([0.5, 0.25, 0.15, 0.1], 4)).toEqual([50, 25, 15, 10]);
    expect(probsToPercents([1 / 3, 1 / 3, 1 / 3], 3)).toEqual([34, 33, 33]);
    expect(probsToPercents([0.5, 0.5], 3)).toBeNull();
    expect(probsToPercents([0, 0, 0], 3)).toBeNull();
    expect(samePercents([1, 2], [1, 2])).toBe(true);
    expect(samePercents([1, 2], [2, 1])).toBe(false);
    expect(samePercents([1, 2], null)).toBe(false);
  });
});
