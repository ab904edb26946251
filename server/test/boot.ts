/**
 * Test harness: boots the real application on port 0 over a real database (a fresh PGlite directory, or this
 * file's own PostgreSQL database) and gives typed socket.io clients (host and students) plus cleanup().
 * No mocks: real sockets, real SQL.
 */
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { expect } from "vitest";
import {
  type ClientToServerEvents,
  createRng,
  generate,
  type HostSnapshot,
  type JoinResult,
  participantSeed,
  PROTOCOL_VERSION,
  type Result,
  type RoundInfo,
  type SampleInput,
  type ServerToClientEvents,
  type SubmitResult,
} from "@tokenroom/shared";
import { type Application, createApplication } from "../src/app.ts";
import { defaultLimits } from "../src/config.ts";
import type { TrustProxy } from "../src/limits/client-ip.ts";
import type { LimitsConfig } from "../src/limits/limiter.ts";
import { createLogger } from "../src/logger.ts";
import { loadModelRegistry, type ModelRegistry } from "../src/models/registry.ts";
import type { DatabaseTarget } from "../src/store/adapters.ts";
import { type Database, openDatabase } from "../src/store/database.ts";
import { atFileEnd } from "./file-end.ts";
import { createTestDatabase, type TestDatabase } from "./services.ts";
import { pgliteDataDir } from "./pglite.ts";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let registry: ModelRegistry | undefined;
export const models = (): ModelRegistry => (registry ??= loadModelRegistry());

let database: Promise<TestDatabase> | undefined;
/**
 * This test file's own PostgreSQL database (`t_…` on the machine's server, see services.ts): created on
 * first use, dropped after the file's tests (file-end.ts).
 */
export function testDatabaseUrl(): Promise<string> {
  if (!database) {
    const created = createTestDatabase();
    database = created;
    atFileEnd(async () => {
      database = undefined;
      await (await created.catch(() => undefined))?.drop();
    });
  }
  return database.then((d) => d.url);
}

/** The databases a test runs on: a fresh PGlite directory, and the file's own PostgreSQL database. */
export const targets: { name: string; target: () => Promise<DatabaseTarget> }[] = [
  { name: "pglite", target: () => Promise.resolve({ kind: "pglite", dataDir: pgliteDataDir() }) },
  { name: "postgres", target: async () => ({ kind: "postgres", url: await testDatabaseUrl() }) },
];

export interface BootOptions {
  db?: Database;
  target?: DatabaseTarget;
  verifyFraction?: number;
  statsIntervalMs?: number;
  sampleRatePerSecond?: number;
  sampleBurst?: number;
  /** A registry of its own (default: the shared one, which phoneSamples uses). */
  models?: ModelRegistry;
  /** ADMIN_TOKEN (default: none). */
  adminToken?: string;
  /** [L1]–[L7] Limits to change from the defaults of an empty environment (the honest path runs on those). */
  limits?: Partial<Omit<LimitsConfig, "rates">> & { rates?: Partial<LimitsConfig["rates"]> };
  /** TRUST_PROXY (default: none). */
  trustProxy?: TrustProxy;
  /** REDIS_URL (default: none). */
  redisUrl?: string;
  /** [FAN1] STATS_FANOUT_SOCKETS (default 250). */
  statsFanoutSockets?: number;
  /** [WARM1] DECODER_WARMUP_TOKENS (default here 0: off, so that tests see cold decoders unless they ask). */
  decoderWarmupTokens?: number;
}

/** What POST /api/sessions answers. */
export interface CreatedSession {
  sessionId: string;
  code: string;
  hostKey: string;
  joinUrl: string;
}

export interface Booted {
  url: string;
  app: Application;
  db: Database;
  sockets: ClientSocket[];
  socket(auth?: Record<string, unknown>): Promise<ClientSocket>;
  createSession(title?: string): Promise<CreatedSession>;
  host(title?: string): Promise<{
    socket: ClientSocket;
    snapshot: HostSnapshot;
    session: CreatedSession;
  }>;
  student(code: string, nickname: string): Promise<{ socket: ClientSocket; joined: JoinResult }>;
  cleanup(): Promise<void>;
}

export async function call<T>(socket: ClientSocket, event: string, payload: unknown): Promise<Result<T>> {
  // the typed maps do not allow arbitrary event names: tests also send unknown events and bad payloads.
  // 30 s is a safety net against a server that never answers, not a speed bound: on a loaded 2-core
  // machine an honest first answer can take over 10 s (e.g. a "be the model" round on a shipped passage
  // trains its held-out model first, [BM3])
  const untyped = socket.timeout(30_000) as unknown as {
    emitWithAck(e: string, p: unknown): Promise<Result<T>>;
  };
  return untyped.emitWithAck(event, payload);
}

export async function expectOk<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data;
}

/** Submits one batch of samples and expects every one of them accepted. */
export async function submitAccepted(
  socket: ClientSocket,
  roundId: string,
  samples: SampleInput[],
): Promise<void> {
  const r = await expectOk(call<SubmitResult>(socket, "sample:submit", { roundId, samples }));
  expect(r.results.every((x) => x.status === "accepted")).toBe(true);
}

/** Resolves with the next `event` payload that satisfies `pred`. */
const latest = new WeakMap<ClientSocket, Map<string, unknown[]>>();

/** Remembers the last payload of every event a socket receives, so `next` sees one that already arrived. */
export function track(socket: ClientSocket): ClientSocket {
  const seen = new Map<string, unknown[]>();
  latest.set(socket, seen);
  socket.onAny((event: string, ...args: unknown[]) => void seen.set(event, args));
  return socket;
}

/**
 * Resolves with the `event` payload that satisfies `pred`: the last one received (for tracked sockets),
 * or the next one. Periodic events (statistics) may have arrived before the test started waiting.
 */
export function next<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  pred: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  const last = latest.get(socket)?.get(event) as Parameters<ServerToClientEvents[E]> | undefined;
  if (last && pred(...last)) return Promise.resolve(last[0]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
      if (!pred(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(args[0]);
    };
    socket.on(event, listener as never);
  });
}

/** A tracked websocket client of a server at `url` (for tests that run server processes), added to `sockets`. */
export function connectTo(url: string, sockets: ClientSocket[]): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    const s: ClientSocket = track(
      connect(url, {
        transports: ["websocket"],
        auth: { protocol: PROTOCOL_VERSION },
        forceNew: true,
        reconnection: false,
        // The handshake's safety net (socket.io-client's default is 20 s), like `call`'s: not a speed bound.
        // Inside a full suite on a loaded 2-core machine (load average ~13), memory.test's 880 connects took
        // p99 3 s, max 3.5 s, while its server's event loop never waited more than 0.8 s; once, a starved
        // handshake still went past 20 s.
        timeout: 60_000,
      }),
    );
    sockets.push(s);
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

/** POST /api/sessions on the server at `url` (a booted app or a server process). */
export async function createSessionAt(url: string, title?: string): Promise<CreatedSession> {
  const res = await fetch(`${url}/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(title ? { title } : {}),
  });
  if (res.status !== 201) throw new Error(`POST /api/sessions: ${res.status}`);
  return (await res.json()) as CreatedSession;
}

/** Attaches `socket` as the host of `session` (host:attach with its host key). */
export function attachHost(
  socket: ClientSocket,
  session: { sessionId: string; hostKey: string },
): Promise<HostSnapshot> {
  return expectOk(
    call<HostSnapshot>(socket, "host:attach", { sessionId: session.sessionId, hostKey: session.hostKey }),
  );
}

/** Joins `socket` to the session with room code `code` as `nickname` (student:join). */
export function joinAs(socket: ClientSocket, code: string, nickname: string): Promise<JoinResult> {
  return expectOk(call<JoinResult>(socket, "student:join", { code, nickname }));
}

/**
 * The round most tests play: the toy model after "the", the model's own distribution (T = 1, no top-k or
 * top-p), completions of 3 tokens, sample mode; `over` changes some of it (or sends a bad value).
 */
export function toyRound(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    modelId: "toy",
    prompt: "the",
    temperature: 1,
    topK: 0,
    topP: 1,
    maxTokens: 3,
    mode: "sample",
    ...over,
  };
}

/** Starts `toyRound(over)` on `host` (round:start) and resolves with the round. */
export function startToyRound(host: ClientSocket, over: Record<string, unknown> = {}): Promise<RoundInfo> {
  return expectOk(call<RoundInfo>(host, "round:start", toyRound(over)));
}

/**
 * How many samples of a round a PostgreSQL database holds (read directly, not through any server): the
 * file's own database, or the one at `url`.
 */
export async function storedInPostgres(roundId: string, url?: string): Promise<number> {
  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: url ?? (await testDatabaseUrl()) });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM samples WHERE round_id = $1",
      [roundId],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** The samples a participant's phone would produce: sample i is generate(…, createRng(seed, i)). */
export function phoneSamples(
  round: RoundInfo,
  participantId: string,
  from: number,
  count: number,
  registry: ModelRegistry = models(),
) {
  const entry = registry.get(round.modelId)!;
  const settings = { temperature: round.temperature, topK: round.topK, topP: round.topP };
  const decoder = registry.decoder(entry.model, settings);
  const seed = participantSeed(round.seed, participantId);
  return Array.from({ length: count }, (_, k) => {
    const index = from + k;
    const g = generate(
      entry.model,
      round.promptTokens,
      settings,
      createRng(seed, index),
      round.maxTokens,
      decoder,
    );
    return { index, tokens: g.tokens };
  });
}

export async function boot(options: BootOptions = {}): Promise<Booted> {
  const db =
    options.db ?? (await openDatabase(options.target ?? { kind: "pglite", dataDir: pgliteDataDir() }));
  const app = createApplication({
    db,
    models: options.models ?? models(),
    config: {
      publicUrl: "http://tokenroom.test",
      verifyFraction: options.verifyFraction ?? 1,
      statsIntervalMs: options.statsIntervalMs ?? 40,
      sampleRatePerSecond: options.sampleRatePerSecond ?? 10_000,
      sampleBurst: options.sampleBurst ?? 10_000,
      ...(options.adminToken ? { adminToken: options.adminToken } : {}),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
      ...(options.statsFanoutSockets ? { statsFanoutSockets: options.statsFanoutSockets } : {}),
      ...(options.decoderWarmupTokens ? { decoderWarmupTokens: options.decoderWarmupTokens } : {}),
      limits: {
        ...defaultLimits(),
        ...options.limits,
        rates: { ...defaultLimits().rates, ...options.limits?.rates },
      },
    },
    log: createLogger(process.env.TEST_LOG ?? "silent"),
  });
  // The test client (undici) keeps idle connections 4 s; Node's server closes them after 5 s. On a loaded
  // machine a request can land on a connection the server is just closing (ECONNRESET): let the client
  // always be the one that closes an idle connection.
  app.httpServer.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => app.httpServer.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  const sockets: ClientSocket[] = [];

  const socket = (auth: Record<string, unknown> = { protocol: PROTOCOL_VERSION }) =>
    new Promise<ClientSocket>((resolve, reject) => {
      const s: ClientSocket = track(
        connect(url, {
          transports: ["websocket"],
          auth,
          forceNew: true,
          reconnection: false,
        }),
      );
      sockets.push(s);
      s.once("connect", () => resolve(s));
      s.once("connect_error", reject);
    });

  const createSession = (title?: string) => createSessionAt(url, title);

  return {
    url,
    app,
    db,
    sockets,
    socket,
    createSession,
    async host(title) {
      const session = await createSession(title);
      const s = await socket();
      return { socket: s, snapshot: await attachHost(s, session), session };
    },
    async student(code, nickname) {
      const s = await socket();
      return { socket: s, joined: await joinAs(s, code, nickname) };
    },
    async cleanup() {
      for (const s of sockets) s.disconnect();
      await app.close();
      if (!options.db) await db.close();
    },
  };
}
