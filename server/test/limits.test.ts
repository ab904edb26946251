/**
 * Limits everywhere a stranger can reach (docs/security.md [L1]–[L7]): each test boots a real server with a small
 * limit, reproduces the abuse over real HTTP and sockets, and asserts the refusal (429 + Retry-After, or a socket
 * RATE_LIMITED with retryAfterMs) and that other clients are unaffected. Distinct client addresses come through
 * X-Forwarded-For from the test's loopback "proxy" (TRUST_PROXY=loopback), as behind nginx.
 */
import { io as connect } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ErrorCode,
  type GuessResult,
  type JoinResult,
  PROTOCOL_VERSION,
  type Result,
} from "@tokenroom/shared";
import {
  type BootOptions,
  type Booted,
  boot,
  call,
  type ClientSocket,
  expectOk,
  startToyRound,
  track,
} from "./boot.ts";
import { type Database, openDatabase } from "../src/store/database.ts";
import { pgliteDataDir } from "./pglite.ts";
import { startRedis } from "./services.ts";

// Every test boots an app of its own (its own limits, counted in its own memory) over one database: the
// limits live in the app, and each test makes its own sessions, so none reads another's rows. One database
// instead of one per test saves its start (~1.5 s of CPU) thirteen times.
let db: Database;
beforeAll(async () => void (db = await openDatabase({ kind: "pglite", dataDir: pgliteDataDir() })));
afterAll(async () => db?.close());

let t: Booted | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const start = async (options: BootOptions) => (t = await boot({ trustProxy: ["loopback"], db, ...options }));
const from = (ip: string) => ({ "x-forwarded-for": ip });

/** A socket whose handshake says it comes from `ip` (through the trusted loopback proxy). */
function socketFrom(b: Booted, ip: string): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    const s: ClientSocket = track(
      connect(b.url, {
        transports: ["websocket"],
        auth: { protocol: PROTOCOL_VERSION },
        extraHeaders: from(ip),
        forceNew: true,
        reconnection: false,
      }),
    );
    b.sockets.push(s);
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  });
}

/** A 429 with Retry-After in whole seconds (≤ the window) and the API's JSON error, saying what is limited. */
async function expectTooMany(res: Response, windowSeconds: number, what: RegExp): Promise<void> {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(ErrorCode.RATE_LIMITED);
  expect(body.error.message).toMatch(what);
  expect(body.error.message).toMatch(/try again in \d+ (s|min)/);
}

/** A socket error RATE_LIMITED with a retryAfterMs hint within the window. */
function expectLimited(r: Result<unknown>, windowMs: number, what: RegExp): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error.code).toBe(ErrorCode.RATE_LIMITED);
  expect(r.error.message).toMatch(what);
  expect(r.error.retryAfterMs).toBeGreaterThan(0);
  expect(r.error.retryAfterMs).toBeLessThanOrEqual(windowMs);
}

const createSession = (b: Booted, ip: string) =>
  fetch(`${b.url}/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...from(ip) },
    body: "{}",
  });

describe("[L1] session creation per IP", () => {
  it("answers 429 with Retry-After once an address has created its allowance; others still create", async () => {
    const b = await start({ limits: { rates: { sessionsPerIp: { points: 2, seconds: 600 } } } });
    for (let i = 0; i < 2; i++) expect((await createSession(b, "203.0.113.1")).status).toBe(201);
    await expectTooMany(
      await createSession(b, "203.0.113.1"),
      600,
      /creating sessions is limited to 2 per 10 minutes/,
    );
    expect((await createSession(b, "203.0.113.2")).status).toBe(201);
  });
});

describe("[L2] room lookups and failed joins", () => {
  it("limits GET /api/rooms/:code per IP", async () => {
    const b = await start({ limits: { rates: { roomLookupsPerIp: { points: 3, seconds: 60 } } } });
    const { code } = await b.createSession();
    const lookup = (ip: string) => fetch(`${b.url}/api/rooms/${code}`, { headers: from(ip) });
    for (let i = 0; i < 3; i++) expect((await lookup("203.0.113.1")).status).toBe(200);
    await expectTooMany(await lookup("203.0.113.1"), 60, /looking up rooms is limited to 3 per minute/);
    expect((await lookup("203.0.113.2")).status).toBe(200);
  });

  it("counts codes that do not exist, over HTTP and sockets, per IP; successful joins cost nothing", async () => {
    const b = await start({ limits: { rates: { failedJoinsPerIp: { points: 3, seconds: 600 } } } });
    const { code } = await b.createSession();
    const s = await socketFrom(b, "203.0.113.1");
    // honest joins and lookups do not use up the allowance
    for (let i = 0; i < 4; i++)
      expect((await fetch(`${b.url}/api/rooms/${code}`, { headers: from("203.0.113.1") })).status).toBe(200);
    for (let i = 0; i < 4; i++)
      await expectOk(
        call<JoinResult>(await socketFrom(b, "203.0.113.1"), "student:join", { code, nickname: `ok${i}` }),
      );
    // three wrong codes: two over the socket, one over HTTP
    for (const wrong of ["QQQQQ3", "QQQQQ4"]) {
      const r = await call(s, "student:join", { code: wrong, nickname: "probe" });
      expect(r.ok || r.error.code).toBe(ErrorCode.NOT_FOUND);
    }
    expect((await fetch(`${b.url}/api/rooms/QQQQQ6`, { headers: from("203.0.113.1") })).status).toBe(404);
    // now even the right code is refused from that address, on both transports
    expectLimited(
      await call(s, "student:join", { code, nickname: "late" }),
      600_000,
      /codes, tokens or keys that do not match/,
    );
    await expectTooMany(
      await fetch(`${b.url}/api/rooms/${code}`, { headers: from("203.0.113.1") }),
      600,
      /room codes that do not exist is limited to 3 per 10 minutes/,
    );
    expect(s.connected).toBe(true); // the per-IP limit refuses; it does not close the socket
    await expectOk(
      call<JoinResult>(await socketFrom(b, "203.0.113.2"), "student:join", { code, nickname: "other" }),
    );
  });

  it("answers RATE_LIMITED and closes a socket that failed its allowance of joins", async () => {
    const b = await start({ limits: { rates: { failedJoinsPerSocket: { points: 3, seconds: 600 } } } });
    const { code } = await b.createSession();
    const s = await socketFrom(b, "203.0.113.1");
    const closed = new Promise<string>((resolve) => s.once("disconnect", resolve));
    for (const wrong of ["QQQQQ3", "QQQQQ4", "QQQQQ6"]) {
      const r = await call(s, "student:join", { code: wrong, nickname: "probe" });
      expect(r.ok || r.error.code).toBe(ErrorCode.NOT_FOUND);
    }
    expectLimited(
      await call(s, "student:join", { code, nickname: "probe" }),
      600_000,
      /do not match on this connection \(at most 3 per 10 minutes\): it is closed; check the code/,
    );
    expect(await closed).toBe("io server disconnect");
    // the same address opens a new socket and joins (its per-IP allowance is far from used)
    await expectOk(
      call<JoinResult>(await socketFrom(b, "203.0.113.1"), "student:join", { code, nickname: "honest" }),
    );
  });

  it("counts wrong resume tokens and host keys as failed joins too", async () => {
    const b = await start({ limits: { rates: { failedJoinsPerSocket: { points: 2, seconds: 600 } } } });
    const { sessionId } = await b.createSession();
    const s = await socketFrom(b, "203.0.113.1");
    const wrongKey = await call(s, "host:attach", { sessionId, hostKey: "x".repeat(43) });
    expect(wrongKey.ok || wrongKey.error.code).toBe(ErrorCode.FORBIDDEN);
    const wrongToken = await call(s, "student:resume", {
      participantId: "p".repeat(21),
      resumeToken: "x".repeat(43),
    });
    expect(wrongToken.ok || wrongToken.error.code).toMatch(/^(NOT_FOUND|FORBIDDEN)$/);
    expectLimited(await call(s, "host:attach", { sessionId, hostKey: "y".repeat(43) }), 600_000, /closed/);
  });
});

describe("[L3] students per session", () => {
  it("refuses the N+1th student with SESSION_FULL; a removed student frees a place", async () => {
    const b = await start({ limits: { maxStudentsPerSession: 3 } });
    const { socket: host, session } = await b.host();
    const joined = [];
    for (let i = 0; i < 3; i++) joined.push(await b.student(session.code, `s${i}`));
    const full = await call(await b.socket(), "student:join", { code: session.code, nickname: "fourth" });
    expect(full.ok).toBe(false);
    if (!full.ok) {
      expect(full.error.code).toBe(ErrorCode.SESSION_FULL);
      expect(full.error.message).toMatch(
        /this session is full \(3 students\); ask the instructor to start another/,
      );
    }
    await expectOk(call(host, "participant:remove", { participantId: joined[0]!.joined.participantId }));
    await b.student(session.code, "fourth");
  });
});

describe("[L4] guesses per participant", () => {
  it("answers RATE_LIMITED with retryAfterMs beyond the allowance and keeps the last accepted guess", async () => {
    const b = await start({ limits: { rates: { guessesPerParticipant: { points: 2, seconds: 60 } } } });
    const { socket: host, session } = await b.host();
    const a = await b.student(session.code, "a");
    const round = await startToyRound(host, { maxTokens: 2, mode: "guess", guessCandidates: 3 });
    const guess = (probs: number[]) =>
      call<GuessResult>(a.socket, "guess:submit", { roundId: round.id, probs });
    await expectOk(guess([0.25, 0.25, 0.25, 0.25]));
    await expectOk(guess([0.7, 0.1, 0.1, 0.1]));
    expectLimited(
      await guess([0.1, 0.1, 0.1, 0.7]),
      60_000,
      /sending guesses is limited to 2 per minute per student/,
    );
    const rows = await b.db.prisma.guess.findMany({ where: { roundId: round.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.distribution).toEqual([0.7, 0.1, 0.1, 0.1]);
    // another student has an allowance of their own
    const other = await b.student(session.code, "b");
    await expectOk(
      call<GuessResult>(other.socket, "guess:submit", { roundId: round.id, probs: [0.25, 0.25, 0.25, 0.25] }),
    );
  });
});

const STORY = (n: number) =>
  Array.from(
    { length: 8 },
    (_, i) => `Line ${i} of story ${n}: the robot and the bird planted seeds in the garden by the pond.`,
  ).join("\n");

describe("[L5] trainings per session and per IP", () => {
  const train = (b: Booted, auth: { sessionId: string; hostKey: string }, text: string, ip = "203.0.113.1") =>
    fetch(`${b.url}/api/models/train`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${auth.hostKey}`,
        "x-session-id": auth.sessionId,
        ...from(ip),
      },
      body: JSON.stringify({ text, tokenizer: "word", order: 2 }),
    });
  const trained = async (res: Response) => {
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/"model":/);
  };

  it("refuses a session's training beyond its allowance; a model already trained is still offered", async () => {
    const b = await start({ limits: { rates: { trainingsPerSession: { points: 1, seconds: 3600 } } } });
    const host = await b.createSession();
    const tag = crypto.randomUUID();
    await trained(await train(b, host, STORY(1) + tag));
    await expectTooMany(
      await train(b, host, STORY(2) + tag),
      3600,
      /training models is limited to 1 per hour per session/,
    );
    await trained(await train(b, host, STORY(1) + tag)); // the same text again: no training
    await trained(await train(b, await b.createSession(), STORY(2) + tag)); // another session
  });

  it("refuses an address's training beyond its allowance, whichever session it uses", async () => {
    const b = await start({ limits: { rates: { trainingsPerIp: { points: 1, seconds: 3600 } } } });
    const tag = crypto.randomUUID();
    await trained(await train(b, await b.createSession(), STORY(1) + tag));
    await expectTooMany(
      await train(b, await b.createSession(), STORY(2) + tag),
      3600,
      /training models is limited to 1 per hour per network address/,
    );
    await trained(await train(b, await b.createSession(), STORY(2) + tag, "203.0.113.2"));
  });
});

describe("[L6] open sockets per IP", () => {
  it("refuses the handshake beyond the cap with RATE_LIMITED and retryAfterMs; a closed socket frees a place", async () => {
    const b = await start({ limits: { maxSocketsPerIp: 3 } });
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await socketFrom(b, "203.0.113.1"));
    const refused = (await socketFrom(b, "203.0.113.1").catch((e: unknown) => e)) as Error & {
      data?: { code?: string; retryAfterMs?: number };
    };
    expect(refused).toBeInstanceOf(Error);
    expect(refused.message).toMatch(/too many open connections from this network address \(at most 3\)/);
    expect(refused.data).toEqual({ code: ErrorCode.RATE_LIMITED, retryAfterMs: 25_000 });
    await socketFrom(b, "203.0.113.2"); // another address
    open[0]!.disconnect();
    await vi.waitFor(() => socketFrom(b, "203.0.113.1"), { timeout: 10_000, interval: 50 });
  });
});

describe("[L7] the client address under TRUST_PROXY", () => {
  it("ignores X-Forwarded-For unless the peer is a trusted proxy", async () => {
    const b = await start({
      trustProxy: false,
      limits: { rates: { sessionsPerIp: { points: 1, seconds: 600 } } },
    });
    expect((await createSession(b, "203.0.113.1")).status).toBe(201);
    // a client cannot pose as another address: without a trusted proxy, the header is not the client
    await expectTooMany(await createSession(b, "203.0.113.2"), 600, /creating sessions/);
  });

  it("keeps the defaults: 1,000 students on one address (one NAT) join one session, the 1,001th is refused", async () => {
    // one lecture hall behind one NAT address; the loopback of the test is that address
    const b = await start({ trustProxy: false });
    const { session } = await b.host();
    for (let i = 0; i < 1000; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, async (_, k) => {
          const s = await b.socket();
          await expectOk(call<JoinResult>(s, "student:join", { code: session.code, nickname: `n${i + k}` }));
        }),
      );
    const full = await call(await b.socket(), "student:join", { code: session.code, nickname: "n1000" });
    expect(full.ok || full.error.code).toBe(ErrorCode.SESSION_FULL);
  }, 120_000);
});

describe("[L8] several processes share the counts through Redis", () => {
  it("counts one address's sessions on every process", async () => {
    const redis = await startRedis();
    const options: BootOptions = {
      db,
      trustProxy: ["loopback"],
      redisUrl: redis.url,
      limits: { rates: { sessionsPerIp: { points: 2, seconds: 600 } } },
    };
    const [a, b] = await Promise.all([boot(options), boot(options)]);
    try {
      await Promise.all([a.app.limits.shared(), b.app.limits.shared()]);
      expect((await createSession(a, "203.0.113.1")).status).toBe(201);
      expect((await createSession(b, "203.0.113.1")).status).toBe(201);
      await expectTooMany(await createSession(a, "203.0.113.1"), 600, /creating sessions/);
      await expectTooMany(await createSession(b, "203.0.113.1"), 600, /creating sessions/);
      expect((await createSession(b, "203.0.113.2")).status).toBe(201);
    } finally {
      await Promise.all([a.cleanup(), b.cleanup()]);
      await redis.close();
    }
  });

  it("counts alone in memory while Redis is unreachable, without waiting for it", async () => {
    const redis = await startRedis();
    const b = await start({
      redisUrl: redis.url,
      limits: { rates: { sessionsPerIp: { points: 2, seconds: 600 } } },
    });
    try {
      await b.app.limits.shared();
      await redis.stop();
      expect((await createSession(b, "203.0.113.1")).status).toBe(201);
      expect((await createSession(b, "203.0.113.1")).status).toBe(201);
      await expectTooMany(await createSession(b, "203.0.113.1"), 600, /creating sessions/);
    } finally {
      await redis.start(); // scale/ quits its Redis clients, which waits for Redis
      await b.cleanup();
      t = undefined;
      await redis.close();
    }
  });
});
