/**
 * `pnpm bench:review [--students 200] [--rounds 20] [--samples 25]`: seeds one session (students ×
 * rounds × samples, made by the shared engine and stored with Repository.insertSamples) in PGlite in a
 * temporary directory, and in PostgreSQL when reachable (BENCH_DATABASE_URL, else a database of its own
 * created on the test server, see server/test/services.ts, and dropped afterwards);
 * then times GET review (server time; target < 1 s), the CSV export (rows/s; target > 50,000/s), the
 * JSON export and DELETE, and prints a table. A benchmark, not a test. The seeded session is deleted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng, encodeText, generate, participantSeed, tokenLabel } from "@tokenroom/shared";
import { createApplication } from "../app.ts";
import { createLogger } from "../logger.ts";
import { loadModelRegistry, type ModelRegistry } from "../models/registry.ts";
import { theoryView } from "../rounds/aggregator.ts";
import { hashSecret, newId, newRoomCode, newSecret } from "../secrets.ts";
import type { DatabaseTarget } from "../store/adapters.ts";
import { type Database, openDatabase } from "../store/database.ts";
import { Repository, type SampleRow } from "../store/repository.ts";
import { BASE_DATABASE_URL, createTestDatabase } from "../../test/services.ts";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const STUDENTS = flag("students", 200);
const ROUNDS = flag("rounds", 20);
const PER_ROUND = flag("samples", 25);
const ADMIN = newSecret();

const SETTINGS = [
  { modelId: "toy", prompt: "the", temperature: 1, topK: 0, topP: 1, maxTokens: 4 },
  { modelId: "tiny-stories", prompt: "once upon a time", temperature: 1, topK: 0, topP: 0.95, maxTokens: 8 },
  { modelId: "tiny-stories", prompt: "the little", temperature: 0.7, topK: 20, topP: 1, maxTokens: 6 },
];

async function seed(db: Database, models: ModelRegistry): Promise<{ sessionId: string; hostKey: string }> {
  const repo = new Repository(db.prisma);
  const hostKey = newSecret();
  const session = await repo.createSession({
    id: newId(),
    code: newRoomCode(),
    title: "bench",
    hostKeyHash: hashSecret(hostKey),
  });
  const participants: string[] = [];
  for (let p = 0; p < STUDENTS; p++) {
    const row = await repo.createParticipant({
      id: newId(),
      sessionId: session.id,
      nickname: `Student ${p} ✓`,
      resumeTokenHash: hashSecret(newSecret()),
    });
    participants.push(row.id);
  }
  for (let r = 0; r < ROUNDS; r++) {
    const s = SETTINGS[r % SETTINGS.length]!;
    const { model } = models.get(s.modelId)!;
    const decoding = { temperature: s.temperature, topK: s.topK, topP: s.topP };
    const decoder = models.decoder(model, decoding);
    const promptTokens = encodeText(model, s.prompt);
    const id = newId();
    const round = await repo.createRound({
      id,
      sessionId: session.id,
      seq: r + 1,
      modelId: model.id,
      modelHash: model.hash,
      prompt: s.prompt,
      promptTokens,
      ...decoding,
      maxTokens: s.maxTokens,
      mode: "sample",
      showClassChart: false,
      seed: (r * 2_654_435_761) >>> 0,
      theory: theoryView(id, decoder.distribution(promptTokens), (t) => tokenLabel(model, t)),
      startedAt: new Date(),
    });
    const rows: SampleRow[] = [];
    for (const participantId of participants) {
      const rng = participantSeed(round.seed, participantId);
      for (let i = 0; i < PER_ROUND; i++) {
        const g = generate(model, promptTokens, decoding, createRng(rng, i), s.maxTokens, decoder);
        rows.push({
          roundId: id,
          participantId,
          index: i,
          tokens: g.tokens,
          logProb: g.probs.reduce((a, p) => a + Math.log(p), 0),
        });
      }
    }
    for (let k = 0; k < rows.length; k += 1000) await repo.insertSamples(rows.slice(k, k + 1000));
  }
  return { sessionId: session.id, hostKey };
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
}

async function measure(name: string, target: DatabaseTarget, models: ModelRegistry): Promise<Figures> {
  const db = await openDatabase(target);
  const t0 = performance.now();
  const { sessionId, hostKey } = await seed(db, models);
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
  const base = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}/api/sessions/${sessionId}`;
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
    const csv = await timeStream(`${base}/export.csv?kind=samples`, headers);
    const json = await timeStream(`${base}/export.json`, headers);
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
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body) {
    const data = chunk as Uint8Array;
    bytes += data.length;
    for (let i = 0; i < data.length; i++) if (data[i] === 10) lines++;
  }
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
    })),
  );
  const ok = results.every((r) => r.reviewServerMs < 1000 && r.csvRowsPerS > 50_000);
  console.log(
    ok
      ? "targets met: review < 1 s, CSV > 50,000 rows/s"
      : "a target was missed (review < 1 s, CSV > 50,000 rows/s)",
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
