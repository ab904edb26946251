import { describe, expect, it } from "vitest";
import { percentAxis } from "./percent-axis.ts";

describe("percent axis", () => {
  it("ends at the first round tick above the peak, with evenly spaced round ticks", () => {
    expect(percentAxis(0.7)).toEqual({ max: 0.8, ticks: [0, 0.2, 0.4, 0.6, 0.8] });
    expect(percentAxis(0.35)).toEqual({ max: 0.4, ticks: [0, 0.1, 0.2, 0.3, 0.4] });
    expect(percentAxis(0.12)).toEqual({ max: 0.125, ticks: [0, 0.025, 0.05, 0.075, 0.1, 0.125] });
    expect(percentAxis(1)).toEqual({ max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
  });

  it("keeps a floor so a few small bars stay visible, and never passes 100%", () => {
    expect(percentAxis(0.001)).toEqual({ max: 0.05, ticks: [0, 0.01, 0.02, 0.03, 0.04, 0.05] });
    expect(percentAxis(Number.NaN).max).toBe(0.05);
    expect(percentAxis(1.4).max).toBe(1);
  });

  it("never draws more than six ticks, and every gap is the same", () => {
    for (let peak = 0.001; peak <= 1; peak += 0.0137) {
      const { max, ticks } = percentAxis(peak);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(max).toBeGreaterThanOrEqual(Math.min(1, peak) - 1e-12);
      const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
      for (const g of gaps) expect(g).toBeCloseTo(gaps[0]!, 9);
    }
  });
});
