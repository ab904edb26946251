import { describe, expect, it } from "vitest";
import type { ReviewKlPoint } from "@tokenroom/shared";
import { klDomains, klRows } from "../charts/kl-data.ts";
import { indexAtN, playStepMs, replayHistory } from "./replay-data.ts";

const point = (n: number, kl: number | null): ReviewKlPoint => ({
  n,
  firstKlBits: kl,
  completionKlBits: kl === null ? 0.5 : kl * 2,
  expectedKlFirstOrderBits: 1 / n,
});
const curve = [point(1, 2), point(2, 1), point(4, null), point(9, 0.2), point(20, 0.05)];

describe("the KL replay", () => {
  it("keeps every N but blanks the KL after the slider's point", () => {
    const h = replayHistory(curve, 1);
    expect(h.map((p) => p.n)).toEqual([1, 2, 4, 9, 20]);
    expect(h.slice(0, 2).map((p) => p.firstKlBits)).toEqual([2, 1]);
    expect(h.slice(2).every((p) => Number.isNaN(p.firstKlBits) && Number.isNaN(p.completionKlBits))).toBe(
      true,
    );
  });

  it("draws nothing for a first-token KL the server could not compute (null)", () => {
    const rows = klRows(replayHistory(curve, 4), 3);
    expect(rows[2]?.first).toBeNull();
    expect(rows[2]?.completion).toBe(0.5);
  });

  it("blanked points keep the chart's axes: the reference curve still spans every N", () => {
    const full = klDomains(klRows(replayHistory(curve, 4), 3));
    expect(klRows(replayHistory(curve, 0), 3).every((r) => r.approximation !== null)).toBe(true);
    expect(full.x).toEqual([1, 100]);
  });

  it("finds the last point at or before N", () => {
    expect(indexAtN(curve, 0)).toBe(0);
    expect(indexAtN(curve, 1)).toBe(0);
    expect(indexAtN(curve, 3)).toBe(1);
    expect(indexAtN(curve, 9)).toBe(3);
    expect(indexAtN(curve, 1000)).toBe(4);
    expect(indexAtN([], 5)).toBe(0);
  });

  it("plays the whole curve in about six seconds, never faster than 25 ms a step", () => {
    expect(playStepMs(201)).toBe(30);
    expect(playStepMs(2)).toBe(6_000);
    expect(playStepMs(10_000)).toBe(25);
    expect(playStepMs(0)).toBe(6_000);
  });
});
