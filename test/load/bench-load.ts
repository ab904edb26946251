/**
 * `pnpm bench:load --students S --rate R --duration D [--json]`: real socket.io-client bots against a real
 * server process. S students join, a round starts (and is revealed, so students get live stats), each
 * student submits R samples per second for D seconds, made with the shared engine exactly as a phone
 * does. Then the same load against a bare socket.io server that only counts messages, for a ratio.
 * A benchmark, not a test: it prints figures.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { io, type Socket } from "socket.io-client";
import {
  createRng,
  Decoder,
  generate,
  type HostSnapshot,
  type JoinResult,
  participantSeed,
  PROTOCOL_VERSION,
  type Result,
  type RoundInfo,
  type RoundStats,
  type SubmitResult,
} from "@tokenroom/shared";
import { loadModelRegistry } from "../../server/src/models/registry.ts";
import { openDatabase } from "../../server/src/store/database.ts";
import { listeningPort, startServer } from "../../server/test/process.ts";
import { createTestDatabase, startRedis } from "../../server/test/services.ts";
import { cpuSeconds, rssMb } from "./proc-stats.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const S = flag("students", 200);
const R = flag("rate", 2);
const D = flag("duration", 20);
const JSON_OUT = args.includes("--json");
const MAX_TOKENS = flag("max-tokens", 8);
const P = flag("processes", 1);
const log = (m: string) => void (JSON_OUT ? process.stderr.write(m + "\n") : console.log(m));

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

type Bot = Socket;
function connect(url: string): Promise<Bot> {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      transports: ["websocket"],
      auth: { protocol: PROTOCOL_VERSION },
      forceNew: true,
      reconnection: false,
      timeout: 20_000,
    });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}
const ask = <T>(s: Bot, event: string, payload: unknown) =>
  s.timeout(30_000).emitWithAck(event, payload) as Promise<Result<T>>;

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
}

/** Drives the load: bots submit for D seconds; returns what they saw. */
async function drive(
  url: string,
  pids: number[],
  bots: { socket: Bot; participantId: string }[],
  round: RoundInfo | null,
): Promise<LoadResult> {
  const models = loadModelRegistry();
  const settings = round
    ? { temperature: round.temperature, topK: round.topK, topP: round.topP }
    : { temperature: 1, topK: 0, topP: 0.9 };
  const model = models.get(round?.modelId ?? "tiny-stories")!.model;
  const decoder = new Decoder(model, settings);
  const prompt = round?.promptTokens ?? [];
  const r: LoadResult = {
    sent: 0,
    acked: 0,
    rejected: 0,
    errors: 0,
    ackMs: [],
    statsMs: [],
    cpu: 0,
    peakRssMb: 0,
    finalN: 0,
    connected: bots.length,
  };
  const ackTimeline: number[] = []; // ackTimeline[k] = when the (k+1)-th ack arrived
  for (const b of bots) {
    b.socket.on("round:stats", (s: RoundStats) => {
      const at = ackTimeline[s.n - 1];
      if (at !== undefined) r.statsMs.push(performance.now() - at);
    });
  }
  const cpuAll = () => pids.reduce((sum, p) => sum + cpuSeconds(p), 0);
  const rssAll = () => pids.reduce((sum, p) => sum + rssMb(p).rss, 0);
  const cpu0 = cpuAll();
  const start = performance.now();
  const interval = Math.max(1000 / R, 200);
  const perTick = Math.max(1, Math.round((R * interval) / 1000));
  let lastReport = start;
  await Promise.all(
    bots.map(async (b, i) => {
      const seed = round ? participantSeed(round.seed, b.participantId) : i;
      let index = 0;
      await new Promise((res) => setTimeout(res, (i / bots.length) * interval)); // spread the bots over a tick
      const pending: Promise<void>[] = [];
      while (performance.now() - start < D * 1000) {
        const t0 = performance.now();
        const samples = Array.from({ length: perTick }, () => {
          const idx = index++;
          return {
            index: idx,
            tokens: generate(model, prompt, settings, createRng(seed, idx), MAX_TOKENS, decoder).tokens,
          };
        });
        r.sent += samples.length;
        pending.push(
          ask<SubmitResult>(b.socket, "sample:submit", { roundId: round?.id ?? "bare", samples }).then(
            (res) => {
              const now = performance.now();
              if (!res.ok) return void (r.rejected += samples.length);
              for (const x of res.data.results) {
                if (x.status === "accepted") {
                  r.acked++;
                  ackTimeline.push(now);
                  r.ackMs.push(now - t0);
                } else r.rejected++;
              }
            },
            () => void (r.errors += samples.length),
          ),
        );
        if (i === 0 && performance.now() - lastReport > 5000) {
          lastReport = performance.now();
          log(
            `  … ${((lastReport - start) / 1000).toFixed(0)} s: sent ${r.sent}, acked ${r.acked}, rss ${rssAll().toFixed(0)} MB`,
          );
        }
        await new Promise((res) => setTimeout(res, Math.max(0, interval - (performance.now() - t0))));
      }
      await Promise.all(pending);
    }),
  );
  r.cpu = cpuAll() - cpu0;
  r.peakRssMb = pids.reduce((sum, p) => sum + rssMb(p).peak, 0);
  void url;
  return r;
}

async function runTokenroom() {
  const dataDir = mkdtempSync(join(tmpdir(), "tokenroom-load-"));
  const common = { SAMPLE_RATE_PER_SECOND: "1000", SAMPLE_BURST: "1000" };
  // one process: the embedded default; several: PostgreSQL + Redis, as in production (a private
  // redis-server and a database of the run's own, both gone afterwards)
  const redis = P > 1 ? await startRedis() : undefined;
  const database = P > 1 ? await createTestDatabase() : undefined;
  const env =
    redis && database
      ? { ...common, DATABASE_URL: database.url, REDIS_URL: redis.url }
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
    const host = await connect(url);
    await ask<HostSnapshot>(host, "host:attach", { sessionId: created.sessionId, hostKey: created.hostKey });
    log(`connecting ${S} students to ${P} process${P > 1 ? "es" : ""}…`);
    const bots: { socket: Bot; participantId: string }[] = [];
    for (let i = 0; i < S; i += 50) {
      const chunk = await Promise.all(
        Array.from({ length: Math.min(50, S - i) }, async (_, k) => {
          const socket = await connect(servers[(i + k) % P]!.url);
          const res = await ask<JoinResult>(socket, "student:join", {
            code: created.code,
            nickname: `bot${i + k}`,
          });
          if (!res.ok) throw new Error(res.error.message);
          return { socket, participantId: res.data.participantId };
        }),
      );
      bots.push(...chunk);
    }
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
    log(`${bots.length} students connected; sampling ${R}/s each for ${D} s…`);
    const r = await drive(url, pids, bots, started.data);
    await new Promise((res) => setTimeout(res, 1500));
    const snap = await ask<HostSnapshot>(host, "host:attach", {
      sessionId: created.sessionId,
      hostKey: created.hostKey,
    });
    r.finalN = snap.ok ? (snap.data.stats?.n ?? 0) : -1;
    for (const b of bots) b.socket.disconnect();
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
    const bots = await Promise.all(
      Array.from({ length: S }, async () => ({ socket: await connect(url), participantId: "" })),
    );
    const r = await drive(url, [child.pid!], bots, null);
    for (const b of bots) b.socket.disconnect();
    return r;
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
  bareCpuPerSampleUs: +perSample(bare).toFixed(1),
  bareAckP99Ms: +percentile(bare.ackMs, 99).toFixed(1),
  bareRatio: +(perSample(t) / Math.max(1e-9, perSample(bare))).toFixed(2),
};
if (JSON_OUT) console.log(JSON.stringify(result));
else {
  console.log("\nTokenroom load benchmark");
  for (const [k, v] of Object.entries(result)) console.log(`  ${k.padEnd(22)} ${v}`);
}
process.exit(0);
