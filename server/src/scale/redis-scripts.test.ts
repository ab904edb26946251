/**
 * The Lua side of [EMP4]: COUNT keeps the running sums in Redis (a redis-server of this file's own). On the
 * same seeded samples they must be the in-memory sums (rounds/counter-kl.ts), so the one klFromSums gives
 * the same KL from either.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AcceptedSample, RoundAggregator } from "../rounds/aggregator.ts";
import { klFromSums, type KlSums } from "../rounds/stats.ts";
import { aggregatorFor, toySource } from "../../test/seeded-samples.ts";
import { type RedisServer, startRedis } from "../../test/services.ts";
import { COUNT, countKeys, roundKeys } from "./redis-scripts.ts";
import { wire } from "./redis-counters.ts";

type Counting = Redis & { trCount(...keysAndArgs: string[]): Promise<[number, number]> };

let server: RedisServer;
let redis: Counting;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url) as Counting;
  redis.defineCommand("trCount", { numberOfKeys: 8, lua: COUNT });
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

/** Counts samples through COUNT, as the hub does. */
const count = (roundId: string, agg: RoundAggregator, samples: readonly AcceptedSample[]) =>
  redis.trCount(...countKeys(roundKeys(roundId)), JSON.stringify(samples.map((s) => wire(agg, s))), "epoch");

/** The sums COUNT keeps, as the hub reads them. */
async function luaSums(roundId: string): Promise<{ first: KlSums; completions: KlSums }> {
  const m = await redis.hgetall(roundKeys(roundId).meta);
  const n = Number(m.n);
  return {
    first: { n, sumCLogC: Number(m.fCLogC), sumLogQ: Number(m.fLogQ) },
    completions: { n, sumCLogC: Number(m.cCLogC), sumLogQ: Number(m.cLogQ) },
  };
}

/** Equal up to the last bits (Lua's ln c / ln 2 against Math.log2, summed in another order). */
function near(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
}

function sameSums(lua: KlSums, ts: KlSums): void {
  expect(lua.n).toBe(ts.n);
  near(lua.sumCLogC, ts.sumCLogC);
  near(lua.sumLogQ, ts.sumLogQ);
  expect(klFromSums(lua)).toBeCloseTo(klFromSums(ts), 9);
}

describe("COUNT (Lua)", () => {
  it("[EMP4] keeps the in-memory running sums: the same KL from the same seeded samples, batch after batch", async () => {
    const source = toySource(7_777, ["ada", "bo", "cy", "dee", "eve", "fu", "gil"]);
    const reference = aggregatorFor(source);
    let counted = 0;
    for (const size of [1, 1, 2, 5, 13, 40, 250, 700, 1_988, 3_000]) {
      const batch = source.take(size);
      const [fresh] = await count("lua-sums", reference, batch);
      expect(fresh).toBe(size);
      for (const s of batch) reference.add(s);
      counted += size;
      const lua = await luaSums("lua-sums");
      expect(lua.first.n).toBe(counted);
      sameSums(lua.first, reference.first.sums());
      sameSums(lua.completions, reference.completions.sums());
    }
    const firstCounts = await redis.hgetall(roundKeys("lua-sums").first);
    expect(new Map(Object.entries(firstCounts).map(([id, c]) => [Number(id), Number(c)]))).toEqual(
      reference.first.counts,
    );
    expect(reference.completions.distinct).toBeGreaterThan(20);
  });

  it("[EMP4] leaves the sums as they are when samples come again (resent, out of order)", async () => {
    const source = toySource(4_242, ["ada", "bo", "cy"]);
    const reference = aggregatorFor(source);
    const samples = source.take(600);
    for (const s of samples) reference.add(s);
    await count("lua-again", reference, samples.slice(0, 400));
    // the rest arrives with resends of counted samples, newest first
    const again = [...samples.slice(350, 600)].reverse();
    const [fresh] = await count("lua-again", reference, again);
    expect(fresh).toBe(200);
    const before = await redis.hgetall(roundKeys("lua-again").meta);
    await count("lua-again", reference, samples);
    expect(await redis.hgetall(roundKeys("lua-again").meta)).toEqual(before);
    const lua = await luaSums("lua-again");
    sameSums(lua.first, reference.first.sums());
    sameSums(lua.completions, reference.completions.sums());
  });
});
