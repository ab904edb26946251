/**
 * Bounded memory (docs/security.md [MEM1]–[MEM3]): ended and idle live sessions leave memory and come back from
 * the database intact; trained models and decoders share one LRU with a byte budget; the retention sweep deletes
 * exactly the expired ended sessions.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed, vi } from "vitest";
import {
  builtinModels,
  type LanguageModel,
  type ModelSummary,
  type StudentSnapshot,
  type SubmitResult,
} from "@tokenroom/shared";
import {
  loadModelRegistry,
  MODEL_BYTES_PER_ARTIFACT_CHAR,
  type RegisteredModel,
} from "../src/models/registry.ts";
import { systemClock } from "../src/clock.ts";
import { createLogger } from "../src/logger.ts";
import { CustomModelStore } from "../src/store/models.ts";
import { retentionSweep, scheduleRetention } from "../src/store/retention.ts";
import {
  attachHost,
  boot,
  type Booted,
  call,
  type ClientSocket,
  connectTo,
  createSessionAt,
  expectOk,
  joinAs,
  next,
  phoneSamples,
  startToyRound,
  testDatabaseUrl,
} from "./boot.ts";
import { startServer, type ServerProcess } from "../../test/support/process.ts";
import { type RedisServer, startRedis } from "./services.ts";

describe("[MEM1] idle and ended live sessions leave memory and come back from the database", () => {
  let t: Booted;
  beforeAll(async () => void (t = await boot()));
  afterAll(async () => t?.cleanup());

  /** Waits until the server has no socket left (clients disconnected), then sweeps with no idle time. */
  async function sweepWhenDetached() {
    await vi.waitFor(() => expect(t.app.io.of("/").sockets.size).toBe(0));
    return t.app.realtime.sessions.evictIdle(0);
  }

  it("keeps a session a socket is attached to, drops it once detached, and restores its round and counts", async () => {
    const host = await t.host("idle");
    const round = await startToyRound(host.socket);
    const ann = await t.student(host.session.code, "Ann");
    const pid = ann.joined.participantId;
    const first = phoneSamples(round, pid, 0, 5);
    const acked = await expectOk(
      call<SubmitResult>(ann.socket, "sample:submit", { roundId: round.id, samples: first }),
    );
    expect(acked.results.every((r) => r.status === "accepted")).toBe(true);

    // attached (host and student sockets): not idle, even with no idle time at all
    expect(await t.app.realtime.sessions.evictIdle(0)).toEqual({ evicted: 0, live: 1 });

    host.socket.disconnect();
    ann.socket.disconnect();
    expect(await sweepWhenDetached()).toEqual({ evicted: 1, live: 0 });

    // the host re-attaches with its key: the same round, with its 5 samples counted again from the database
    const again = await t.socket();
    const snapshot = await attachHost(again, host.session);
    expect(snapshot.round?.id).toBe(round.id);
    expect(snapshot.stats?.n).toBe(5);
    expect(snapshot.participants.map((p) => p.nickname)).toEqual(["Ann"]);
    expect(t.app.realtime.sessions.heldCount()).toBe(1);

    again.disconnect();
    expect(await sweepWhenDetached()).toEqual({ evicted: 1, live: 0 });

    // the student resumes with its token: its progress is intact and it goes on where it stopped
    const phone = await t.socket();
    const resumed = await expectOk(
      call<StudentSnapshot>(phone, "student:resume", {
        participantId: pid,
        resumeToken: ann.joined.resumeToken,
      }),
    );
    expect(resumed.round?.id).toBe(round.id);
    expect({ acked: resumed.acked, nextIndex: resumed.nextIndex }).toEqual({ acked: 5, nextIndex: 5 });
    const more = await expectOk(
      call<SubmitResult>(phone, "sample:submit", {
        roundId: round.id,
        samples: [...first.slice(3), ...phoneSamples(round, pid, 5, 3)],
      }),
    );
    expect(more.results.map((r) => r.status)).toEqual(Array(5).fill("accepted"));
    const count = await t.db.prisma.sample.count({ where: { roundId: round.id } });
    expect(count).toBe(8);
    phone.disconnect();
  });

  it("drops an ended session even while its sockets are still attached", async () => {
    const host = await t.host("ends");
    await startToyRound(host.socket);
    const bo = await t.student(host.session.code, "Bo");
    const before = t.app.realtime.sessions.heldCount();
    await expectOk(call(host.socket, "session:end", {}));
    const swept = await t.app.realtime.sessions.evictIdle(0);
    expect(swept.evicted).toBeGreaterThanOrEqual(1);
    expect(t.app.realtime.sessions.isHeld(host.session.sessionId)).toBe(false);
    expect(swept.live).toBeLessThan(before);
    // a socket of the dropped session leaving does not load it back
    const sockets = t.app.io.of("/").sockets.size;
    bo.socket.disconnect();
    await vi.waitFor(() => expect(t.app.io.of("/").sockets.size).toBe(sockets - 1));
    expect(t.app.realtime.sessions.isHeld(host.session.sessionId)).toBe(false);
    // coming back as ended: the host sees the ended session, with no round
    const snapshot = await attachHost(host.socket, host.session);
    expect({ ended: snapshot.session.ended, round: snapshot.round }).toEqual({ ended: true, round: null });
  });
});

const artifactSummaryOf = (m: LanguageModel): ModelSummary => ({
  id: m.id,
  name: m.id,
  description: "",
  hash: m.hash,
  vocabSize: m.vocab.length,
  order: 2,
  tokenizer: m.tokenizer.kind,
});

describe("[MEM2] trained models and decoders share one LRU bounded by MODEL_CACHE_MB", () => {
  const MB = 2 ** 20;
  /** A custom entry charged `chars` × MODEL_BYTES_PER_ARTIFACT_CHAR bytes (the toy model stands in for its model). */
  const custom = (id: string, chars: number): RegisteredModel => {
    const toy = builtinModels[0]!.create();
    return {
      summary: { ...artifactSummaryOf(toy), id, custom: true },
      model: { ...toy, id },
      artifactJson: "x".repeat(chars),
    };
  };
  const chars = (bytes: number) => Math.floor(bytes / MODEL_BYTES_PER_ARTIFACT_CHAR);

  it("evicts the least recently used model past the budget, and reloads it from the loader on next use", async () => {
    const registry = loadModelRegistry(undefined, MB);
    const loads: string[] = [];
    const stored = new Map(
      ["a", "b", "c"].map((k) => [`custom-${k}`, custom(`custom-${k}`, chars(0.4 * MB))]),
    );
    registry.setLoader((id) => {
      loads.push(id);
      return Promise.resolve(stored.get(id) ?? null);
    });
    registry.add(stored.get("custom-a")!);
    registry.add(stored.get("custom-b")!);
    registry.get("custom-a"); // a is used: b is now the least recently used
    registry.add(stored.get("custom-c")!);
    expect(["custom-a", "custom-b", "custom-c"].map((id) => registry.has(id))).toEqual([true, false, true]);
    expect(registry.cacheStats().bytes).toBeLessThanOrEqual(MB);

    const b = await registry.resolve("custom-b");
    expect(b?.summary.id).toBe("custom-b");
    expect(loads).toEqual(["custom-b"]);
    expect(registry.has("custom-a")).toBe(false); // a was the least recently used then
    // shipped models are pinned: never evicted, whatever the budget
    expect(registry.list().map((m) => m.id)).toEqual(expect.arrayContaining(["toy", "tiny-stories"]));
  });

  it("hands out a model larger than the whole budget without keeping it", async () => {
    const registry = loadModelRegistry(undefined, MB);
    const big = custom("custom-big", chars(2 * MB));
    registry.setLoader(() => Promise.resolve(big));
    expect(registry.add(big)).toBe(big);
    expect(registry.has("custom-big")).toBe(false);
    expect((await registry.resolve("custom-big"))?.summary.id).toBe("custom-big");
    expect(registry.cacheStats().bytes).toBe(0);
  });

  it("charges decoders what their caches hold, measured again by trim(), and keeps the total within the budget", () => {
    const registry = loadModelRegistry(undefined, MB);
    const model = registry.get("tiny-stories")!.model;
    // each setting is its own decoder; decoding many contexts fills their caches up to their own bound
    const contexts = model.vocab.slice(0, 400).map((_, i) => [i]);
    for (const temperature of [0.5, 0.7, 0.9, 1.1, 1.3, 1.5]) {
      const decoder = registry.decoder(model, { temperature, topK: 0, topP: 1 });
      for (const c of contexts) decoder.distribution(c);
    }
    const measured = registry.cacheStats().bytes;
    registry.trim();
    const stats = registry.cacheStats();
    expect(stats.bytes).toBeGreaterThan(measured); // they grew after they were last measured
    expect(stats.bytes).toBeLessThanOrEqual(MB);
    expect(stats.decoders).toBeGreaterThan(0);
    expect(stats.decoders).toBeLessThan(6); // the oldest went
    expect(registry.decoderTokens * 13).toBeLessThanOrEqual(MB / 4);
  });

  it("drops a model's decoders with the model", () => {
    const registry = loadModelRegistry(undefined, 64 * MB);
    const entry = registry.add(custom("custom-d", 1000));
    registry.decoder(entry.model, { temperature: 1, topK: 0, topP: 1 });
    registry.decoder(entry.model, { temperature: 0.5, topK: 0, topP: 1 });
    expect(registry.cacheStats()).toMatchObject({ models: 1, decoders: 2 });
    registry.remove("custom-d");
    expect(registry.cacheStats()).toMatchObject({ models: 0, decoders: 0 });
  });

  it("forgets and evicts a custom model it never built without building it (a build holds the event loop)", () => {
    const registry = loadModelRegistry(undefined, MB);
    let builds = 0;
    // as customEntry: a model read back from the database is built only when a round needs it
    const unbuilt = (id: string): RegisteredModel => {
      const entry = custom(id, chars(0.6 * MB));
      return {
        summary: entry.summary,
        artifactJson: entry.artifactJson,
        get model() {
          builds++;
          return entry.model;
        },
      };
    };
    registry.add(unbuilt("custom-e"));
    registry.remove("custom-e"); // a deleted session's model
    registry.add(unbuilt("custom-f"));
    registry.add(unbuilt("custom-g")); // over the budget: f is evicted
    expect(["custom-e", "custom-f", "custom-g"].map((id) => registry.has(id))).toEqual([false, false, true]);
    expect(builds).toBe(0);
  });
});

describe("[MEM3] the retention sweep deletes exactly the ended sessions older than RETENTION_DAYS", () => {
  let t: Booted;
  afterAll(async () => t?.cleanup());
  const DAY = 24 * 60 * 60 * 1000;

  /** A session with a round, a student, 3 samples and a guess row; ended `endedDaysAgo` days ago (null: never). */
  async function seeded(title: string, endedDaysAgo: number | null) {
    const host = await t.host(title);
    const round = await startToyRound(host.socket);
    const ann = await t.student(host.session.code, "Ann");
    const pid = ann.joined.participantId;
    await expectOk(
      call<SubmitResult>(ann.socket, "sample:submit", {
        roundId: round.id,
        samples: phoneSamples(round, pid, 0, 3),
      }),
    );
    await t.db.prisma.guess.create({
      data: { roundId: round.id, participantId: pid, distribution: [0.5, 0.5] },
    });
    const sessionId = host.session.sessionId;
    if (endedDaysAgo !== null) {
      await expectOk(call(host.socket, "session:end", {}));
      await t.db.prisma.session.update({
        where: { id: sessionId },
        data: { endedAt: new Date(Date.now() - endedDaysAgo * DAY) },
      });
    } else {
      await t.db.prisma.session.update({
        where: { id: sessionId },
        data: { createdAt: new Date(Date.now() - 400 * DAY) },
      });
    }
    return { sessionId, roundId: round.id };
  }

  it("deletes them with their rounds, samples, guesses and the trained models only they own", async () => {
    t = await boot();
    const old = await seeded("ended 200 days ago", 200);
    const recent = await seeded("ended 10 days ago", 10);
    const running = await seeded("never ended, created 400 days ago", null);
    const justPast = await seeded("ended 181 days ago", 181);
    const owner = await seeded("ended 200 days ago, owns a model alone", 200);
    const store = new CustomModelStore(t.db.prisma);
    const model = (n: number) => ({
      id: `custom-00000000000${n}`,
      hash: `h${n}`,
      name: `m${n}`,
      artifact: "{}",
      createdBySession: null,
    });
    await store.insert(model(1));
    await store.own(model(1).id, recent.sessionId);
    await store.own(model(1).id, justPast.sessionId); // shared: stays with the recent session
    await store.insert(model(2));
    await store.own(model(2).id, owner.sessionId); // only an expired session owns it: goes

    const forgotten: string[] = [];
    const forgottenModels: string[] = [];
    const deps = {
      prisma: t.db.prisma,
      clock: systemClock,
      days: 180,
      forgetSession: (id: string) => void forgotten.push(id),
      forgetModel: (id: string) => void forgottenModels.push(id),
      batch: 2, // several batches per table
    };
    expect(await retentionSweep(deps)).toEqual({ sessions: 3, models: 1 });
    const expired = [old, justPast, owner].map((s) => s.sessionId);
    expect(forgotten.sort()).toEqual([...expired].sort());
    expect(forgottenModels).toEqual([model(2).id]);

    const p = t.db.prisma;
    const kept = [recent, running].map((s) => s.sessionId).sort();
    expect((await p.session.findMany({ select: { id: true } })).map((s) => s.id).sort()).toEqual(kept);
    expect(await p.round.count({ where: { sessionId: { in: expired } } })).toBe(0);
    expect(await p.participant.count({ where: { sessionId: { in: expired } } })).toBe(0);
    const expiredRounds = [old, justPast, owner].map((s) => s.roundId);
    expect(await p.sample.count({ where: { roundId: { in: expiredRounds } } })).toBe(0);
    expect(await p.guess.count({ where: { roundId: { in: expiredRounds } } })).toBe(0);
    for (const s of [recent, running]) {
      expect(await p.sample.count({ where: { roundId: s.roundId } })).toBe(3);
      expect(await p.guess.count({ where: { roundId: s.roundId } })).toBe(1);
    }
    expect((await p.customModel.findMany({ select: { id: true } })).map((m) => m.id)).toEqual([model(1).id]);
    expect(await store.owned(recent.sessionId)).toEqual([model(1).id]);

    // nothing left to delete; RETENTION_DAYS=0 schedules nothing
    expect(await retentionSweep(deps)).toEqual({ sessions: 0, models: 0 });
    const never = scheduleRetention(
      { ...deps, days: 0, clock: { ...systemClock, setInterval: () => expect.unreachable() } },
      createLogger("silent"),
    );
    never.cancel();
  });
});

/** What `openssl rand -hex 24` prints: the spawned servers' ADMIN_TOKEN, for GET /api/admin/memory. */
const ADMIN = "3f9c2a7e1b5d8f04c6a2e9b7d1f3a5c8e0b4d6f2a9c7e1b3";
interface MemoryReport {
  liveSessions: number;
  liveRounds: number;
  liveParticipants: number;
  rssBytes: number;
  heapUsedBytes: number;
}
const memoryOf = async (url: string): Promise<MemoryReport> => {
  const res = await fetch(`${url}/api/admin/memory`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as MemoryReport;
};

describe("[MEM1] real server processes: sessions that come and go leave memory", () => {
  const sockets: ClientSocket[] = [];
  const servers: ServerProcess[] = [];
  const redises: RedisServer[] = [];
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all(servers.map((s) => s.stop("SIGKILL")));
    await Promise.all(redises.map((r) => r.close()));
  });
  const connect = (url: string) => connectTo(url, sockets);
  /** SESSION_IDLE_MINUTES=0.005: 0.3 s idle (and ended grace), a sweep every 100 ms. */
  const env = async (): Promise<Record<string, string>> => ({
    DATABASE_URL: await testDatabaseUrl(),
    ADMIN_TOKEN: ADMIN,
    SESSION_IDLE_MINUTES: "0.005",
    NODE_OPTIONS: "--expose-gc", // GET /api/admin/memory collects garbage before it measures
    SAMPLE_RATE_PER_SECOND: "1000",
    SAMPLE_BURST: "1000",
    // 200 sessions from one address: far beyond [L1]'s default (30 per 10 minutes), which is not under test here
    LIMIT_SESSIONS_PER_IP: "off",
  });

  /** One lecture: a host, a round, `students` phones sending 20 samples each; ended or abandoned; all leave. */
  async function lecture(url: string, i: number, students = 3) {
    const created = await createSessionAt(url);
    const host = await connect(url);
    await attachHost(host, created);
    const round = await startToyRound(host);
    const phones = await Promise.all(
      Array.from({ length: students }, async (_, k) => {
        const s = await connect(url);
        const joined = await joinAs(s, created.code, `s${i}-${k}`);
        const samples = phoneSamples(round, joined.participantId, 0, 20);
        await expectOk(call<SubmitResult>(s, "sample:submit", { roundId: round.id, samples }));
        return s;
      }),
    );
    if (i % 2 === 0) await expectOk(call(host, "session:end", {}));
    for (const s of [host, ...phones]) s.disconnect();
  }

  it("200 sessions: the live count goes back to 0 after the sweep and RSS stays bounded", async () => {
    const server = await startServer(await env());
    servers.push(server);
    onTestFailed(() =>
      console.error(`[MEM1] the server's warnings and errors:\n${server.errors().slice(-20_000)}`),
    );
    for (let i = 0; i < 20; i++) await lecture(server.url, -1 - i); // warm-up: code paths, pools, JIT
    await vi.waitFor(async () => expect((await memoryOf(server.url)).liveSessions).toBe(0), {
      timeout: 15_000,
    });
    const before = await memoryOf(server.url);
    const N = 200;
    for (let wave = 0; wave < N; wave += 20)
      await Promise.all(Array.from({ length: 20 }, (_, k) => lecture(server.url, wave + k)));
    await vi.waitFor(
      async () =>
        expect(await memoryOf(server.url)).toMatchObject({
          liveSessions: 0,
          liveRounds: 0,
          liveParticipants: 0,
        }),
      { timeout: 15_000 },
    );
    const after = await memoryOf(server.url);
    const mb = (b: number) => Math.round(b / 2 ** 20);
    console.info(
      `[MEM1] ${N} sessions: RSS ${mb(before.rssBytes)} → ${mb(after.rssBytes)} MB, heap ${mb(before.heapUsedBytes)} → ${mb(after.heapUsedBytes)} MB`,
    );
    expect(server.output()).toMatch(/memory: \d+ sessions left memory/);
    // generous bounds (measured: RSS +2 MB, heap after a full GC +1 MB for 200; +6 and +3 MB for 1,000): the
    // exact counts above are the check; V8 and the allocator keep some freed pages
    expect(after.heapUsedBytes - before.heapUsedBytes).toBeLessThan(16 * 2 ** 20);
    expect(after.rssBytes - before.rssBytes).toBeLessThan(64 * 2 ** 20);
    // bounded by count (220 lectures); 13 s alone, 100 s inside the whole suite on a slow host, more beside a hog
  }, 300_000);

  it("with Redis: a process that lets an idle session go loads it back with the counts the others kept", async () => {
    const redis = await startRedis();
    redises.push(redis);
    const [a, b] = await Promise.all(
      [0, 1].map(async () => {
        const s = await startServer({ ...(await env()), REDIS_URL: redis.url, STATS_INTERVAL_MS: "100" });
        servers.push(s);
        return s;
      }),
    );
    const created = await createSessionAt(a!.url);
    const host = await connect(a!.url);
    await attachHost(host, created);
    const round = await startToyRound(host);
    const phone = await connect(b!.url);
    const joined = await joinAs(phone, created.code, "Ann");
    const pid = joined.participantId;
    await expectOk(
      call<SubmitResult>(phone, "sample:submit", {
        roundId: round.id,
        samples: phoneSamples(round, pid, 0, 10),
      }),
    );
    // the host leaves process a: a lets the session go while b keeps it (its student is attached)
    host.disconnect();
    await vi.waitFor(async () => expect((await memoryOf(a!.url)).liveSessions).toBe(0), {
      timeout: 15_000,
    });
    expect((await memoryOf(b!.url)).liveSessions).toBe(1);
    await expectOk(
      call<SubmitResult>(phone, "sample:submit", {
        roundId: round.id,
        samples: phoneSamples(round, pid, 10, 10),
      }),
    );
    // the host comes back to a: the round and the shared counts (20, 10 of them stored while a had let go)
    const back = await connect(a!.url);
    const snapshot = await attachHost(back, created);
    expect(snapshot.round?.id).toBe(round.id);
    await next(back, "round:stats", (s) => s.roundId === round.id && s.n === 20, 15_000);
    // now the student leaves b: b lets go too, and a keeps publishing the round to its host
    phone.disconnect();
    await vi.waitFor(async () => expect((await memoryOf(b!.url)).liveSessions).toBe(0), {
      timeout: 15_000,
    });
    const resumed = await connect(b!.url);
    const snap = await expectOk(
      call<StudentSnapshot>(resumed, "student:resume", {
        participantId: pid,
        resumeToken: joined.resumeToken,
      }),
    );
    expect({ acked: snap.acked, nextIndex: snap.nextIndex }).toEqual({ acked: 20, nextIndex: 20 });
    await expectOk(
      call<SubmitResult>(resumed, "sample:submit", {
        roundId: round.id,
        samples: phoneSamples(round, pid, 20, 5),
      }),
    );
    const stats = await next(back, "round:stats", (s) => s.roundId === round.id && s.n >= 25, 15_000);
    expect(stats.n).toBe(25);
  });
});
