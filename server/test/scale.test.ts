/**
 * Three real server processes share one session through Redis and PostgreSQL: each test its own
 * redis-server (services.ts), the file its own database. The host sees every sample exactly once; when
 * the process publishing the round's statistics is killed, another takes over and no acked sample is lost.
 */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type RoundInfo, type RoundStats, type StudentSnapshot, type SubmitResult } from "@tokenroom/shared";
import {
  attachHost,
  call,
  type ClientSocket,
  connectTo,
  createSessionAt,
  expectOk,
  joinAs,
  next,
  phoneSamples,
  submitAccepted,
  startToyRound,
  storedInPostgres,
  testDatabaseUrl,
} from "./boot.ts";
import { startServer, type ServerProcess } from "../../test/support/process.ts";
import { type RedisServer, startRedis } from "./services.ts";

const sockets: ClientSocket[] = [];
const servers: ServerProcess[] = [];
const redises: RedisServer[] = [];
const connect = (url: string) => connectTo(url, sockets);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all(servers.map((s) => s.stop("SIGKILL")));
  await Promise.all(redises.map((r) => r.close()));
});

/** Environment for server processes on a fresh private Redis (stopped after the file) and the file's database. */
async function scaleEnv(): Promise<{ redis: RedisServer; env: Record<string, string> }> {
  const redis = await startRedis();
  redises.push(redis);
  const env = {
    DATABASE_URL: await testDatabaseUrl(),
    REDIS_URL: redis.url,
    STATS_INTERVAL_MS: "100",
    SAMPLE_RATE_PER_SECOND: "1000",
    SAMPLE_BURST: "1000",
  };
  return { redis, env };
}

async function statsReaching(
  host: ClientSocket,
  roundId: string,
  n: number,
  timeoutMs = 15_000,
): Promise<RoundStats> {
  return next(host, "round:stats", (s) => s.roundId === roundId && s.n >= n, timeoutMs);
}

describe("three processes through Redis and PostgreSQL", () => {
  it("counts every sample once across processes and survives the death of the stats leader", async () => {
    const { redis, env } = await scaleEnv();
    servers.push(...(await Promise.all([0, 1, 2].map(() => startServer(env)))));
    const created = await createSessionAt(servers[0]!.url);
    const hosts = await Promise.all(
      servers.map(async (s) => {
        const h = await connect(s.url);
        await attachHost(h, created);
        return h;
      }),
    );
    const students = await Promise.all(
      [0, 1, 2, 0, 1, 2].map(async (p, i) => {
        const socket = await connect(servers[p]!.url);
        const joined = await joinAs(socket, created.code, `s${i}`);
        return { p, socket, joined };
      }),
    );
    // participants who joined on other processes show up on the host's list
    const listed = await next(
      hosts[0]!,
      "participants:update",
      (list) => list.length === 6 && list.every((x) => x.connected),
    );
    expect(listed.length).toBe(6);

    const round = await expectOk(
      call<RoundInfo>(hosts[0]!, "round:start", {
        modelId: "tiny-stories",
        prompt: "once upon a time",
        temperature: 1,
        topK: 0,
        topP: 0.9,
        maxTokens: 6,
        mode: "sample",
      }),
    );
    await next(students[5]!.socket, "round:started");
    for (const s of students) {
      await submitAccepted(s.socket, round.id, phoneSamples(round, s.joined.participantId, 0, 30));
    }
    // every host, on every process, sees all 180 samples, and never more
    const seen = await Promise.all(hosts.map((h) => statsReaching(h, round.id, 180)));
    expect(seen.map((s) => s.n)).toEqual([180, 180, 180]);
    expect(seen[0]!.contributors).toBe(6);

    // kill the process that publishes this round's statistics
    const client = new Redis(redis.url);
    const leaderNode = await client.get(`tr:r:{${round.id}}:leader`);
    await client.quit();
    const nodes = await Promise.all(
      servers.map(async (s) => ((await (await fetch(`${s.url}/healthz`)).json()) as { node: string }).node),
    );
    const dead = nodes.indexOf(leaderNode!);
    expect(dead).toBeGreaterThanOrEqual(0);
    await servers[dead]!.stop("SIGKILL");
    const alive = [0, 1, 2].filter((i) => i !== dead);
    const watcher = hosts[alive[0]!]!;

    for (const s of students) {
      let socket = s.socket;
      let from = 30;
      if (s.p === dead) {
        // the phone reconnects to a surviving process, resumes, and resends its last (unacked) batch
        socket = await connect(servers[alive[0]!]!.url);
        const snap = await expectOk(
          call<StudentSnapshot>(socket, "student:resume", {
            participantId: s.joined.participantId,
            resumeToken: s.joined.resumeToken,
          }),
        );
        expect(snap.nextIndex).toBe(30);
        from = 20;
      }
      await submitAccepted(socket, round.id, phoneSamples(round, s.joined.participantId, from, 50 - from));
    }
    const after = await statsReaching(watcher, round.id, 300, 20_000);
    expect(after.n).toBe(300);
    expect(await storedInPostgres(round.id)).toBe(300);
  });
});

/** Takes this test's own Redis down for `downMs` (it keeps nothing on disk) and brings it back on its port. */
async function restartRedis(redis: RedisServer, downMs: number): Promise<void> {
  await redis.stop();
  await new Promise((r) => setTimeout(r, downMs)); // the outage itself, not a wait for a condition
  await redis.start();
}

describe("a Redis restart mid-round", () => {
  it("loses no sample and rebuilds the statistics from the database", async () => {
    const { redis, env } = await scaleEnv();
    const pair = await Promise.all([0, 1].map(() => startServer(env)));
    servers.push(...pair);
    const created = await createSessionAt(pair[0]!.url);
    const host = await connect(pair[0]!.url);
    await attachHost(host, created);
    const students = await Promise.all(
      [0, 1].map(async (p, i) => {
        const socket = await connect(pair[p]!.url);
        return {
          socket,
          joined: await joinAs(socket, created.code, `r${i}`),
        };
      }),
    );
    const round = await startToyRound(host);
    let acked = 0;
    const send = async (from: number, count: number) => {
      for (const s of students) {
        const r = await expectOk(
          call<SubmitResult>(s.socket, "sample:submit", {
            roundId: round.id,
            samples: phoneSamples(round, s.joined.participantId, from, count),
          }),
        );
        acked += r.results.filter((x) => x.status === "accepted").length;
      }
    };
    await send(0, 40);
    await statsReaching(host, round.id, 80);
    const restart = restartRedis(redis, 1_500);
    await send(40, 20); // while Redis is down or just back: acks do not need Redis
    await restart;
    await send(60, 20);
    expect(acked).toBe(160);
    const final = await statsReaching(host, round.id, 160, 20_000);
    expect(final.n).toBe(160);
    expect(await storedInPostgres(round.id)).toBe(160);
  });
});
