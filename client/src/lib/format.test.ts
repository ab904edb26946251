import { afterEach, describe, expect, it } from "vitest";
import { formatPercent, formatProbability, setNumberLocale } from "./format.ts";

describe("one number format for probabilities", () => {
  afterEach(() => setNumberLocale("en"));

  it("shows percentages from 0.1% on (one decimal below 10%), scientific below 0.1%", () => {
    expect(formatPercent(0.4567)).toBe("46%");
    expect(formatPercent(0.0846)).toBe("8.5%");
    expect(formatPercent(0.25)).toBe("25%");
    expect(formatPercent(0.002)).toBe("0.2%");
    expect(formatPercent(0.001)).toBe("0.1%");
    expect(formatPercent(0.000846)).toBe("8.46E-4");
    expect(formatPercent(0)).toBe("0%");
  });

  it("formats a whole completion's probability the same way (no '0.2%' beside '8.46e-4')", () => {
    for (const p of [0.5, 0.002, 0.000846, 1.2e-9]) expect(formatProbability(p)).toBe(formatPercent(p));
  });
});
