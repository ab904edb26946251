import { afterEach, describe, expect, it } from "vitest";
import { formatPercent, setNumberLocale } from "./format.ts";

describe("formatPercent: one format for every probability", () => {
  afterEach(() => setNumberLocale("en"));

  it("shows percentages with enough digits to tell neighbours apart", () => {
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(0.4567)).toBe("45.7%");
    expect(formatPercent(0.1)).toBe("10%");
    expect(formatPercent(0.0846)).toBe("8.46%");
    expect(formatPercent(0.05)).toBe("5%");
    expect(formatPercent(0.00212)).toBe("0.212%");
    expect(formatPercent(0.001)).toBe("0.1%");
  });

  it("switches to scientific notation below 0.1%", () => {
    expect(formatPercent(0.000846)).toBe("8.46 × 10⁻⁴");
    expect(formatPercent(0.0009999)).toBe("1 × 10⁻³");
    expect(formatPercent(3.2e-12)).toBe("3.2 × 10⁻¹²");
  });

  it("shows zero as 0% and refuses nonsense", () => {
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(Number.NaN)).toBe("–");
  });

  it("follows the interface's locale", () => {
    setNumberLocale("de");
    expect(formatPercent(0.4567)).toMatch(/^45,7\s%$/u);
    expect(formatPercent(0.000846)).toBe("8,46 × 10⁻⁴");
  });
});
