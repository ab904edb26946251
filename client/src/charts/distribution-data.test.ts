import { describe, expect, it } from "vitest";
import type { RoundStats, TheoryView } from "@tokenroom/shared";
import { firstTokenRows, logTicks } from "./distribution-data.ts";

const theory: TheoryView = {
  roundId: "r",
  top: [
    { id: 4, token: "the", p: 0.7 },
    { id: 2, token: "cheese", p: 0.1 },
    { id: 3, token: "mouse", p: 0.1 },
  ],
  otherP: 0.1,
  support: 5,
  entropyBits: 1.5,
};

function stats(counts: { id: number; token: string; count: number }[], otherCount = 0): RoundStats {
  const n = counts.reduce((s, c) => s + c.count, 0) + otherCount;
  return {
    roundId: "r",
    n,
    tokens: n,
    contributors: 1,
    samplesPerSecond: 0,
    firstToken: {
      counts,
      otherCount,
      distinct: counts.length,
      klBits: null,
      expectedKlBits: null,
      entropyBits: null,
      crossEntropyBits: null,
      perplexity: null,
    },
    completions: {
      top: [],
      distinct: 0,
      klBits: null,
      crossEntropyBitsPerToken: null,
      perplexityPerToken: null,
    },
  };
}

describe("firstTokenRows", () => {
  it("lists the drawn tokens with the theory's top ones, ordered by theory; shares sum to 1 with 'other'", () => {
    const rows = firstTokenRows(
      stats([
        { id: 4, token: "the", count: 6 },
        { id: 0, token: "ate", count: 4 },
      ]),
      theory,
      "other",
      2,
    );
    // "ate" (drawn 4 times, beyond the theory's top) beats "cheese" (10%, never drawn)
    expect(rows.map((r) => r.token)).toEqual(["the", "ate", "other"]);
    expect(rows.reduce((s, r) => s + r.empirical, 0)).toBeCloseTo(1);
    expect(rows.reduce((s, r) => s + (r.theory ?? 0), 0)).toBeCloseTo(1);
    expect(rows[2]!.count).toBe(0);
    expect(rows[2]!.theory).toBeCloseTo(0.3);
  });

  it("shows a flat theory as flat rows (a hot round), not the class's counts alone", () => {
    const flat: TheoryView = {
      roundId: "r",
      top: Array.from({ length: 30 }, (_, i) => ({ id: 100 + i, token: `w${i}`, p: 0.03 })),
      otherP: 0.1,
      support: 40,
      entropyBits: 5.3,
    };
    const rows = firstTokenRows(
      stats([
        { id: 105, token: "w5", count: 2 },
        { id: 7, token: "odd", count: 1 },
      ]),
      flat,
      "other",
      10,
    );
    expect(rows).toHaveLength(11);
    expect(rows.slice(0, 10).every((r) => r.other !== true)).toBe(true);
    expect(rows.map((r) => r.token)).toContain("w5");
    expect(rows.map((r) => r.token)).toContain("odd");
    expect(rows[10]!.theory).toBeCloseTo(1 - 9 * 0.03);
  });

  it("without theory, uses the observed counts", () => {
    const rows = firstTokenRows(stats([{ id: 1, token: "ball", count: 3 }], 1), null, "other");
    expect(rows.map((r) => [r.token, r.empirical, r.theory])).toEqual([
      ["ball", 0.75, null],
      ["other", 0.25, null],
    ]);
  });

  it("log ticks cover the range", () => {
    expect(logTicks(0.003, 2)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(logTicks(0, 1)).toEqual([]);
  });
});

describe("[CUT1] tie marks on the first-token chart", () => {
  it("marks a token the cut kept out of a tie", () => {
    const tied: TheoryView = {
      roundId: "r",
      top: [
        { id: 3, token: "mouse", p: 0.6 },
        { id: 0, token: "ate", p: 0.4, tied: true },
      ],
      otherP: 0,
      support: 2,
      entropyBits: 1,
    };
    expect(firstTokenRows(null, tied, "(other)").map((r) => r.token)).toEqual(["mouse", "ate ⚖"]);
  });
});
