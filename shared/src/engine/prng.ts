/**
 * Seeded randomness (SPEC.md [RNG1]–[RNG4]): sfc32 seeded through splitmix32.
 * Only 32-bit integer operations (`| 0`, `>>> 0`, shifts, Math.imul), so every JS engine yields the same stream.
 */
import type { Rng } from "./types.ts";

const GOLDEN_GAMMA = 0x9e3779b9; // 2^32 / φ, splitmix32's increment
const STREAM_SALT = 0x6a09e667; // keeps stream 0 from mixing a plain 0
const DISCARDED_OUTPUTS = 12; // sfc32 warm-up, as in PractRand's seeding
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/** A bijective 32-bit finaliser (splitmix32's output function): uint32 -> uint32. */
export function mix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** splitmix32: state += γ (mod 2^32); output mix32(state). Returns a uint32 generator. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + GOLDEN_GAMMA) >>> 0;
    return mix32(state);
  };
}

/** A safe integer as its low and high 32-bit words (two's complement for negatives). */
function words(x: number, what: string): [number, number] {
  if (!Number.isSafeInteger(x)) throw new RangeError(`${what} must be a safe integer (got ${String(x)})`);
  return [x >>> 0, Math.floor(x / 4294967296) >>> 0];
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting RNG, 128-bit state): one uint32 per call. */
function sfc32(a0: number, b0: number, c0: number, d0: number): () => number {
  let a = a0 | 0;
  let b = b0 | 0;
  let c = c0 | 0;
  let d = d0 | 0;
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

/**
 * [RNG1] A seeded uniform source: sfc32 with state (a, b, c, d) = (s1, s2, s3 ^ mix32(stream ^ salt), 1),
 * where s1, s2, s3 are splitmix32 outputs from `seed` (both 32-bit words), then 12 outputs discarded.
 * Distinct (seed, stream) pairs of uint32 values give distinct states; the stream is taken mod 2^32.
 * `next()` is a double in [0, 1)
 * with 53 random bits: (x1 >>> 5) * 2^26 + (x2 >>> 6), over 2^53.
 */
export function createRng(seed: number, stream = 0): Rng {
  const [seedLo, seedHi] = words(seed, "seed");
  const [streamLo] = words(stream, "stream");
  const sm = splitmix32(seedLo ^ mix32(seedHi));
  const a = sm();
  const b = sm();
  const c = (sm() ^ mix32(streamLo ^ STREAM_SALT)) >>> 0;
  const nextUint32 = sfc32(a, b, c, 1);
  for (let i = 0; i < DISCARDED_OUTPUTS; i++) nextUint32();
  return {
    next(): number {
      const hi = nextUint32() >>> 5; // 27 bits
      const lo = nextUint32() >>> 6; // 26 bits
      return (hi * TWO_POW_26 + lo) / TWO_POW_53;
    },
  };
}

/**
 * [RNG4] A uint32 seed from integers, order- and length-sensitive:
 * h_0 = salt; h_{i+1} = mix32((h_i ^ w_i) + γ) over the 32-bit words w of each part; result mix32(h ^ count).
 * Parts must be safe integers (negatives are taken in two's complement).
 */
export function deriveSeed(...parts: number[]): number {
  let h = STREAM_SALT;
  for (const part of parts) {
    const [lo, hi] = words(part, "deriveSeed part");
    h = mix32(((h ^ lo) + GOLDEN_GAMMA) >>> 0);
    h = mix32(((h ^ hi) + GOLDEN_GAMMA) >>> 0);
  }
  return mix32(h ^ parts.length);
}
