/**
 * `pnpm bench:load --students S --rate R --duration D [--processes P] [--database pglite|postgres]
 *   [--bot-workers W] [--max-tokens T] [--json]`:
 * real socket.io-client bots against a real server process. S students join, a round starts (and is
 * revealed, so students get live stats), each student submits R samples per second for D seconds, made with
 * the shared engine exactly as a phone does. The bots run on W worker threads (bot-worker.ts), so the load
 * generator is not the bottleneck; each reports its own event-loop delay. The server runs with
 * DEBUG_EVENT_LOOP=1 and its event-loop delay over the load comes from GET /debug/event-loop. Then the same
 * load against a bare socket.io server that only counts messages, for a ratio.
 * A benchmark, not a test: it prints figures.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import type { HostSnapshot, RoundInfo } from "@tokenroom/shared";
import { openDatabase } from "../../server/src/store/database.ts";
import { listeningPort, startServer } from "../support/process.ts";
import { createTestDatabase, startRedis } from "../../server/test/services.ts";
import type { BotJob, BotReport, ToBots, ToMain } from "./bot-worker.ts";
import { cpuSeconds, rssMb } from "./proc-stats.ts";
import { askBot, connectBot } from "./bot-socket.ts";

const { values: opts } = parseArgs({
  options: {
    students: { type: "string", default: "200" },
    rate: { type: "string", default: "2" },
    duration: { type: "string", default: "20" },
    "max-tokens": { type: "string", default: "8" },
    processes: { type: "string", default: "1" },
    database: { type: "string", default: "" },
    "bot-workers": { type: "string", default: String(Math.min(4, Math.max(2, availableParallelism()))) },
    json: { type: "boolean", default: false },
  },
});
const count = (name: keyof typeof opts, min: number, max: number): number => {
  const n = Number(opts[name]);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got ${String(opts[name])})`);
    process.exit(2);
  }
  return n;
};
const S = count("students", 1, 5000);
const R = count("rate", 0.1, 100);
const D = count("duration", 1, 600);
const MAX_TOKENS = count("max-tokens", 1, 64);
const P = count("processes", 1, 8);
const W = Math.min(S, count("bot-workers", 1, 16));
if (!["", "pglite", "postgres"].includes(opts.database)) {
  console.error(`--database must be pglite or postgres (got ${opts.database})`);
  process.exit(2);
}
// several processes share rooms through Redis and need PostgreSQL; one process runs the embedded default
// unless --database postgres asks for a real PostgreSQL (a database of the run's own)
const POSTGRES = P > 1 || opts.database === "postgres";
if (P > 1 && opts.database === "pglite") {
  console.error("--processes above 1 needs --database postgres (the embedded database is one process's own)");
  process.exit(2);
}
const JSON_OUT = opts.json;
const log = (m: string) => void (JSON_OUT ? process.stderr.write(m + "\n") : console.log(m));

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const epochNow = () => performance.timeOrigin + performance.now();
const TSX_API = new URL(
  "dist/esm/api/index.mjs",
  pathToFileURL(createRequire(import.meta.url).resolve("tsx/package.json")),
).href;

const ask = askBot;

interface LoadResult {
  sent: number;
  acked: number;
  rejected: number;
  errors: number;
  ackMs: number[];
  statsMs: number[];
  cpu: number;
  peakRssMb: number;
  finalN: number;
  connected: number;
  botLagP99Ms: number;
  /** ack p99 of the samples sent in each second of the load (the tail's shape: warm-up, a pause, or spread). */
  ackP99BySecond: number[];
  serverLag: { p50Ms: number; p99Ms: number; memoryMb?: Record<string, number> } | null;
}

/**
 * Starts W bot workers with S bots between them, waits until every bot has joined, lets them sample for D
 * seconds and gathers what they saw. `lag`: the server's event-loop delay over the load, when it has it.
 */
async function drive(
  urls: string[],
  code: string | null,
  round: RoundInfo | null,
  pids: number[],
  lag?: { reset(): Promise<void>; read(): Promise<{ p50Ms: number; p99Ms: number } | null> },
): Promise<LoadResult> {
  const per = Math.ceil(S / W);
  const workers = Array.from({ length: W }, (_, w) => {
    const job: BotJob = {
      urls,
      code,
      first: w * per,
      count: Math.max(0, Math.min(per, S - w * per)),
      round,
      rate: R,
      durationS: D,
      maxTokens: MAX_TOKENS,
    };
    // a worker does not inherit tsx's loader: the evaluated entry registers tsx, then loads the .ts file
    const entry = new URL("./bot-worker.ts", import.meta.url).href;
    const source = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(source, { eval: true, workerData: job });
  });
  const next = (worker: Worker) =>
    new Promise<ToMain>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  try {
    const ready = await Promise.all(workers.map(next));
    const failed = ready.find((m) => m.type === "error");
    if (failed?.type === "error") throw new Error(`a bot worker failed: ${failed.message}`);
    log(`${S} students connected on ${W} bot workers; sampling ${R}/s each for ${D} s…`);
    const cpuAll = () => pids.reduce((sum, p) => sum + cpuSeconds(p), 0);
    const reports = workers.map(next);
    await lag?.reset();
    const cpu0 = cpuAll();
    const startAt = epochNow() + 200;
    for (const w of workers) w.postMessage({ type: "go", startAt } satisfies ToBots);
    const progress = setInterval(() => {
      const rss = pids.reduce((sum, p) => sum + rssMb(p).rss, 0);
      log(`  … ${((epochNow() - startAt) / 1000).toFixed(0)} s: server rss ${rss.toFixed(0)} MB`);
    }, 5000);
    const done = await Promise.all(reports).finally(() => clearInterval(progress));
    // the workers' last 1.5 s waits for the final statistics: CPU and lag are read after it, as before
    const cpu = cpuAll() - cpu0;
    const serverLag = (await lag?.read()) ?? null;
    const all: BotReport[] = [];
    for (const m of done) {
      if (m.type === "error") throw new Error(`a bot worker failed: ${m.message}`);
      if (m.type === "report") all.push(m.report);
    }
    // the k-th ack of the whole run (in time order) against every statistics message that says N = k
    const ackTimeline = all.flatMap((r) => r.ackAt).sort((a, b) => a - b);
    const statsMs = all.flatMap((r) =>
      r.stats.flatMap(([n, at]) => {
        const acked = ackTimeline[n - 1];
        return acked === undefined ? [] : [at - acked];
      }),
    );
    const bySecond: number[][] = Array.from({ length: Math.ceil(D) }, () => []);
    for (const r of all)
      r.ackMs.forEach((ms, i) => {
        const second = Math.floor((r.ackAt[i]! - ms - startAt) / 1000);
        bySecond[Math.max(0, Math.min(bySecond.length - 1, second))]!.push(ms);
      });
    return {
      ackP99BySecond: bySecond.map((xs) => Math.round(percentile(xs, 99))),
      sent: all.reduce((s, r) => s + r.sent, 0),
      acked: all.reduce((s, r) => s + r.acked, 0),
      rejected: all.reduce((s, r) => s + r.rejected, 0),
      errors: all.reduce((s, r) => s + r.errors, 0),
      ackMs: all.flatMap((r) => r.ackMs),
      statsMs,
      cpu,
      peakRssMb: pids.reduce((sum, p) => sum + rssMb(p).peak, 0),
      finalN: 0,
      connected: S,
      botLagP99Ms: Math.max(...all.map((r) => r.lagP99Ms)),
      serverLag,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The server's event-loop delay from GET /debug/event-loop (DEBUG_EVENT_LOOP=1); null where it is not served. */
function serverLagProbe(url: string) {
  const get = async (reset: boolean) => {
    const res = await fetch(`${url}/debug/event-loop${reset ? "?reset=1" : ""}`).catch(() => null);
    // a server without DEBUG_EVENT_LOOP answers with the web app's page
    if (!res?.ok || !res.headers.get("content-type")?.includes("json")) return null;
    return (await res.json()) as { p50Ms: number; p99Ms: number; memoryMb?: Record<string, number> };
  };
  return { reset: async () => void (await get(true)), read: () => get(false) };
}

async function runTokenroom() {
  const dataDir = mkdtempSync(join(tmpdir(), "tokenroom-load-"));
  // every bot comes from 127.0.0.1: a class of S on one address, as behind one NAT (the defaults hold 1,000)
  const common = {
    SAMPLE_RATE_PER_SECOND: "1000",
    SAMPLE_BURST: "1000",
    DEBUG_EVENT_LOOP: "1",
    MAX_STUDENTS_PER_SESSION: String(Math.max(1000, S)),
    MAX_SOCKETS_PER_IP: String(Math.max(2000, S + 100)),
  };
  // one process: the embedded default (or PostgreSQL with --database postgres); several: PostgreSQL + Redis,
  // as in production (a private redis-server and a database of the run's own, both gone afterwards)
  const redis = P > 1 ? await startRedis() : undefined;
  const database = POSTGRES ? await createTestDatabase() : undefined;
  const env = database
    ? { ...common, DATABASE_URL: database.url, ...(redis ? { REDIS_URL: redis.url } : {}) }
    : { ...common, DATA_DIR: dataDir };
  const servers = await Promise.all(Array.from({ length: P }, () => startServer(env)));
  const pids = servers.map((s) => s.child.pid!);
  const url = servers[0]!.url;
  try {
    const created = (await (await fetch(`${url}/api/sessions`, { method: "POST" })).json()) as {
      sessionId: string;
      code: string;
      hostKey: string;
    };
    const host = await connectBot(url);
    await ask<HostSnapshot>(host, "host:attach", { sessionId: created.sessionId, hostKey: created.hostKey });
    // the round starts before the bots join: each bot's join answer carries it
    const started = await ask<RoundInfo>(host, "round:start", {
      modelId: "tiny-stories",
      prompt: "once upon a time",
      temperature: 1,
      topK: 0,
      topP: 0.9,
      maxTokens: MAX_TOKENS,
      mode: "sample",
    });
    if (!started.ok) throw new Error(started.error.message);
    await ask(host, "round:reveal", { roundId: started.data.id });
    log(`connecting ${S} students to ${P} process${P > 1 ? "es" : ""}…`);
    const r = await drive(
      servers.map((s) => s.url),
      created.code,
      started.data,
      pids,
      serverLagProbe(url),
    );
    const snap = await ask<HostSnapshot>(host, "host:attach", {
      sessionId: created.sessionId,
      hostKey: created.hostKey,
    });
    r.finalN = snap.ok ? (snap.data.stats?.n ?? 0) : -1;
    host.disconnect();
    await Promise.all(servers.map((s) => s.stop("SIGTERM")));
    const db = await openDatabase(
      database ? { kind: "postgres", url: database.url } : { kind: "pglite", dataDir },
    );
    const stored = await db.prisma.sample.count({ where: { roundId: started.data.id } });
    await db.close();
    return { ...r, stored };
  } finally {
    await Promise.all(servers.map((s) => s.stop("SIGKILL")));
    await redis?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runBare() {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./bare-server.ts", import.meta.url))],
    { env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${await listeningPort(child, () => out, 30_000, /bare server on (\d+)/)}`;
  try {
    return await drive([url], null, null, [child.pid!], serverLagProbe(url));
  } finally {
    child.kill("SIGKILL");
  }
}

const t = await runTokenroom();
log("bare socket.io floor…");
const bare = await runBare();
const perSample = (x: LoadResult) => (x.acked > 0 ? (x.cpu / x.acked) * 1e6 : 0);
const result = {
  students: t.connected,
  processes: P,
  database: POSTGRES ? "postgres" : "pglite",
  rate: R,
  durationS: D,
  sent: t.sent,
  acked: t.acked,
  stored: t.stored,
  rejected: t.rejected,
  errors: t.errors,
  lost: t.acked - t.stored,
  doubleCounted: Math.max(0, t.finalN - t.acked),
  finalStatsN: t.finalN,
  acceptedPerSecond: Math.round(t.acked / D),
  ackP50Ms: +percentile(t.ackMs, 50).toFixed(1),
  ackP95Ms: +percentile(t.ackMs, 95).toFixed(1),
  ackP99Ms: +percentile(t.ackMs, 99).toFixed(1),
  statsP50Ms: +percentile(t.statsMs, 50).toFixed(1),
  statsP99Ms: +percentile(t.statsMs, 99).toFixed(1),
  serverCpuS: +t.cpu.toFixed(2),
  serverCpuPerSampleUs: +perSample(t).toFixed(1),
  serverRssMb: +t.peakRssMb.toFixed(0),
  serverLagP50Ms: t.serverLag ? +t.serverLag.p50Ms.toFixed(1) : "n/a",
  serverLagP99Ms: t.serverLag ? +t.serverLag.p99Ms.toFixed(1) : "n/a",
  // the first process after the load: V8 heap and buffers; the rest of its rss is the database thread's
  // WebAssembly memory, code and socket buffers
  serverHeapUsedMb: t.serverLag?.memoryMb?.heapUsed ?? "n/a",
  serverExternalMb: t.serverLag?.memoryMb?.external ?? "n/a",
  botWorkers: W,
  botLagP99Ms: +t.botLagP99Ms.toFixed(1),
  bareCpuPerSampleUs: +perSample(bare).toFixed(1),
  bareAckP99Ms: +percentile(bare.ackMs, 99).toFixed(1),
  bareLagP99Ms: bare.serverLag ? +bare.serverLag.p99Ms.toFixed(1) : "n/a",
  bareRatio: +(perSample(t) / Math.max(1e-9, perSample(bare))).toFixed(2),
  bareBotLagP99Ms: +bare.botLagP99Ms.toFixed(1),
};
if (JSON_OUT)
  console.log(
    JSON.stringify({ ...result, ackP99BySecond: t.ackP99BySecond, bareAckP99BySecond: bare.ackP99BySecond }),
  );
else {
  console.log("\nTokenroom load benchmark");
  for (const [k, v] of Object.entries(result)) console.log(`  ${k.padEnd(22)} ${v}`);
  console.log("\nack p99 (ms) of the samples sent in each second of the load");
  console.log(`  tokenroom  ${t.ackP99BySecond.join(" ")}`);
  console.log(`  bare       ${bare.ackP99BySecond.join(" ")}`);
}
process.exit(0);
