import { describe, expect, it } from "vitest";
import { guessRows, scoreHistogram } from "./guess-data.ts";

describe("guess chart data", () => {
  it("pairs every outcome's average guess with its truth", () => {
    expect(guessRows(["a", "b", "else"], [0.5, 0.3, 0.2], [0.6, 0.4, 0])).toEqual([
      { key: "0", token: "a", average: 0.5, truth: 0.6 },
      { key: "1", token: "b", average: 0.3, truth: 0.4 },
      { key: "2", token: "else", average: 0.2, truth: 0 },
    ]);
  });

  it("bins scores from 0 bits with at most 10 equal bars, counting every score once", () => {
    const bins = scoreHistogram([0.018, 0.256, 6.2]);
    expect(bins.map((b) => [b.from, b.to])).toEqual([0, 1, 2, 3, 4, 5, 6].map((x) => [x, x + 1]));
    expect(bins.map((b) => b.count)).toEqual([2, 0, 0, 0, 0, 0, 1]);
    const fine = scoreHistogram([0, 0.1, 0.12, 0.3]);
    expect(fine[0]!.to).toBeCloseTo(0.05);
    expect(fine.reduce((s, b) => s + b.count, 0)).toBe(4);
    expect(fine.length).toBeLessThanOrEqual(10);
    expect(scoreHistogram([9.97]).length).toBeLessThanOrEqual(10);
    expect(scoreHistogram([25]).at(-1)!.count).toBe(1);
  });

  it("still draws empty bins when nobody guessed", () => {
    const bins = scoreHistogram([]);
    expect(bins).toHaveLength(4);
    expect(bins.every((b) => b.count === 0)).toBe(true);
  });
});
