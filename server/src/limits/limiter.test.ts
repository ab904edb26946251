import { describe, expect, it } from "vitest";
import { Concurrency, inTime, type LimitsConfig, Limits } from "./limiter.ts";

const config = (rates: Partial<LimitsConfig["rates"]>): LimitsConfig => ({
  rates: {
    sessionsPerIp: null,
    roomLookupsPerIp: null,
    failedJoinsPerIp: null,
    failedJoinsPerSocket: null,
    guessesPerParticipant: null,
    trainingsPerSession: null,
    trainingsPerIp: null,
    ...rates,
  },
  maxStudentsPerSession: 10,
  maxSocketsPerIp: 10,
});

describe("Limits (in memory)", () => {
  it("lets N actions of a key through per window, then refuses with the time left and the rate", async () => {
    const limits = new Limits(config({ sessionsPerIp: { points: 3, seconds: 600 } }));
    for (let i = 0; i < 3; i++) expect(await limits.take("sessionsPerIp", "a")).toBeNull();
    const refusal = await limits.take("sessionsPerIp", "a");
    expect(refusal?.rate).toBe("3 per 10 minutes");
    expect(refusal?.retryAfterMs).toBeGreaterThan(0);
    expect(refusal?.retryAfterMs).toBeLessThanOrEqual(600_000);
    // another key has its own allowance
    expect(await limits.take("sessionsPerIp", "b")).toBeNull();
  });

  it("gives an action back, forgets a key, and never refuses a limit that is off", async () => {
    const limits = new Limits(config({ failedJoinsPerSocket: { points: 1, seconds: 60 } }));
    expect(await limits.take("failedJoinsPerSocket", "s")).toBeNull();
    await limits.giveBack("failedJoinsPerSocket", "s");
    expect(await limits.take("failedJoinsPerSocket", "s")).toBeNull();
    expect(await limits.take("failedJoinsPerSocket", "s")).not.toBeNull();
    await limits.forget("failedJoinsPerSocket", "s");
    expect(await limits.take("failedJoinsPerSocket", "s")).toBeNull();
    for (let i = 0; i < 100; i++) expect(await limits.take("guessesPerParticipant", "p")).toBeNull();
  });
});

describe("Concurrency", () => {
  it("holds at most max per key; a release frees one slot, once", () => {
    const c = new Concurrency(2);
    const first = c.acquire("ip")!;
    expect(c.acquire("ip")).not.toBeNull();
    expect(c.acquire("ip")).toBeNull();
    expect(c.acquire("other")).not.toBeNull();
    first();
    first();
    expect(c.count("ip")).toBe(1);
    expect(c.acquire("ip")).not.toBeNull();
    expect(c.acquire("ip")).toBeNull();
  });
});

describe("inTime", () => {
  it("says seconds under two minutes, else minutes, rounded up", () => {
    expect(inTime(1)).toBe("in 1 s");
    expect(inTime(119_000)).toBe("in 119 s");
    expect(inTime(120_001)).toBe("in 3 min");
  });
});
