import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRng,
  decodingOf,
  ErrorCode,
  generate,
  hashString32,
  participantSeed,
  type RoundInfo,
  type SampleInput,
  type SampleResult,
} from "@tokenroom/shared";
import { models, phoneSamples } from "../../test/boot.ts";
import { sampleRound, services } from "../../test/fixtures.ts";
import { type Database, openDatabase } from "../store/database.ts";
import { type SampleRow, type Repository } from "../store/repository.ts";
import { SampleWriter } from "../store/sample-writer.ts";
import type { LiveSession } from "./live-state.ts";
import { SampleService, type SampleServiceOptions } from "./sample-service.ts";
import { pgliteDataDir } from "../../test/pglite.ts";

let db: Database;
beforeAll(async () => {
  db = await openDatabase({ kind: "pglite", dataDir: pgliteDataDir() });
});
afterAll(() => db.close());

/** A writer whose inserts wait for `release()` (or fail with `fail()`), to hold a write in flight. */
function gatedWriter(repo: Repository) {
  let gates: { open: () => void; fail: (e: Error) => void }[] = [];
  const inserts: SampleRow[][] = [];
  const writer = new SampleWriter({
    insertSamples: async (rows) => {
      inserts.push([...rows]);
      await new Promise<void>((open, fail) => gates.push({ open, fail }));
      return repo.insertSamples(rows);
    },
  });
  const take = () => {
    const g = gates;
    gates = [];
    return g;
  };
  return {
    writer,
    inserts,
    waiting: () => gates.length,
    release: () => take().forEach((g) => g.open()),
    fail: () => take().forEach((g) => g.fail(new Error("connection reset"))),
  };
}

async function setup(
  options: Partial<SampleServiceOptions> = {},
  writer?: (repo: Repository) => SampleWriter,
) {
  const s = services(db);
  const { sessionId, code } = await s.sessions.create();
  const joined = await s.participants.join(code, "Ada");
  const round: RoundInfo = await s.rounds.start(sessionId, sampleRound());
  const live: LiveSession = await s.live.get(sessionId);
  const service = new SampleService(
    writer?.(s.repo) ?? new SampleWriter(s.repo),
    s.stats,
    s.clock,
    {
      verifyFraction: 1,
      ratePerSecond: 1_000,
      burst: 1_000,
      ...options,
    },
    s.repo,
  );
  const pid = joined.participantId;
  const submit = (samples: SampleInput[]) => service.submit(live, pid, round.id, samples);
  const counted = () => live.round!.aggregator.stats(s.clock.now(), true).n;
  const stored = () => db.prisma.sample.count({ where: { roundId: round.id } });
  return { ...s, clock: s.clock, live, pid, round, submit, counted, stored };
}

const statuses = (r: { results: { status: string }[] }) => r.results.map((x) => x.status);

describe("SampleService", () => {
  it("rate-limits fresh samples with a token bucket refilled by the clock, capped at the burst", async () => {
    const t = await setup({ ratePerSecond: 10, burst: 20 });
    const samples = phoneSamples(t.round, t.pid, 0, 60);
    const limited = { code: ErrorCode.RATE_LIMITED };
    expect(statuses(await t.submit(samples.slice(0, 20)))).toEqual(Array(20).fill("accepted"));
    await expect(t.submit(samples.slice(20, 21))).rejects.toMatchObject(limited);
    // resending what is stored costs nothing, even with an empty bucket
    expect(statuses(await t.submit(samples.slice(0, 5)))).toEqual(Array(5).fill("accepted"));
    t.clock.advance(100); // 10/s × 0.1 s = one token
    expect(statuses(await t.submit(samples.slice(20, 21)))).toEqual(["accepted"]);
    await expect(t.submit(samples.slice(21, 22))).rejects.toMatchObject(limited);
    t.clock.advance(250); // 2.5 tokens: two samples pass, three do not
    await expect(t.submit(samples.slice(21, 24))).rejects.toMatchObject(limited);
    expect(statuses(await t.submit(samples.slice(21, 23)))).toEqual(["accepted", "accepted"]);
    t.clock.advance(60_000); // refills to the burst, not beyond
    await expect(t.submit(samples.slice(23, 44))).rejects.toMatchObject(limited);
    expect(statuses(await t.submit(samples.slice(23, 43)))).toHaveLength(20);
    await expect(t.submit(samples.slice(43, 44))).rejects.toMatchObject(limited);
    expect(await t.stored()).toBe(43);
    expect(t.counted()).toBe(43);
  });

  it("verifies the configured fraction of samples, the same ones on every resend", async () => {
    const t = await setup({ verifyFraction: 0.5 });
    const row = t.live.round!.row;
    const settings = decodingOf(row);
    const entry = models().get(row.modelId)!;
    const decoder = models().decoder(entry.model, settings);
    const honest = phoneSamples(t.round, t.pid, 0, 200);
    // completions the round's settings can produce, drawn from another seed: not the seed's samples
    const forged = honest
      .map((h) => ({
        index: h.index,
        tokens: generate(
          entry.model,
          row.promptTokens,
          settings,
          createRng(row.seed ^ 1, h.index),
          3,
          decoder,
        ).tokens,
        honest: h.tokens,
      }))
      .filter((f) => f.tokens.join() !== f.honest.join())
      .map(({ index, tokens }) => ({ index, tokens }));
    expect(forged.length).toBeGreaterThan(50);
    const verified = (i: number) => hashString32(`${t.pid}:${i}`) / 2 ** 32 < 0.5;
    const expected = forged.map((f) => (verified(f.index) ? "rejected" : "accepted"));
    // the configured fraction: over 10,000 indices of this (random) participant, 0.5 ± 0.03 (six standard
    // deviations of a fair coin); the forged batch below then holds both kinds (~45 of each)
    const share = Array.from({ length: 10_000 }, (_, i) => verified(i)).filter(Boolean).length / 10_000;
    expect(Math.abs(share - 0.5)).toBeLessThan(0.03);
    const rejected = expected.filter((s) => s === "rejected").length;
    expect(Math.min(rejected, forged.length - rejected)).toBeGreaterThanOrEqual(10);

    // [SW1] the server takes indices only in order: after each batch the phone sends the seed's own samples up to
    // the batch's last index (the refused and the skipped ones; resends of stored ones are answered accepted)
    const fill = async (upTo: number) => {
      const own = honest.filter((h) => h.index <= upTo);
      for (let k = 0; k < own.length; k += 100) {
        const batch = own.slice(k, k + 100);
        expect(statuses(await t.submit(batch))).toEqual(batch.map(() => "accepted"));
      }
    };
    for (let i = 0; i < forged.length; i += 50) {
      const r = await t.submit(forged.slice(i, i + 50));
      expect(statuses(r)).toEqual(expected.slice(i, i + 50));
      for (const x of r.results) if (x.status === "rejected") expect(x.code).toBe(ErrorCode.SAMPLE_MISMATCH);
      if (i === 0) {
        // a resend is checked the same way: the rejected ones stay rejected, the stored ones stay accepted
        expect(statuses(await t.submit(forged.slice(0, 50)))).toEqual(expected.slice(0, 50));
        expect(await t.stored()).toBe(expected.slice(0, 50).filter((x) => x === "accepted").length);
      }
      await fill(forged[Math.min(i + 50, forged.length) - 1]!.index);
    }
    await fill(199);
    expect(await t.stored()).toBe(200);
    const kept = await db.prisma.sample.findMany({
      where: { roundId: t.round.id },
      select: { idx: true, tokens: true },
    });
    const forgedAt = new Map(forged.map((f) => [f.index, f.tokens.join()]));
    expect(kept.filter((k) => forgedAt.get(k.idx) === k.tokens.join())).toHaveLength(
      forged.length - rejected,
    );

    // an impossible completion is refused whether or not it is verified
    const bad = [0, 1, 2, 3].map((index) => ({ index: 200 + index, tokens: [10_000_000] }));
    const r = await t.submit(bad);
    expect(r.results.map((x) => (x.status === "rejected" ? x.code : x.status))).toEqual(
      Array(4).fill(ErrorCode.INVALID_SAMPLE),
    );
  });

  it("[SW1] takes fresh indices only in order from the first unstored one, on every process", async () => {
    const t = await setup();
    // a second server process over the same database: its view of the stored samples is loaded now, and lags
    const other = services(db);
    const otherLive = await other.live.get(t.live.session.id);
    const otherService = new SampleService(
      new SampleWriter(other.repo),
      other.stats,
      other.clock,
      { verifyFraction: 1, ratePerSecond: 1_000, burst: 1_000 },
      other.repo,
    );
    const samples = phoneSamples(t.round, t.pid, 0, 450);
    const codes = (r: { results: SampleResult[] }) =>
      r.results.map((x) => (x.status === "rejected" ? x.code : x.status));
    const at = (from: number, to: number) => samples.slice(from, to);

    expect(statuses(await t.submit(at(0, 10)))).toEqual(Array(10).fill("accepted"));
    const far = await t.submit(at(150, 151));
    expect(codes(far)).toEqual([ErrorCode.OUT_OF_ORDER]);
    expect(far.results[0]).toMatchObject({
      message: expect.stringMatching(/in order, starting at index 10/) as string,
    });
    // the window is 10..109: 109 is taken (a gap stays a gap), 110 is not
    expect(codes(await t.submit(at(109, 111)))).toEqual(["accepted", ErrorCode.OUT_OF_ORDER]);
    expect(await t.repo.participantProgress(t.round.id, t.pid)).toEqual({ stored: 11, nextIndex: 10 });
    // filling the gap moves the window; a full batch in order slides it along
    expect(statuses(await t.submit(at(10, 109)))).toEqual(Array(99).fill("accepted"));
    expect(statuses(await t.submit(at(110, 210)))).toEqual(Array(100).fill("accepted"));
    expect(statuses(await t.submit(at(0, 5)))).toEqual(Array(5).fill("accepted"));
    expect(await t.stored()).toBe(210);
    expect(await t.repo.participantProgress(t.round.id, t.pid)).toEqual({ stored: 210, nextIndex: 210 });

    // the other process has not seen those: it reads the database before refusing anything
    const submitOther = (batch: SampleInput[]) => otherService.submit(otherLive, t.pid, t.round.id, batch);
    expect(statuses(await submitOther(at(210, 310)))).toEqual(Array(100).fill("accepted"));
    expect(codes(await submitOther([...at(5, 6), ...at(410, 411)]))).toEqual([
      "accepted",
      ErrorCode.OUT_OF_ORDER,
    ]);
    expect(await t.stored()).toBe(310);
  });

  it("with verification off, accepts any completion the settings can produce", async () => {
    const t = await setup({ verifyFraction: 0 });
    const seed = participantSeed(t.round.seed, t.pid);
    const other = phoneSamples({ ...t.round, seed: t.round.seed + 1 }, t.pid, 0, 10);
    expect(
      other.some((o, i) => o.tokens.join() !== phoneSamples(t.round, t.pid, i, 1)[0]!.tokens.join()),
    ).toBe(true);
    expect(seed).not.toBe(participantSeed(t.round.seed + 1, t.pid));
    expect(statuses(await t.submit(other))).toEqual(Array(10).fill("accepted"));
  });

  it("answers a resend that arrives during the write with the original's outcome, storing it once", async () => {
    let gate!: ReturnType<typeof gatedWriter>;
    const t = await setup({ ratePerSecond: 1, burst: 4 }, (repo) => (gate = gatedWriter(repo)).writer);
    const samples = phoneSamples(t.round, t.pid, 0, 4);
    const first = t.submit(samples.slice(0, 3));
    await expect.poll(() => gate.waiting()).toBe(1);
    // the resend overlaps the write: it neither writes again nor spends the (nearly empty) bucket
    const resend = t.submit(samples);
    // only index 3 is new: it queues behind the running insert (group commit)
    await expect.poll(() => gate.writer.pending).toBe(1);
    gate.release();
    expect(statuses(await first)).toEqual(Array(3).fill("accepted"));
    await expect.poll(() => gate.waiting()).toBe(1);
    gate.release();
    expect(gate.inserts.map((rows) => rows.map((r) => r.index))).toEqual([[0, 1, 2], [3]]);
    expect(statuses(await resend)).toEqual(Array(4).fill("accepted"));
    expect(await t.stored()).toBe(4);
    expect(t.counted()).toBe(4);
  });

  it("when the write fails: the batch gets UNAVAILABLE, the waiting resend a per-sample retry, a later resend stores once", async () => {
    let gate!: ReturnType<typeof gatedWriter>;
    const t = await setup({}, (repo) => (gate = gatedWriter(repo)).writer);
    const samples = phoneSamples(t.round, t.pid, 0, 2);
    const first = t.submit(samples);
    await expect.poll(() => gate.waiting()).toBe(1);
    const resend = t.submit(samples);
    await expect.poll(() => gate.inserts.length).toBe(1);
    gate.fail();
    await expect(first).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    const r = await resend;
    expect(r.results).toEqual(
      samples.map((s) => ({
        index: s.index,
        status: "rejected",
        code: ErrorCode.UNAVAILABLE,
        message: "not stored; resend",
      })),
    );
    expect(await t.stored()).toBe(0);
    expect(t.counted()).toBe(0);
    const again = t.submit(samples);
    await expect.poll(() => gate.waiting()).toBe(1);
    gate.release();
    expect(statuses(await again)).toEqual(["accepted", "accepted"]);
    expect(await t.stored()).toBe(2);
    expect(t.counted()).toBe(2);
  });
});
