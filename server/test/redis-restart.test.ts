/**
 * Exactly-once in the live statistics through Redis restarts. Several real server processes share one
 * private Redis and one private PostgreSQL database; students on every process send honest samples
 * without pause while that Redis is restarted three times mid-round and a CPU hog competes for the cores.
 * Every statistics message any host receives counts at most the samples sent so far (a sample counted
 * twice, even for one tick, fails it); once the load stops, N returns to exactly the stored count; every
 * server process is still alive (a Redis blip must not end one).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type SubmitResult } from "@tokenroom/shared";
import {
  attachHost,
  call,
  type ClientSocket,
  connectTo,
  createSessionAt,
  joinAs,
  phoneSamples,
  startToyRound,
  storedInPostgres,
} from "./boot.ts";
import { startServer, type ServerProcess } from "../../test/support/process.ts";
import { createTestDatabase, startRedis, type RedisServer } from "./services.ts";

const STUDENTS = 18;
const BATCH = 4;
/** Samples acked between two restarts, and after the last one, before the load stops. */
const BETWEEN = 240;
const DOWN_MS = [500, 1_000, 700];
/**
 * A student's pause between batches: a steady load (at most 18 × 4 / 40 ms = 1,800 samples/s) rather than as fast as
 * acks come back. Unpaced, a fast write path used up MAX_BATCHES while the statistics were still being rebuilt after
 * a restart (the rebuild counts every stored sample, so more samples make it longer), and the test waited for acks
 * that could no longer come. Pacing, not synchronisation: every wait below is on an event or a count.
 */
const PAUSE_MS = 40;
/** Upper bound on batches per student: the load loop ends by count even if something stalls (≥ 120 s of load). */
const MAX_BATCHES = 3_000;

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  cleanups = [];
});

/** A process that keeps one core busy for at most `ms`. */
function cpuHog(ms: number): ChildProcess {
  return spawn(process.execPath, ["-e", `const end = Date.now() + ${ms}; while (Date.now() < end) {}`], {
    stdio: "ignore",
  });
}

describe.each([2, 3])("%i processes, their Redis restarted three times mid-round", (processes) => {
  it("never counts a sample twice, drops none, and every process survives", async () => {
    const redis: RedisServer = await startRedis();
    cleanups.push(() => redis.close());
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      STATS_INTERVAL_MS: "100",
      SAMPLE_RATE_PER_SECOND: "1000",
      SAMPLE_BURST: "1000",
    };
    const servers: ServerProcess[] = [];
    cleanups.push(() => Promise.all(servers.map((s) => s.stop("SIGKILL"))));
    servers.push(...(await Promise.all(Array.from({ length: processes }, () => startServer(env)))));
    const hog = cpuHog(90_000);
    cleanups.push(() => hog.kill("SIGKILL"));
    const sockets: ClientSocket[] = [];
    cleanups.push(() => sockets.forEach((s) => s.disconnect()));

    const session = await createSessionAt(servers[0]!.url);
    // a host on every process: statistics reach each through the Redis adapter
    const hosts = await Promise.all(servers.map((s) => connectTo(s.url, sockets)));
    for (const h of hosts) await attachHost(h, session);
    const students = await Promise.all(
      Array.from({ length: STUDENTS }, async (_, i) => {
        const socket = await connectTo(servers[i % processes]!.url, sockets);
        const joined = await joinAs(socket, session.code, `s${i}`);
        return { socket, participantId: joined.participantId };
      }),
    );
    const round = await startToyRound(hosts[0]!);

    // every statistics message, checked against the samples sent when it arrived
    let sent = 0;
    let acked = 0;
    const overcounts: string[] = [];
    const latest = hosts.map(() => -1);
    // what a failure says: each host's N, whether its socket is still up, and each process's last log lines
    const hostDisconnects: string[] = [];
    hosts.forEach((h, i) => h.on("disconnect", (reason) => hostDisconnects.push(`host ${i}: ${reason}`)));
    const diagnosis = (before: number) =>
      `N on each host ${latest.join(", ")} (${before} acked before the restart); ` +
      `${hostDisconnects.length > 0 ? `disconnected: ${hostDisconnects.join(", ")}` : "every host connected"}\n` +
      servers.map((s, i) => `process ${i}'s last output:\n${s.output().slice(-800)}`).join("\n");
    hosts.forEach((h, i) =>
      h.on("round:stats", (s) => {
        if (s.roundId !== round.id) return;
        latest[i] = s.n;
        if (s.n > sent) overcounts.push(`host ${i}: N = ${s.n} with ${sent} sent`);
      }),
    );

    let stop = false;
    const failures: string[] = [];
    const load = students.map(async (st) => {
      let next = 0;
      for (let b = 0; b < MAX_BATCHES && !stop; b++) {
        const samples = phoneSamples(round, st.participantId, next, BATCH);
        sent += samples.length; // counted before they leave: no statistics can include them earlier
        const r = await call<SubmitResult>(st.socket, "sample:submit", { roundId: round.id, samples }).catch(
          (e: unknown) => ({ ok: false as const, error: { code: "NO_ACK", message: String(e) } }),
        );
        // acks never wait for Redis: every sample is stored and accepted, outage or not
        const accepted = r.ok && r.data.results.every((x) => x.status === "accepted");
        if (!accepted) {
          failures.push(
            r.ok ? JSON.stringify(r.data.results.find((x) => x.status !== "accepted")) : r.error.code,
          );
          stop = true;
          return;
        }
        acked += samples.length;
        next += samples.length;
        await new Promise((r) => setTimeout(r, PAUSE_MS));
      }
    });
    const ackedReaches = (n: number) =>
      vi.waitFor(() => {
        expect(failures).toEqual([]);
        expect(acked).toBeGreaterThanOrEqual(n);
      }, 60_000);

    for (const downMs of DOWN_MS) {
      await ackedReaches(acked + BETWEEN);
      await redis.stop();
      await new Promise((r) => setTimeout(r, downMs)); // the outage itself
      await redis.start();
      // the leader counts the database in again, then publishes: N passes what was acked before the restart
      const before = acked;
      await vi.waitFor(
        () => expect(Math.min(...latest), diagnosis(before)).toBeGreaterThanOrEqual(before),
        60_000,
      );
    }
    await ackedReaches(acked + BETWEEN);
    stop = true;
    await Promise.all(load);
    expect(failures).toEqual([]);

    const stored = await storedInPostgres(round.id, db.url);
    expect(stored).toBe(acked);
    expect(acked).toBe(sent);
    // once the load stops, every host shows exactly what is stored (usually within a few hundred ms; the
    // bound is a safety net for a loaded machine, not a speed target: the time is printed)
    const stopped = performance.now();
    await vi.waitFor(() => expect(latest).toEqual(hosts.map(() => stored)), {
      timeout: 10_000,
      interval: 20,
    });
    console.log(
      `${processes} processes: exact N on every host ${Math.round(performance.now() - stopped)} ms after the last ack`,
    );
    expect(overcounts).toEqual([]);
    for (const s of servers) {
      expect(s.child.exitCode, s.output().slice(-2_000)).toBeNull();
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    }
  }, 120_000);
});
