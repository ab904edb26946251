/** The core loop over real sockets and a real database (PGlite in memory, and PostgreSQL on 127.0.0.1). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ErrorCode,
  type HostSnapshot,
  nextTokenDistribution,
  PROTOCOL_VERSION,
  type RoundStats,
  type StudentSnapshot,
  type SubmitResult,
  type TheoryView,
} from "@tokenroom/shared";
import {
  type Booted,
  boot,
  call,
  expectOk,
  models,
  next,
  phoneSamples,
  startToyRound,
  targets,
  toyRound,
} from "./boot.ts";
import { openDatabase, type Database } from "../src/store/database.ts";
import { textbookFirstTokenKlBits } from "./seeded-samples.ts";

describe.each(targets)("live session on $name", ({ target }) => {
  let db: Database;
  let t: Booted;
  beforeAll(async () => {
    db = await openDatabase(await target());
    t = await boot({ db });
  });
  afterAll(async () => {
    await t.cleanup();
    await db.close();
  });

  it("creates sessions over REST and reports health", async () => {
    const s = await t.createSession("Lecture 1");
    expect(s.code).toMatch(/^[ACDEFGHJKMNPQRTUVWXY34679]{6}$/);
    expect(s.joinUrl).toBe(`http://tokenroom.test/join/${s.code}`);
    expect(s.hostKey.length).toBeGreaterThanOrEqual(24);
    const row = await db.prisma.session.findUnique({ where: { id: s.sessionId } });
    expect(row?.hostKeyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.hostKeyHash).not.toContain(s.hostKey);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/api/rooms/${s.code}`)).status).toBe(200);
    expect((await fetch(`${t.url}/api/rooms/AAAAAA`)).status).toBe(404);
  });

  it("runs a round: join, start, sample, stats, duplicates, reveal, close", async () => {
    const { socket: host, session } = await t.host();
    const a = await t.student(session.code, "  Ada   Lovelace ");
    expect(a.joined.snapshot.participant.nickname).toBe("Ada Lovelace");
    const taken = await call(await t.socket(), "student:join", {
      code: session.code,
      nickname: "ada lovelace",
    });
    expect(taken).toMatchObject({ ok: false, error: { code: ErrorCode.NICKNAME_TAKEN } });
    const wrong = await call(await t.socket(), "student:join", { code: "AAAAAA", nickname: "x" });
    expect(wrong).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });

    // students cannot act as the host
    expect(await call(a.socket, "round:start", toyRound())).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });

    let studentTheory = false;
    a.socket.on("round:theory", () => (studentTheory = true));
    const started = next(a.socket, "round:started");
    const hostTheory = next(host, "round:theory");
    const round = await startToyRound(host);
    expect(round.promptTokens).toEqual([4]);
    expect(round.hideUntilReveal).toBe(true); // [RV1] on unless the host turns it off
    expect((await started).id).toBe(round.id);
    const theory: TheoryView = await hostTheory;
    expect(theory.top.map((x) => x.token)[0]).toBe("mouse");
    expect(theory.top.reduce((s, x) => s + x.p, 0) + theory.otherP).toBeCloseTo(1, 12);

    // a late joiner gets the running round
    const b = await t.student(session.code, "Grace");
    expect(b.joined.snapshot.round?.id).toBe(round.id);

    const aId = a.joined.participantId;
    const bId = b.joined.participantId;
    const aSamples = phoneSamples(round, aId, 0, 30);
    const bSamples = phoneSamples(round, bId, 0, 20);
    const r1 = await expectOk(
      call<SubmitResult>(a.socket, "sample:submit", { roundId: round.id, samples: aSamples }),
    );
    expect(r1.results.every((r) => r.status === "accepted")).toBe(true);
    await expectOk(call<SubmitResult>(b.socket, "sample:submit", { roundId: round.id, samples: bSamples }));
    // a resend after a lost ack: same answer, counted once
    const again = await expectOk(
      call<SubmitResult>(a.socket, "sample:submit", { roundId: round.id, samples: aSamples.slice(0, 10) }),
    );
    expect(again.results.map((r) => r.status)).toEqual(Array(10).fill("accepted"));

    const stats: RoundStats = await next(host, "round:stats", (s) => s.roundId === round.id && s.n === 50);
    expect(stats.contributors).toBe(2);
    expect(stats.firstToken.counts.reduce((s, c) => s + c.count, 0) + stats.firstToken.otherCount).toBe(50);
    // KL(empirical ‖ theory) of the first tokens, by the textbook formula over the samples sent above
    const q = nextTokenDistribution(models().get("toy")!.model, round.promptTokens, round);
    const kl = textbookFirstTokenKlBits(q, [...aSamples, ...bSamples]);
    expect(kl).toBeGreaterThan(0);
    expect(stats.firstToken.klBits).toBeCloseTo(kl, 10);
    expect(stats.firstToken.entropyBits).toBeCloseTo(theory.entropyBits, 12);
    expect(await db.prisma.sample.count({ where: { roundId: round.id } })).toBe(50);
    expect(studentTheory).toBe(false);

    // a sample the settings cannot produce, and one that is possible but not the seed's
    const impossible = await expectOk(
      call<SubmitResult>(a.socket, "sample:submit", {
        roundId: round.id,
        samples: [{ index: 100, tokens: [0, 1] }],
      }),
    );
    expect(impossible.results[0]).toMatchObject({ status: "rejected", code: ErrorCode.INVALID_SAMPLE });
    const other = phoneSamples(round, bId, 100, 5).find(
      (s) => s.tokens.join() !== phoneSamples(round, aId, 100, 1)[0]!.tokens.join(),
    )!;
    const forged = await expectOk(
      call<SubmitResult>(a.socket, "sample:submit", {
        roundId: round.id,
        samples: [{ index: 100, tokens: other.tokens }],
      }),
    );
    expect(forged.results[0]).toMatchObject({ status: "rejected", code: ErrorCode.SAMPLE_MISMATCH });
    expect(await db.prisma.sample.count({ where: { roundId: round.id } })).toBe(50);

    // reveal: students now get the theory and the class statistics
    const revealedTheory = next(a.socket, "round:theory");
    await expectOk(call(host, "round:reveal", { roundId: round.id }));
    expect((await revealedTheory).top[0]!.token).toBe("mouse");
    const more = phoneSamples(round, aId, 30, 5);
    await expectOk(call(a.socket, "sample:submit", { roundId: round.id, samples: more }));
    const studentStats = await next(a.socket, "round:stats", (s) => s.n === 55);
    expect(studentStats.firstToken.klBits).not.toBeNull();

    await expectOk(call(host, "round:close", { roundId: round.id }));
    const closed = await call(a.socket, "sample:submit", {
      roundId: round.id,
      samples: phoneSamples(round, aId, 40, 1),
    });
    expect(closed).toMatchObject({ ok: false, error: { code: ErrorCode.ROUND_CLOSED } });
    expect(await db.prisma.sample.count({ where: { roundId: round.id } })).toBe(55);
  });

  it("[TM1] carries the round timer through round:start, the broadcast, snapshots and the database", async () => {
    const { socket: host, session } = await t.host();
    const a = await t.student(session.code, "Timer");
    const started = next(a.socket, "round:started");
    const before = Date.now();
    const round = await startToyRound(host, { timerSeconds: 10 });
    expect(round.timerSeconds).toBe(10);
    expect(round.endsAt).toBe(Date.parse(round.startedAt) + 10_000);
    expect(round.serverNow).toBeGreaterThanOrEqual(before);
    expect(await started).toMatchObject({ id: round.id, timerSeconds: 10, endsAt: round.endsAt });
    // a phone joining late and a host re-attaching get the same deadline from the stored round
    const late = await t.student(session.code, "Late");
    expect(late.joined.snapshot.round).toMatchObject({ timerSeconds: 10, endsAt: round.endsAt });
    const again = await expectOk(
      call<HostSnapshot>(await t.socket(), "host:attach", {
        sessionId: session.sessionId,
        hostKey: session.hostKey,
      }),
    );
    expect(again.round).toMatchObject({ timerSeconds: 10, endsAt: round.endsAt });
    const row = await db.prisma.round.findUnique({ where: { id: round.id } });
    expect(row?.timerSeconds).toBe(10);
    // the server does not close the round when the time is up: that stays the host's decision
    expect(row?.closedAt).toBeNull();
    // without the setting there is no timer
    const plain = await startToyRound(host);
    expect(plain).toMatchObject({ timerSeconds: null, endsAt: null });
    const tooShort = await call(host, "round:start", toyRound({ timerSeconds: 5 }));
    expect(tooShort).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
  });

  it("resumes a student as the same participant and removes participants", async () => {
    const { socket: host, session } = await t.host();
    const a = await t.student(session.code, "Alan");
    const round = await startToyRound(host, { maxTokens: 2 });
    await expectOk(
      call(a.socket, "sample:submit", {
        roundId: round.id,
        samples: phoneSamples(round, a.joined.participantId, 0, 7),
      }),
    );
    a.socket.disconnect();

    const again = await t.socket();
    const resumed = await expectOk(
      call<StudentSnapshot>(again, "student:resume", {
        participantId: a.joined.participantId,
        resumeToken: a.joined.resumeToken,
      }),
    );
    expect(resumed.participant.id).toBe(a.joined.participantId);
    expect(resumed.round?.id).toBe(round.id);
    expect(resumed.nextIndex).toBe(7);
    expect(resumed.acked).toBe(7);
    const forged = await call(await t.socket(), "student:resume", {
      participantId: a.joined.participantId,
      resumeToken: "x".repeat(32),
    });
    expect(forged).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    expect(await db.prisma.participant.count({ where: { sessionId: session.sessionId } })).toBe(1);

    const removed = next(again, "participant:removed");
    await expectOk(call(host, "participant:remove", { participantId: a.joined.participantId }));
    await removed;
    const back = await call(await t.socket(), "student:resume", {
      participantId: a.joined.participantId,
      resumeToken: a.joined.resumeToken,
    });
    expect(back).toMatchObject({ ok: false, error: { code: ErrorCode.REMOVED } });
  });

  it("locks the room and ends the session", async () => {
    const { socket: host, session } = await t.host();
    await expectOk(call(host, "session:lock", { locked: true }));
    expect(
      await call(await t.socket(), "student:join", { code: session.code, nickname: "Late" }),
    ).toMatchObject({
      ok: false,
      error: { code: ErrorCode.ROOM_LOCKED },
    });
    await expectOk(call(host, "session:lock", { locked: false }));
    const s = await t.student(session.code, "Late");
    const ended = next(s.socket, "session:ended");
    await expectOk(call(host, "session:end", {}));
    expect((await ended).ended).toBe(true);
    expect(
      await call(await t.socket(), "student:join", { code: session.code, nickname: "Later" }),
    ).toMatchObject({
      ok: false,
      error: { code: ErrorCode.SESSION_ENDED },
    });
  });

  it("rejects bad input with a code and changes nothing", async () => {
    const { socket: host, session } = await t.host();
    const s = await t.socket();
    expect(
      await call(s, "host:attach", { sessionId: session.sessionId, hostKey: "f".repeat(32) }),
    ).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    expect(await call(s, "round:start", toyRound())).toMatchObject({
      ok: false,
      error: { code: ErrorCode.FORBIDDEN },
    });
    expect(await call(s, "no:such:event", {})).toMatchObject({
      ok: false,
      error: { code: ErrorCode.BAD_REQUEST },
    });
    expect(await call(host, "round:start", toyRound({ temperature: -1 }))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.BAD_REQUEST },
    });
    expect(await call(host, "round:start", toyRound({ topP: 0 }))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.BAD_REQUEST },
    });
    expect(await call(host, "round:start", toyRound({ modelId: "nope" }))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.UNKNOWN_MODEL },
    });
    expect(await call(host, "round:start", toyRound({ prompt: "the dog" }))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.INVALID_SETTINGS },
    });
    expect(
      await call(s, "sample:submit", { roundId: "r", samples: [{ index: 0, tokens: [1] }] }),
    ).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_JOINED },
    });
    expect(await call(s, "sample:submit", "garbage")).toMatchObject({
      ok: false,
      error: { code: ErrorCode.BAD_REQUEST },
    });
    expect(await db.prisma.round.count({ where: { sessionId: session.sessionId } })).toBe(0);
  });

  it("refuses a socket that speaks another protocol version", async () => {
    await expect(t.socket({ protocol: PROTOCOL_VERSION + 1 })).rejects.toThrow(/protocol/);
    await expect(t.socket({})).rejects.toThrow(/protocol/);
  });
});

describe("rate limit", () => {
  let t: Booted;
  beforeAll(async () => {
    t = await boot({ sampleRatePerSecond: 5, sampleBurst: 20 });
  });
  afterAll(() => t.cleanup());

  it("stops a flooding participant without affecting another", async () => {
    const { socket: host, session } = await t.host();
    const flood = await t.student(session.code, "Flood");
    const calm = await t.student(session.code, "Calm");
    const round = await startToyRound(host);
    const ok1 = await call(flood.socket, "sample:submit", {
      roundId: round.id,
      samples: phoneSamples(round, flood.joined.participantId, 0, 20),
    });
    expect(ok1.ok).toBe(true);
    const limited = await call(flood.socket, "sample:submit", {
      roundId: round.id,
      samples: phoneSamples(round, flood.joined.participantId, 20, 20),
    });
    expect(limited).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
    const calmOk = await call(calm.socket, "sample:submit", {
      roundId: round.id,
      samples: phoneSamples(round, calm.joined.participantId, 0, 10),
    });
    expect(calmOk.ok).toBe(true);
    expect(await t.db.prisma.sample.count({ where: { roundId: round.id } })).toBe(30);
  });
});
