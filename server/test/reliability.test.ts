/**
 * Faults: the database unreachable (a real TCP outage between the server and PostgreSQL) until every phone
 * has been refused, and a client that stops reading. Each ends with the stored count equal to what students were acked.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  ErrorCode,
  type JoinResult,
  PROTOCOL_VERSION,
  type Result,
  type RoundInfo,
  type RoundStats,
  type SubmitResult,
} from "@tokenroom/shared";
import { openDatabase } from "../src/store/database.ts";
import {
  type Booted,
  boot,
  call,
  type ClientSocket,
  expectOk,
  next,
  phoneSamples,
  startToyRound,
  testDatabaseUrl,
} from "./boot.ts";
import { rawConnect } from "./raw-client.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** What a phone has been told so far: acked indexes and UNAVAILABLE refusals (read by the test while it runs). */
interface Progress {
  acked: Set<number>;
  unavailable: number;
}

/** A phone's delivery loop: keep every sample until it is acked, resend the rest every `everyMs`. */
async function deliver(
  socket: ClientSocket,
  round: RoundInfo,
  participantId: string,
  total: number,
  everyMs: number,
  deadline: number,
  progress: Progress,
  batchSize = 2,
) {
  const pending = new Map(phoneSamples(round, participantId, 0, total).map((s) => [s.index, s]));
  while (pending.size > 0 && Date.now() < deadline) {
    const batch = [...pending.values()].slice(0, batchSize);
    const r = await call<SubmitResult>(socket, "sample:submit", { roundId: round.id, samples: batch }).catch(
      () => null,
    );
    if (r?.ok) {
      for (const x of r.data.results) {
        if (x.status === "accepted") {
          progress.acked.add(x.index);
          pending.delete(x.index);
        }
      }
    } else if (r && r.error.code === ErrorCode.UNAVAILABLE) progress.unavailable++;
    // the phone's resend pace (its behaviour, not a wait for the test)
    await new Promise((res) => setTimeout(res, everyMs));
  }
  return progress;
}

describe("reliability", () => {
  it("keeps samples unacked while PostgreSQL is unreachable, then stores each exactly once", async () => {
    const url = new URL(await testDatabaseUrl());
    const proxy: TcpProxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    cleanups.push(() => proxy.close());
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    const db = await openDatabase({ kind: "postgres", url: proxied.toString() });
    cleanups.push(() => db.close());
    const t: Booted = await boot({ db });
    cleanups.push(() => t.cleanup());
    const { socket: host, session } = await t.host();
    const students = await Promise.all(["A", "B"].map((n) => t.student(session.code, n)));
    const round = await startToyRound(host);

    const deadline = Date.now() + 40_000;
    const progress: Progress[] = students.map(() => ({ acked: new Set(), unavailable: 0 }));
    const runs = students.map((s, i) =>
      deliver(s.socket, round, s.joined.participantId, 60, 200, deadline, progress[i]!),
    );
    // the outage starts while both phones are delivering, and lasts until each has been refused twice
    await vi.waitFor(() => expect(Math.min(...progress.map((p) => p.acked.size))).toBeGreaterThan(0), {
      timeout: 10_000,
    });
    await proxy.cut();
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(503);
    await vi.waitFor(
      () => expect(Math.min(...progress.map((p) => p.unavailable))).toBeGreaterThanOrEqual(2),
      {
        timeout: 30_000,
        interval: 100,
      },
    );
    const ackedDuringOutage = progress.map((p) => p.acked.size);
    await proxy.restore();
    const results = await Promise.all(runs);
    expect(results.every((r, i) => r.acked.size > ackedDuringOutage[i]!)).toBe(true);

    const acked = results.reduce((s, r) => s + r.acked.size, 0);
    expect(acked).toBe(120);
    expect(results.some((r) => r.unavailable > 0)).toBe(true);
    const direct = await openDatabase({ kind: "postgres", url: url.toString() });
    cleanups.push(() => direct.close());
    expect(await direct.prisma.sample.count({ where: { roundId: round.id } })).toBe(120);
    // the host hears the final count: a missing broadcast fails here
    const stats: RoundStats = await next(host, "round:stats", (s) => s.n === 120, 10_000);
    expect(stats.n).toBe(120);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it("drops statistics for a client that stops reading instead of buffering them", async () => {
    const t = await boot({ statsIntervalMs: 20 });
    cleanups.push(() => t.cleanup());
    const { socket: host, session } = await t.host();
    // the slow phone: a wire-protocol client over a TCP socket the test can stop reading
    const slow = await rawConnect(t.url, { protocol: PROTOCOL_VERSION });
    cleanups.push(() => Promise.resolve(slow.close()));
    const joined = (await slow.call("student:join", {
      code: session.code,
      nickname: "Slow",
    })) as Result<JoinResult>;
    if (!joined.ok) throw new Error(joined.error.message);
    const busy = await t.student(session.code, "Busy");
    const round = await startToyRound(host);
    await expectOk(call(host, "round:reveal", { roundId: round.id }));
    const serverSide = [...t.app.io.sockets.sockets.values()].find(
      (s) => s.data.participantId === joined.data.participantId,
    )!;
    // every statistics message the server queues for the slow phone (engine.io's public packetCreate event)
    let queued = 0;
    serverSide.conn.on("packetCreate", (packet: { type: string; data?: unknown }) => {
      if (typeof packet.data === "string" && packet.data.startsWith('2["round:stats"')) queued++;
    });

    let index = 0;
    let acked = 0;
    /** The busy phone sends `k` samples; resolves once the host has the statistics that count them. */
    const busyRound = async (k: number) => {
      const r = await expectOk(
        call<SubmitResult>(busy.socket, "sample:submit", {
          roundId: round.id,
          samples: phoneSamples(round, busy.joined.participantId, index, k),
        }),
      );
      index += k;
      acked += r.results.filter((x) => x.status === "accepted").length;
      await next(host, "round:stats", (s) => s.n === acked);
    };
    await busyRound(5);
    await vi.waitFor(() => expect(queued).toBeGreaterThan(0)); // while it reads, it gets statistics

    // The slow phone stops reading and asks for ~18 MB of answers (an unknown event's name is echoed in
    // its error), more than the kernel buffers on loopback: the server's writes to it stop completing.
    slow.pause();
    const name = "x".repeat(60_000);
    const unread = Array.from({ length: 300 }, () => slow.call(name, {}));
    // until the transport is backed up, statistics may still be queued; then none should be
    let quiet = 0;
    for (let i = 0; i < 200 && quiet < 10; i++) {
      const before = queued;
      await busyRound(5);
      quiet = queued === before ? quiet + 1 : 0;
    }
    expect(quiet).toBe(10);
    const stalled = queued;
    for (let i = 0; i < 40; i++) await busyRound(5);
    // forty statistics broadcasts to the class; none was queued for the stalled socket
    expect(queued).toBe(stalled);

    // once it reads again, it gets its answers and then current statistics
    slow.resume();
    const answers = (await Promise.all(unread)) as Result<never>[];
    expect(answers.every((a) => !a.ok && a.error.code === ErrorCode.BAD_REQUEST)).toBe(true);
    await busyRound(1);
    await vi.waitFor(
      () =>
        expect(slow.events.some(([e, s]) => e === "round:stats" && (s as RoundStats).n === acked)).toBe(true),
      { timeout: 10_000 },
    );
    expect(await t.db.prisma.sample.count({ where: { roundId: round.id } })).toBe(acked);
  });
});
