import { describe, expect, it } from "vitest";
import { createRng, deriveSeed, mix32 } from "./prng.ts";

/** An independent reference in BigInt arithmetic mod 2^32 (no Math.imul, no `| 0`). */
function referenceStream(seed: number, stream: number, count: number): number[] {
  const M = 0xffffffffn;
  const u32 = (x: bigint): bigint => x & M;
  const mul = (a: bigint, b: bigint): bigint => u32(a * b);
  const mix = (x: bigint): bigint => {
    let z = u32(x);
    z = mul(z ^ (z >> 16n), 0x21f0aaadn);
    z = mul(z ^ (z >> 15n), 0x735a2d97n);
    return z ^ (z >> 15n);
  };
  let sm = u32(BigInt(seed)); // seeds below 2^32 have a zero high word, and mix(0) = 0
  const nextSm = (): bigint => mix((sm = u32(sm + 0x9e3779b9n)));
  let a = nextSm();
  let b = nextSm();
  let c = nextSm() ^ mix(BigInt(stream) ^ 0x6a09e667n);
  let d = 1n;
  const nextU32 = (): bigint => {
    const t = u32(a + b + d);
    d = u32(d + 1n);
    a = b ^ (b >> 9n);
    b = u32(c * 9n);
    c = u32((c << 21n) | (c >> 11n));
    c = u32(c + t);
    return t;
  };
  for (let i = 0; i < 12; i++) nextU32();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const hi = nextU32() >> 5n;
    const lo = nextU32() >> 6n;
    out.push(Number((hi << 26n) | lo) / 2 ** 53);
  }
  return out;
}

const draw = (seed: number, stream: number, count: number): number[] => {
  const rng = createRng(seed, stream);
  return Array.from({ length: count }, () => rng.next());
};

describe("prng", () => {
  it("[RNG1] pins the first outputs of seed 1, stream 0 (as integers k, next() = k / 2^53)", () => {
    const pinned = [908492448734304, 5870318821230291, 1717879140201009, 8274317889544012, 1922254839881491];
    expect(draw(1, 0, 5).map((x) => x * 2 ** 53)).toEqual(pinned);
  });

  it("[RNG1] matches an independent BigInt implementation of splitmix32 + sfc32", () => {
    for (const [seed, stream] of [
      [1, 0],
      [0, 0],
      [42, 7],
      [0xffffffff, 123456],
      [2024, 0xffffffff],
    ] as const) {
      expect(draw(seed, stream, 50)).toEqual(referenceStream(seed, stream, 50));
    }
  });

  it("[RNG1] is deterministic and returns 53-bit doubles in [0, 1)", () => {
    const xs = draw(99, 3, 10_000);
    expect(draw(99, 3, 10_000)).toEqual(xs);
    for (const x of xs) {
      expect(x >= 0 && x < 1).toBe(true);
      expect(Number.isInteger(x * 2 ** 53)).toBe(true);
    }
  });

  it("[RNG1] rejects seeds and streams that are not safe integers", () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(1, -0.5)).toThrow(RangeError);
  });

  it("[RNG2] different streams and different seeds give different sequences", () => {
    const base = draw(1, 0, 1000);
    for (const [seed, stream] of [
      [1, 1],
      [1, 2],
      [2, 0],
      [0, 1],
    ] as const) {
      const other = draw(seed, stream, 1000);
      const shared = other.filter((x, i) => x === base[i]).length;
      expect(shared).toBe(0);
    }
    expect(draw(1, 0, 3)).not.toEqual(draw(2 ** 32 + 1, 0, 3)); // the high word of the seed counts
  });

  it("[RNG3] is uniform: mean ≈ 1/2 and chi-square over 10 bins passes (fixed seed)", () => {
    const n = 100_000;
    const rng = createRng(12345, 0);
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      sum += x;
      bins[Math.floor(x * 10)]! += 1;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n)); // 4 standard errors
    const expected = n / 10;
    const chi2 = bins.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88); // chi-square, 9 degrees of freedom, p = 0.001
  });

  it("[RNG4] deriveSeed is a deterministic uint32, sensitive to order and length", () => {
    expect(deriveSeed(1, 2)).toBe(deriveSeed(1, 2));
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
    expect(deriveSeed(0)).not.toBe(deriveSeed(0, 0));
    expect(deriveSeed()).not.toBe(deriveSeed(0));
    expect(deriveSeed(-1)).not.toBe(deriveSeed(0xffffffff)); // 64-bit two's complement, not mod 2^32
    expect([deriveSeed(1), deriveSeed(1, 2), deriveSeed()]).toEqual([1047969498, 4058514766, 4020947263]);
    const seen = new Set<number>();
    for (let round = 0; round < 50; round++) {
      for (let participant = 0; participant < 200; participant++) {
        const s = deriveSeed(7, round, participant);
        expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
        seen.add(s);
      }
    }
    expect(seen.size).toBe(10_000);
    expect(() => deriveSeed(0.5)).toThrow(RangeError);
  });

  it("[RNG4] mix32 is the splitmix32 finaliser: a bijection on uint32 fixing 0", () => {
    expect(mix32(0)).toBe(0);
    const outputs = new Set<number>();
    for (let x = 0; x < 5000; x++) outputs.add(mix32(x * 2654435761));
    expect(outputs.size).toBe(5000);
  });
});
