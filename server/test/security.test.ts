/**
 * Trust boundaries (docs/security.md): attacks by a student's phone, reproduced against a real server over real
 * sockets, and the defended outcome. Test names carry the rule ids of shared/SPEC.md.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRng,
  ErrorCode,
  generate,
  LIMITS,
  nextTokenDistribution,
  participantSeed,
  type RoundStats,
  type SampleInput,
  type StudentSnapshot,
  type SubmitResult,
} from "@tokenroom/shared";
import {
  type Booted,
  boot,
  call,
  type ClientSocket,
  expectOk,
  models,
  next,
  phoneSamples,
  startToyRound,
} from "./boot.ts";
import { openDatabase, type Database } from "../src/store/database.ts";
import { pgliteDataDir } from "./pglite.ts";

const W = LIMITS.sampleWindow;

/** The answer per sample: "accepted" or the rejection's code. */
const outcomes = (r: SubmitResult) => r.results.map((x) => (x.status === "rejected" ? x.code : x.status));

async function submit(socket: ClientSocket, roundId: string, samples: SampleInput[]): Promise<SubmitResult> {
  const results: SubmitResult["results"] = [];
  for (let i = 0; i < samples.length; i += LIMITS.samplesPerBatch) {
    const batch = samples.slice(i, i + LIMITS.samplesPerBatch);
    results.push(
      ...(await expectOk(call<SubmitResult>(socket, "sample:submit", { roundId, samples: batch }))).results,
    );
  }
  return { results };
}

/**
 * A second, naive statement of [SW1]: walking the indices in order, a fresh index is taken iff it lies below the
 * first index not yet taken plus W.
 */
function naiveWindow(stored: Set<number>, indices: number[]): Set<number> {
  const taken = new Set(stored);
  for (const i of [...indices].sort((a, b) => a - b)) {
    let first = 0;
    while (taken.has(first)) first++;
    if (i < first + W) taken.add(i);
  }
  for (const i of stored) taken.delete(i);
  return taken;
}

describe("trust boundaries: a student's phone", () => {
  let db: Database;
  let t: Booted;
  beforeAll(async () => {
    db = await openDatabase({ kind: "pglite", dataDir: pgliteDataDir() });
    t = await boot({ db });
  });
  afterAll(async () => {
    await t.cleanup();
    await db.close();
  });

  /** A room with a host, an open toy round, and the round's rarest first token. */
  async function room() {
    const { socket: host, session } = await t.host();
    const round = await startToyRound(host);
    const dist = nextTokenDistribution(models().get("toy")!.model, round.promptTokens, round);
    const rare = dist.ids[dist.ids.length - 1]!;
    return { host, session, round, rare, pRare: dist.probs[dist.ids.length - 1]! };
  }

  it("[SW1] cherry-picked indices are not counted: only the window after the first unstored index is taken", async () => {
    const { host, session, round, rare, pRare } = await room();
    const honest = await t.student(session.code, "Ada");
    const mallory = await t.student(session.code, "Mallory");
    const mid = mallory.joined.participantId;

    const ada = phoneSamples(round, honest.joined.participantId, 0, 300);
    expect(outcomes(await submit(honest.socket, round.id, ada))).toEqual(ada.map(() => "accepted"));

    // the attack: sample 3000 seeds locally, submit only those whose first token is the rarest word
    const all = phoneSamples(round, mid, 0, 3000);
    const picked = all.filter((s) => s.tokens[0] === rare);
    expect(picked.length).toBeGreaterThan(20);
    const r = await submit(mallory.socket, round.id, picked);
    const taken = naiveWindow(
      new Set(),
      picked.map((s) => s.index),
    );
    expect(outcomes(r)).toEqual(
      picked.map((s) => (taken.has(s.index) ? "accepted" : ErrorCode.OUT_OF_ORDER)),
    );
    expect(taken.size).toBeLessThanOrEqual(W);
    for (const x of r.results) {
      if (x.status === "rejected") expect(x.message).toMatch(/send samples in order, starting at index \d+/);
    }

    // the class counts are exactly Ada's samples and Mallory's taken ones: the refused ones changed nothing
    const counted = [...ada, ...picked.filter((s) => taken.has(s.index))];
    const stats: RoundStats = await next(
      host,
      "round:stats",
      (s) => s.roundId === round.id && s.n === counted.length,
    );
    const rareCount = stats.firstToken.counts.find((c) => c.id === rare)?.count ?? 0;
    expect(rareCount).toBe(counted.filter((s) => s.tokens[0] === rare).length);
    expect(await db.prisma.sample.count({ where: { roundId: round.id, participantId: mid } })).toBe(
      taken.size,
    );
    // all Mallory can do now is send in order: the counted samples become exactly the seed's first ones
    const inOrder = all.slice(0, 1000);
    expect(outcomes(await submit(mallory.socket, round.id, inOrder))).toEqual(inOrder.map(() => "accepted"));
    const rows = await db.prisma.sample.findMany({
      where: { roundId: round.id, participantId: mid },
      orderBy: { idx: "asc" },
    });
    expect(rows.map((x) => [x.idx, x.tokens])).toEqual(inOrder.map((x) => [x.index, x.tokens]));
    if (process.env.SECURITY_FIGURES) {
      const share = (xs: SampleInput[]) => xs.filter((x) => x.tokens[0] === rare).length / xs.length;
      console.log(
        JSON.stringify({
          pRare,
          picked: picked.length,
          takenOfPicked: taken.size,
          shareBefore: share(picked),
          shareAfterAttack: share(picked.filter((x) => taken.has(x.index))),
          classShareUnprotected: share([...ada, ...picked]),
          classShareAfterAttack: share(counted),
          shareInOrder: share(inOrder),
        }),
      );
    }
  });

  it("[SW2] resends of stored samples are still accepted and counted once, in or out of the window", async () => {
    const { host, session, round } = await room();
    const s = await t.student(session.code, "Ada");
    const samples = phoneSamples(round, s.joined.participantId, 0, 250);
    expect(outcomes(await submit(s.socket, round.id, samples))).toEqual(samples.map(() => "accepted"));
    // old indices far below the window, and a batch mixing resends with fresh in-order ones
    const again = [...samples.slice(0, 20), ...phoneSamples(round, s.joined.participantId, 250, 30)];
    expect(outcomes(await submit(s.socket, round.id, again))).toEqual(again.map(() => "accepted"));
    await next(host, "round:stats", (x) => x.roundId === round.id && x.n === 280);
    expect(await db.prisma.sample.count({ where: { roundId: round.id } })).toBe(280);
  });

  it("[SW3] honest in-order batches are never refused: across a reconnect, a second process and a restart", async () => {
    const { session, round } = await room();
    const s = await t.student(session.code, "Ada");
    const pid = s.joined.participantId;
    const resume = { participantId: pid, resumeToken: s.joined.resumeToken };
    const samples = phoneSamples(round, pid, 0, 700);
    const send = async (socket: ClientSocket, from: number, to: number) =>
      expect(outcomes(await submit(socket, round.id, samples.slice(from, to)))).toEqual(
        samples.slice(from, to).map(() => "accepted"),
      );
    await send(s.socket, 0, 100);
    // a batch whose ack is lost: the phone keeps it and resends it after resuming, then goes on
    const lost = call<SubmitResult>(s.socket, "sample:submit", {
      roundId: round.id,
      samples: samples.slice(100, 200),
    });
    s.socket.disconnect();
    await lost.catch(() => undefined);
    const again = await t.socket();
    const snap = await expectOk(call<StudentSnapshot>(again, "student:resume", resume));
    expect([100, 200]).toContain(snap.nextIndex);
    await send(again, 100, 300);

    // a second server process over the same database, whose view of Ada's samples is loaded now and then lags
    const other = await boot({ db });
    try {
      const there = await other.socket();
      expect((await expectOk(call<StudentSnapshot>(there, "student:resume", resume))).nextIndex).toBe(300);
      await send(again, 300, 400); // the first process stores these…
      await send(there, 400, 500); // …and the second reads them from the database before judging the window
    } finally {
      await other.cleanup();
    }

    // a restart: a fresh server loads the open round from the database
    const restarted = await boot({ db });
    try {
      const back = await restarted.socket();
      const resumed = await expectOk(call<StudentSnapshot>(back, "student:resume", resume));
      expect(resumed).toMatchObject({ nextIndex: 500, acked: 500 });
      await send(back, 450, 700);
    } finally {
      await restarted.cleanup();
    }
    expect(await db.prisma.sample.count({ where: { roundId: round.id } })).toBe(700);
  });

  it("[SW4] an index beyond the window says what to do and changes nothing", async () => {
    const { session, round } = await room();
    const s = await t.student(session.code, "Ada");
    const samples = phoneSamples(round, s.joined.participantId, 0, 10 + W + 1);
    await submit(s.socket, round.id, samples.slice(0, 10));
    const r = await submit(s.socket, round.id, samples.slice(10 + W));
    expect(r.results).toEqual([
      {
        index: 10 + W,
        status: "rejected",
        code: ErrorCode.OUT_OF_ORDER,
        message: `sample ${10 + W} is out of order: send samples in order, starting at index 10, the first one not stored yet (indices up to ${10 + W - 1} are taken now)`,
      },
    ]);
    expect(await db.prisma.sample.count({ where: { roundId: round.id } })).toBe(10);
    const snap = await expectOk(
      call<StudentSnapshot>(await t.socket(), "student:resume", {
        participantId: s.joined.participantId,
        resumeToken: s.joined.resumeToken,
      }),
    );
    expect(snap).toMatchObject({ nextIndex: 10, acked: 10 });
  });

  it("[V2] junk samples are refused, honest ones stored with generate's own log-prob", async () => {
    const { session, round } = await room();
    const s = await t.student(session.code, "Ada");
    const pid = s.joined.participantId;
    const entry = models().get(round.modelId)!;
    const seed = participantSeed(round.seed, pid);
    const gens = Array.from({ length: 50 }, (_, i) =>
      generate(entry.model, round.promptTokens, round, createRng(seed, i), round.maxTokens),
    );
    // junk: same length, a first token the seed does not draw, then tokens that could not follow it
    const junk = gens.map((g, index) => ({
      index,
      tokens: g.tokens.map((t, k) => (k === 0 ? (t + 1) % entry.model.vocab.length : t)),
    }));
    const refused = await submit(s.socket, round.id, junk);
    for (const x of refused.results) {
      expect(x).toMatchObject({ status: "rejected" });
      if (x.status === "rejected")
        expect([ErrorCode.SAMPLE_MISMATCH, ErrorCode.INVALID_SAMPLE]).toContain(x.code);
    }
    const ok = await submit(
      s.socket,
      round.id,
      gens.map((g, index) => ({ index, tokens: g.tokens })),
    );
    expect(outcomes(ok)).toEqual(gens.map(() => "accepted"));
    const rows = await db.prisma.sample.findMany({ where: { roundId: round.id }, orderBy: { idx: "asc" } });
    // the engine's sum is bit for bit generate's (shared sampling.test.ts [V2]); the float8 column keeps 15+ digits
    const expected = gens.map((g) => g.probs.reduce((a, p) => a + Math.log(p), 0));
    rows.forEach((r, i) => expect(r.logProb).toBeCloseTo(expected[i]!, 12));
  });
});
