/**
 * `pnpm bench:review [--students 200] [--rounds 20] [--samples 25] [--train-order 3]`: seeds one session
 * (students × rounds × samples, seed-review.ts) in PGlite in a temporary directory, and in PostgreSQL when reachable (BENCH_DATABASE_URL, else a database of its own
 * created on the test server, see server/test/services.ts, and dropped afterwards);
 * then times GET review (server time; target < 1 s), the CSV export (rows/s; target > 50,000/s), the
 * JSON export, training and storing a 2 MB text, and DELETE, with the event-loop lag (p99) of the process (the
 * app runs in it) during the CSV export and the training (target < 20 ms), and prints a table. A benchmark, not a
 * test. The seeded session is deleted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createApplication } from "../../server/src/app.ts";
import { loopDelay } from "../../server/src/http/event-loop-debug.ts";
import { createLogger } from "../../server/src/logger.ts";
import { loadModelRegistry, type ModelRegistry } from "../../server/src/models/registry.ts";
import { newSecret } from "../../server/src/secrets.ts";
import type { DatabaseTarget } from "../../server/src/store/adapters.ts";
import { openDatabase } from "../../server/src/store/database.ts";
import { BASE_DATABASE_URL, createTestDatabase } from "../../server/test/services.ts";
import { readStream } from "./read-stream.ts";
import { randomWordsText, seedSession } from "./seed-review.ts";

const { values: opts } = parseArgs({
  options: {
    students: { type: "string", default: "200" },
    rounds: { type: "string", default: "20" },
    samples: { type: "string", default: "25" },
    "train-order": { type: "string", default: "3" },
  },
});
const STUDENTS = Number(opts.students);
const ROUNDS = Number(opts.rounds);
const PER_ROUND = Number(opts.samples);
const TRAIN_ORDER = Number(opts["train-order"]);
const ADMIN = newSecret();

/** Runs `fn` while monitorEventLoopDelay watches this process's event loop (the app's: it runs in process). */
async function withLag<T>(fn: () => Promise<T>): Promise<{ result: T; lagP99Ms: number; lagMaxMs: number }> {
  const lag = loopDelay();
  try {
    const result = await fn();
    const { p99Ms, maxMs } = lag.figures();
    return { result, lagP99Ms: p99Ms, lagMaxMs: maxMs };
  } finally {
    lag.stop();
  }
}

/** The body of a training request: a 2 MB text of random words (45,000 of them, under the vocabulary limit). */
const trainBody = () =>
  JSON.stringify({
    text: randomWordsText(2 * 1024 * 1024, 45_000, TRAIN_ORDER),
    tokenizer: "word",
    order: TRAIN_ORDER,
  });

/** POST /api/models/train with `body` (made beforehand: the benchmark's own work is not the server's lag). */
async function trainAndStore(url: string, sessionId: string, hostKey: string, body: string): Promise<void> {
  const res = await fetch(`${url}/api/models/train`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${hostKey}`,
      "x-session-id": sessionId,
    },
    body,
  });
  const answer = await res.text();
  if (res.status !== 200 || !answer.includes('"model"'))
    throw new Error(`train: ${res.status} ${answer.slice(-300)}`);
}

interface Figures {
  database: string;
  samples: number;
  seedS: number;
  reviewServerMs: number;
  reviewWallMs: number;
  csvRowsPerS: number;
  csvMb: number;
  jsonMbPerS: number;
  deleteMs: number;
  peakRssMb: number;
  csvLagP99Ms: number;
  trainS: number;
  trainLagP99Ms: number;
  trainLagMaxMs: number;
}

async function measure(name: string, target: DatabaseTarget, models: ModelRegistry): Promise<Figures> {
  const db = await openDatabase(target);
  const t0 = performance.now();
  const { sessionId, hostKey } = await seedSession(db, models, {
    students: STUDENTS,
    rounds: ROUNDS,
    perRound: PER_ROUND,
  });
  const seedS = (performance.now() - t0) / 1000;
  const app = createApplication({
    db,
    models,
    config: {
      publicUrl: undefined,
      verifyFraction: 1,
      statsIntervalMs: 250,
      sampleRatePerSecond: 60,
      sampleBurst: 400,
      adminToken: ADMIN,
    },
    log: createLogger("error"),
  });
  await new Promise<void>((resolve) => app.httpServer.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  const base = `${origin}/api/sessions/${sessionId}`;
  const headers = { authorization: `Bearer ${hostKey}` };
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const server: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < 6; i++) {
      const w = performance.now();
      const res = await fetch(`${base}/review`, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`review: ${res.status}`);
      if (i === 0) continue; // warm-up (model decoders, query plans)
      wall.push(performance.now() - w);
      server.push(Number(/dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1] ?? NaN));
    }
    const csvRun = await withLag(() => timeStream(`${base}/export.csv?kind=samples`, headers));
    const csv = csvRun.result;
    const json = await timeStream(`${base}/export.json`, headers);
    const body = trainBody();
    const t = performance.now();
    const train = await withLag(() => trainAndStore(origin, sessionId, hostKey, body));
    const trainS = (performance.now() - t) / 1000;
    const d = performance.now();
    const del = await fetch(base, { method: "DELETE", headers });
    if (del.status !== 204) throw new Error(`delete: ${del.status}`);
    const deleteMs = performance.now() - d;
    return {
      database: name,
      samples: csv.lines - 1,
      seedS,
      reviewServerMs: median(server),
      reviewWallMs: median(wall),
      csvRowsPerS: (csv.lines - 1) / csv.seconds,
      csvMb: csv.bytes / 1e6,
      jsonMbPerS: json.bytes / 1e6 / json.seconds,
      deleteMs,
      peakRssMb: peakRss / 1e6,
      csvLagP99Ms: csvRun.lagP99Ms,
      trainS,
      trainLagP99Ms: train.lagP99Ms,
      trainLagMaxMs: train.lagMaxMs,
    };
  } finally {
    clearInterval(sampler);
    await app.close();
    await db.close();
  }
}

/** Reads a response as it streams; counts bytes and line ends. */
async function timeStream(url: string, headers: Record<string, string>) {
  const start = performance.now();
  const res = await fetch(url, { headers });
  if (res.status !== 200 || !res.body) throw new Error(`${url}: ${res.status}`);
  const { bytes, lines } = await readStream(res.body);
  return { bytes, lines, seconds: (performance.now() - start) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const models = loadModelRegistry();
  console.log(
    `seeding ${STUDENTS} students × ${ROUNDS} rounds × ${PER_ROUND} samples = ${STUDENTS * ROUNDS * PER_ROUND}`,
  );
  const dir = mkdtempSync(join(tmpdir(), "tokenroom-bench-review-"));
  const results: Figures[] = [];
  try {
    results.push(await measure("pglite", { kind: "pglite", dataDir: join(dir, "pglite") }, models));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const given = process.env.BENCH_DATABASE_URL;
  const created = given ? undefined : await createTestDatabase().catch(() => undefined);
  const postgres = given ?? created?.url;
  try {
    if (!postgres) throw new Error(`could not create a database on ${BASE_DATABASE_URL}`);
    results.push(await measure("postgres", { kind: "postgres", url: postgres }, models));
  } catch (error) {
    console.log(
      `PostgreSQL skipped (${postgres ?? BASE_DATABASE_URL}): ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await created?.drop();
  }
  console.table(
    results.map((r) => ({
      database: r.database,
      samples: r.samples,
      "seed s": r.seedS.toFixed(1),
      "review server ms": r.reviewServerMs.toFixed(0),
      "review wall ms": r.reviewWallMs.toFixed(0),
      "CSV rows/s": Math.round(r.csvRowsPerS),
      "CSV MB": r.csvMb.toFixed(1),
      "JSON MB/s": r.jsonMbPerS.toFixed(1),
      "delete ms": r.deleteMs.toFixed(0),
      "peak RSS MB": r.peakRssMb.toFixed(0),
      "CSV lag p99 ms": r.csvLagP99Ms.toFixed(0),
      [`train 2 MB order ${TRAIN_ORDER} s`]: r.trainS.toFixed(1),
      "train lag p99 ms": r.trainLagP99Ms.toFixed(0),
      "train lag max ms": r.trainLagMaxMs.toFixed(0),
    })),
  );
  const ok = results.every(
    (r) => r.reviewServerMs < 1000 && r.csvRowsPerS > 50_000 && r.csvLagP99Ms < 20 && r.trainLagP99Ms < 20,
  );
  const targets =
    "review < 1 s, CSV > 50,000 rows/s, event-loop lag p99 < 20 ms during the CSV export and the training";
  console.log(ok ? `targets met: ${targets}` : `a target was missed (${targets})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
