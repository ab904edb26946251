/**
 * `pnpm bench:abuse [--seconds 10] [--train-order 5] [--export-samples 100000] [--json]`: the attacks of issue 13
 * against a real server process on the embedded database (PGlite), one after another, while a probe measures
 * the server's event-loop delay (GET /debug/event-loop, on with DEBUG_EVENT_LOOP=1: monitorEventLoopDelay, reset
 * at the start of each attack) and the latency of GET /healthz (one request every 20 ms, one at a time).
 * Prints one row per attack with the figures and the targets (lag p99 < 50 ms, /healthz p99 < 100 ms), after a
 * quiet baseline from the same run. Every loop is bounded in count and in time. A benchmark, not a test.
 *
 * Attacks: a 2 MB text of 300,000 random words (refused: over the vocabulary limit); training and storing 2 MB of
 * random words from 45,000 (order 5); a round on that model at T = 10, top-k 0, 40 tokens (its indexes are built);
 * junk-sample batches on it (5 students, 100 random-token samples per batch); 100 honest and 100 nearly honest
 * samples (the last token changed) in one batch each; ten students sampling honestly at the rate limit on the
 * shipped model; a CSV export of 100,000 samples (seeded into the database before the server starts); session
 * creation and room-lookup floods (20 requests in flight).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Socket } from "socket.io-client";
import {
  createRng,
  Decoder,
  generate,
  type HostSnapshot,
  type JoinResult,
  type LanguageModel,
  LIMITS,
  modelFromArtifact,
  participantSeed,
  type Result,
  ROOM_CODE_ALPHABET,
  type RoundInfo,
  type SampleInput,
  type SubmitResult,
} from "@tokenroom/shared";
import { loadModelRegistry } from "../../server/src/models/registry.ts";
import { openDatabase } from "../../server/src/store/database.ts";
import { startServer } from "../support/process.ts";
import { randomWordsText, seedSession } from "./seed-review.ts";
import { askBot, connectBot } from "./bot-socket.ts";
import { readStream } from "./read-stream.ts";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    "train-order": { type: "string", default: "5" },
    "export-samples": { type: "string", default: "100000" },
    json: { type: "boolean", default: false },
  },
});
const SECONDS = Number(opts.seconds);
const TRAIN_ORDER = Number(opts["train-order"]);
const EXPORT_SAMPLES = Number(opts["export-samples"]);
const JSON_OUT = opts.json;
const LAG_TARGET_MS = 50;
const HEALTH_TARGET_MS = 100;
/** No single request or attack step waits longer than this. */
const REQUEST_TIMEOUT_MS = 30_000;
/** The two expensive batches: 8,000 fresh model steps over 45,000 words take over 30 s of CPU on a loaded machine. */
const BATCH_MS = 180_000;
const log = (m: string) => void (JSON_OUT ? process.stderr.write(m + "\n") : console.log(m));

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timeout = () => AbortSignal.timeout(REQUEST_TIMEOUT_MS);
/**
 * fetch, once more if the connection was closed under it: after more than 5 s idle (e.g. while this process indexes
 * the large model) the server closes a kept-alive connection the client may be reusing at that moment.
 */
const fetchAgain = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, signal: timeout() }).catch(() => fetch(url, { ...init, signal: timeout() }));

const ask = <T>(s: Socket, event: string, payload: unknown, ms = REQUEST_TIMEOUT_MS) =>
  askBot<T>(s, event, payload, ms);
async function must<T>(p: Promise<Result<T>>, what: string): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${what}: ${r.error.code} ${r.error.message}`);
  return r.data;
}

interface Lag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** /healthz every 20 ms, one at a time, and the server's event-loop delay, from start() to stop(). */
class Probe {
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private health: number[] = [];
  private failed = 0;

  constructor(private readonly url: string) {}

  async start(): Promise<void> {
    await fetchAgain(`${this.url}/debug/event-loop?reset=1`).then((r) => r.json());
    this.health = [];
    this.failed = 0;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const t0 = performance.now();
        try {
          const res = await fetch(`${this.url}/healthz`, { signal: timeout() });
          await res.arrayBuffer();
          if (res.status === 200) this.health.push(performance.now() - t0);
          else this.failed++;
        } catch {
          this.failed++;
        }
        await sleep(20);
      }
    })();
  }

  async stop(): Promise<{
    lag: Lag;
    healthP50Ms: number;
    healthP99Ms: number;
    healthN: number;
    healthFailed: number;
  }> {
    this.running = false;
    await this.loop;
    const lag = (await fetch(`${this.url}/debug/event-loop`, { signal: timeout() }).then((r) =>
      r.json(),
    )) as Lag;
    return {
      lag,
      healthP50Ms: percentile(this.health, 50),
      healthP99Ms: percentile(this.health, 99),
      healthN: this.health.length,
      healthFailed: this.failed,
    };
  }
}

interface Row {
  attack: string;
  seconds: number;
  outcome: string;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  healthP50Ms: number;
  healthP99Ms: number;
  healthRequests: number;
  healthFailed: number;
  met: boolean;
}

const rows: Row[] = [];
async function measure(probe: Probe, attack: string, run: () => Promise<string>): Promise<void> {
  log(`${attack}…`);
  await probe.start();
  const t0 = performance.now();
  let outcome: string;
  try {
    outcome = await run();
  } catch (error) {
    outcome = `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const seconds = (performance.now() - t0) / 1000;
  const p = await probe.stop();
  const row: Row = {
    attack,
    seconds: +seconds.toFixed(1),
    outcome,
    lagP50Ms: p.lag.p50Ms,
    lagP99Ms: p.lag.p99Ms,
    lagMaxMs: p.lag.maxMs,
    healthP50Ms: +p.healthP50Ms.toFixed(1),
    healthP99Ms: +p.healthP99Ms.toFixed(1),
    healthRequests: p.healthN,
    healthFailed: p.healthFailed,
    met: p.lag.p99Ms < LAG_TARGET_MS && p.healthP99Ms < HEALTH_TARGET_MS && p.healthFailed === 0,
  };
  rows.push(row);
  log(`  ${outcome}; lag p99 ${row.lagP99Ms} ms (max ${row.lagMaxMs}), /healthz p99 ${row.healthP99Ms} ms`);
}

/** Runs `body` in a loop until `seconds` have passed (and at most `maxRuns` times). */
async function forSeconds(seconds: number, maxRuns: number, body: () => Promise<void>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let runs = 0;
  while (performance.now() < end && runs < maxRuns) {
    await body();
    runs++;
  }
  return runs;
}

/** A training request's body, made before its attack is measured: making it blocks this process, probe included. */
const trainBody = (text: string, order: number) => JSON.stringify({ text, tokenizer: "word", order });

async function train(url: string, auth: Record<string, string>, body: string) {
  const res = await fetch(`${url}/api/models/train`, {
    method: "POST",
    headers: { "content-type": "application/json", ...auth },
    body,
    signal: AbortSignal.timeout(300_000),
  });
  const answer = await res.text();
  const last = answer.trim().split("\n").at(-1) ?? "";
  return { status: res.status, last };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "tokenroom-abuse-"));
  const models = loadModelRegistry();
  // the export's 100,000 samples go straight into the database before the server opens it
  log(`seeding ${EXPORT_SAMPLES} samples…`);
  const db = await openDatabase({ kind: "pglite", dataDir });
  const exported = await seedSession(db, models, {
    students: 200,
    rounds: 20,
    perRound: Math.max(1, Math.round(EXPORT_SAMPLES / 4000)),
  });
  await db.close();
  const server = await startServer({ DATA_DIR: dataDir, DEBUG_EVENT_LOOP: "1" });
  const url = server.url;
  const sockets: Socket[] = [];
  const probe = new Probe(url);
  try {
    await measure(probe, "quiet baseline", async () => {
      await sleep(3000);
      return "nothing";
    });

    const created = (await (await fetchAgain(`${url}/api/sessions`, { method: "POST" })).json()) as {
      sessionId: string;
      code: string;
      hostKey: string;
    };
    const auth = { authorization: `Bearer ${created.hostKey}`, "x-session-id": created.sessionId };
    const host = await connectBot(url);
    sockets.push(host);
    await must(
      ask<HostSnapshot>(host, "host:attach", { sessionId: created.sessionId, hostKey: created.hostKey }),
      "host:attach",
    );

    // the bodies are made before their attacks: the probe runs in this process, and would time their making too
    const refusedBody = trainBody(randomWordsText(2 * 1024 * 1024, 300_000, 11), 2);
    const largeBody = trainBody(randomWordsText(2 * 1024 * 1024, 45_000, 12), TRAIN_ORDER);
    await measure(probe, "train 2 MB of 300,000 random words", async () => {
      const r = await train(url, auth, refusedBody);
      return `HTTP ${r.status}: ${r.last.slice(0, 160)}`;
    });

    let modelId = "";
    await measure(probe, `train + store 2 MB, 45,000 random words, order ${TRAIN_ORDER}`, async () => {
      const r = await train(url, auth, largeBody);
      const line = JSON.parse(r.last) as { model?: { id: string; vocabSize: number } };
      if (!line.model) throw new Error(`HTTP ${r.status}: ${r.last.slice(0, 200)}`);
      modelId = line.model.id;
      return `${line.model.id}, ${line.model.vocabSize} words`;
    });
    if (!modelId) throw new Error("the large model was not trained; the attacks on it cannot run");

    const students: { socket: Socket; participantId: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const socket = await connectBot(url);
      sockets.push(socket);
      const joined = await must(
        ask<JoinResult>(socket, "student:join", { code: created.code, nickname: `junk${i}` }),
        "student:join",
      );
      students.push({ socket, participantId: joined.participantId });
    }
    const settings = { temperature: 10, topK: 0, topP: 1 };
    let round: RoundInfo | undefined;
    await measure(probe, "round on it: T = 10, top-k 0, 40 tokens", async () => {
      round = await must(
        ask<RoundInfo>(host, "round:start", {
          modelId,
          prompt: "w1x w2x",
          ...settings,
          maxTokens: 40,
          mode: "sample",
        }),
        "round:start",
      );
      return `round ${round.id.slice(0, 8)} started`;
    });
    if (!round) throw new Error("no round on the large model");
    const r = round;

    const artifact = await fetchAgain(`${url}/api/models/${modelId}`, { headers: auth });
    const model: LanguageModel = modelFromArtifact(await artifact.json());
    const vocab = model.vocab.length;

    await measure(probe, "junk batches on it: 5 students × 100 samples", async () => {
      let sent = 0;
      let rejected = 0;
      let limited = 0;
      await Promise.all(
        students.map(async (s, k) => {
          const rng = createRng(1000 + k, 0);
          await forSeconds(SECONDS, 1000, async () => {
            const samples: SampleInput[] = Array.from({ length: 100 }, (_, i) => ({
              index: i,
              tokens: Array.from({ length: 40 }, () => 3 + Math.floor(rng.next() * (vocab - 3))),
            }));
            sent += samples.length;
            const res = await ask<SubmitResult>(s.socket, "sample:submit", { roundId: r.id, samples });
            if (!res.ok) {
              limited += samples.length;
              await sleep(200);
            } else rejected += res.data.results.filter((x) => x.status === "rejected").length;
          });
        }),
      );
      return `${sent} sent, ${rejected} rejected as wrong, ${limited} rate-limited`;
    });

    // honest samples cost the server a full replay each (40 fresh steps on this model): the worst batch
    const honest = (participantId: string, from: number, n: number) => {
      const decoder = new Decoder(model, settings);
      const seed = participantSeed(r.seed, participantId);
      return Array.from({ length: n }, (_, i) => ({
        index: from + i,
        tokens: generate(model, r.promptTokens, settings, createRng(seed, from + i), 40, decoder).tokens,
      }));
    };
    log("  (generating 200 honest samples on the large model…)");
    const good = honest(students[0]!.participantId, 0, 100);
    const nearly = honest(students[1]!.participantId, 0, 100).map((s) => ({
      ...s,
      tokens: [...s.tokens.slice(0, -1), s.tokens.at(-1) === 5 ? 6 : 5],
    }));
    await measure(probe, "one batch of 100 honest + one of 100 nearly honest samples on it", async () => {
      const [a, b] = await Promise.all([
        must(
          ask<SubmitResult>(students[0]!.socket, "sample:submit", { roundId: r.id, samples: good }, BATCH_MS),
          "submit",
        ),
        must(
          ask<SubmitResult>(
            students[1]!.socket,
            "sample:submit",
            { roundId: r.id, samples: nearly },
            BATCH_MS,
          ),
          "submit",
        ),
      ]);
      const ok = (x: SubmitResult) => x.results.filter((y) => y.status === "accepted").length;
      return `honest: ${ok(a)}/100 accepted; nearly honest: ${ok(b)}/100 accepted`;
    });
    await must(ask(host, "round:close", { roundId: r.id }), "round:close");

    // ten students sampling honestly at the rate limit (60/s, burst 400 by default) on the shipped model
    const second = (await (await fetchAgain(`${url}/api/sessions`, { method: "POST" })).json()) as {
      sessionId: string;
      code: string;
      hostKey: string;
    };
    const host2 = await connectBot(url);
    sockets.push(host2);
    await must(
      ask<HostSnapshot>(host2, "host:attach", { sessionId: second.sessionId, hostKey: second.hostKey }),
      "host:attach",
    );
    const bots: { socket: Socket; participantId: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const socket = await connectBot(url);
      sockets.push(socket);
      const joined = await must(
        ask<JoinResult>(socket, "student:join", { code: second.code, nickname: `bot${i}` }),
        "student:join",
      );
      bots.push({ socket, participantId: joined.participantId });
    }
    const shipped = { temperature: 1, topK: 0, topP: 0.9 };
    const r2 = await must(
      ask<RoundInfo>(host2, "round:start", {
        modelId: "tiny-stories",
        prompt: "once upon a time",
        ...shipped,
        maxTokens: 40,
        mode: "sample",
      }),
      "round:start",
    );
    const tiny = models.get("tiny-stories")!.model;
    const tinyDecoder = new Decoder(tiny, shipped);
    await measure(probe, "ten students sampling honestly at the rate limit (shipped model)", async () => {
      let accepted = 0;
      let limited = 0;
      await Promise.all(
        bots.map(async (b) => {
          const seed = participantSeed(r2.seed, b.participantId);
          let index = 0;
          await forSeconds(SECONDS, 10_000, async () => {
            const t0 = performance.now();
            const samples = Array.from({ length: 20 }, () => {
              const i = index++;
              const g = generate(tiny, r2.promptTokens, shipped, createRng(seed, i), 40, tinyDecoder);
              return { index: i, tokens: g.tokens };
            });
            const res = await ask<SubmitResult>(b.socket, "sample:submit", { roundId: r2.id, samples });
            if (!res.ok) {
              limited += samples.length;
              index -= samples.length;
            } else accepted += res.data.results.filter((x) => x.status === "accepted").length;
            await sleep(Math.max(0, 1000 / 3 - (performance.now() - t0))); // 20 every 1/3 s: 60/s
          });
        }),
      );
      return `${accepted} accepted (${(accepted / SECONDS).toFixed(0)}/s), ${limited} rate-limited`;
    });

    await measure(probe, `CSV export of ${EXPORT_SAMPLES} samples`, async () => {
      const res = await fetch(`${url}/api/sessions/${exported.sessionId}/export.csv?kind=samples`, {
        headers: { authorization: `Bearer ${exported.hostKey}` },
        signal: AbortSignal.timeout(300_000),
      });
      if (res.status !== 200 || !res.body) throw new Error(`HTTP ${res.status}`);
      const { bytes, lines } = await readStream(res.body);
      return `${lines - 1} rows, ${(bytes / 1e6).toFixed(1)} MB`;
    });

    const flood = async (request: () => Promise<Response>) => {
      const statuses = new Map<number, number>();
      await Promise.all(
        Array.from({ length: 20 }, () =>
          forSeconds(Math.min(SECONDS, 5), 100_000, async () => {
            const res = await request().catch(() => null);
            await res?.arrayBuffer();
            const status = res?.status ?? 0;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }),
        ),
      );
      return [...statuses].map(([s, n]) => `${n} × ${s === 0 ? "error" : s}`).join(", ");
    };
    await measure(probe, "session-creation flood (20 in flight)", () =>
      flood(() => fetch(`${url}/api/sessions`, { method: "POST", signal: timeout() })),
    );
    await measure(probe, "room-lookup flood (20 in flight)", () => {
      const rng = createRng(77, 0);
      const code = () =>
        Array.from(
          { length: LIMITS.roomCodeLength },
          () => ROOM_CODE_ALPHABET[Math.floor(rng.next() * ROOM_CODE_ALPHABET.length)],
        ).join("");
      return flood(() => fetch(`${url}/api/rooms/${code()}`, { signal: timeout() }));
    });
  } catch (error) {
    log(`the benchmark stopped: ${error instanceof Error ? error.message : String(error)}`);
    log(`server exit: ${server.child.exitCode ?? server.child.signalCode ?? "running"}; its last output:`);
    log(server.output().slice(-3000));
  } finally {
    for (const s of sockets) s.disconnect();
    await server.stop("SIGTERM").catch(() => server.stop("SIGKILL"));
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (JSON_OUT) console.log(JSON.stringify(rows));
  else {
    console.log(
      `\nTokenroom abuse benchmark (targets: event-loop lag p99 < ${LAG_TARGET_MS} ms, /healthz p99 < ${HEALTH_TARGET_MS} ms)`,
    );
    console.table(
      rows.map((x) => ({
        attack: x.attack,
        s: x.seconds,
        "lag p50 ms": x.lagP50Ms,
        "lag p99 ms": x.lagP99Ms,
        "lag max ms": x.lagMaxMs,
        "/healthz p50 ms": x.healthP50Ms,
        "/healthz p99 ms": x.healthP99Ms,
        "/healthz n": x.healthRequests,
        "/healthz failed": x.healthFailed,
        targets: x.met ? "met" : "MISSED",
      })),
    );
    for (const x of rows) console.log(`  ${x.attack}: ${x.outcome}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
