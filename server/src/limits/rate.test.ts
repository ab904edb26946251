import { describe, expect, it } from "vitest";
import { describeRate, parseRate } from "./rate.ts";

describe("parseRate (LIMIT_* values)", () => {
  it("reads N/window with s, m, h, an optional window count and spaces; off is no limit", () => {
    expect(parseRate("30/10m")).toEqual({ points: 30, seconds: 600 });
    expect(parseRate("5/s")).toEqual({ points: 5, seconds: 1 });
    expect(parseRate(" 100 / 2H ")).toEqual({ points: 100, seconds: 7200 });
    expect(parseRate("1/168h")).toEqual({ points: 1, seconds: 604_800 });
    expect(parseRate("off")).toBeNull();
    expect(parseRate("Off")).toBeNull();
  });

  it("refuses anything else, showing the format", () => {
    for (const bad of ["30", "0/1m", "5/0m", "5/1d", "5/169h", "-1/1m", "1.5/1m", "5 per minute", ""])
      expect(() => parseRate(bad), bad).toThrow(/is not a rate; write N\/window .* \(e\.g\. 30\/10m/);
  });
});

describe("describeRate", () => {
  it("names the window in words", () => {
    expect(describeRate({ points: 30, seconds: 600 })).toBe("30 per 10 minutes");
    expect(describeRate({ points: 1, seconds: 3600 })).toBe("1 per hour");
    expect(describeRate({ points: 5, seconds: 1 })).toBe("5 per second");
    expect(describeRate({ points: 5, seconds: 90 })).toBe("5 per 90 seconds");
  });
});
