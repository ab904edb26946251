/**
 * Who may read, list, rename and delete stored sessions (host key or ADMIN_TOKEN), over real sockets
 * and a real database (PGlite in memory, and PostgreSQL on 127.0.0.1).
 */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionLookupResponse, SessionPage, SessionReview, SessionSummary } from "@tokenroom/shared";
import { type Application, createApplication } from "../src/app.ts";
import { createLogger } from "../src/logger.ts";
import { type Database, openDatabase } from "../src/store/database.ts";
import {
  type Booted,
  boot,
  call,
  type ClientSocket,
  expectOk,
  models,
  next,
  phoneSamples,
  startToyRound,
  targets,
} from "./boot.ts";

const ADMIN = "d3a9f7c1e5b2084f6a1c9e7b3d5f2a8c0e4b6d9f1a3c7e52"; // strong ([H6]), as loadConfig requires
const WRONG = "w".repeat(32);

/** A second application on the same database, with ADMIN_TOKEN set (boot() has none). */
async function adminApp(db: Database): Promise<{ app: Application; url: string }> {
  const app = createApplication({
    db,
    models: models(),
    config: {
      publicUrl: "http://t.test",
      verifyFraction: 1,
      statsIntervalMs: 40,
      sampleRatePerSecond: 1e4,
      sampleBurst: 1e4,
      adminToken: ADMIN,
    },
    log: createLogger("silent"),
  });
  await new Promise<void>((resolve) => app.httpServer.listen(0, "127.0.0.1", resolve));
  return { app, url: `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}` };
}

interface Hosted {
  sessionId: string;
  code: string;
  hostKey: string;
  roundIds: string[];
  student: ClientSocket;
}

/** A host, two students with secret nicknames, one round of 12 + 8 samples, and one stored guess. */
async function host(t: Booted, title: string): Promise<Hosted> {
  const { socket, session } = await t.host(title);
  const a = await t.student(session.code, "Secret Nick A");
  const b = await t.student(session.code, "Secret Nick B");
  const round = await startToyRound(socket, { maxTokens: 2 });
  for (const [s, n] of [
    [a, 12],
    [b, 8],
  ] as const) {
    const samples = phoneSamples(round, s.joined.participantId, 0, n);
    await expectOk(call(s.socket, "sample:submit", { roundId: round.id, samples }));
  }
  await t.db.prisma.$executeRawUnsafe(
    `INSERT INTO guesses (round_id, participant_id, distribution) VALUES ($1, $2, '[0.5, 0.5]'::jsonb)`,
    round.id,
    a.joined.participantId,
  );
  return { ...session, roundIds: [round.id], student: a.socket };
}

describe.each(targets)("review access on $name", ({ target }) => {
  let db: Database;
  let t: Booted;
  let admin: { app: Application; url: string };
  let s1: Hosted;
  let s2: Hosted;
  beforeAll(async () => {
    db = await openDatabase(await target());
    t = await boot({ db });
    admin = await adminApp(db);
    s1 = await host(t, "First");
    s2 = await host(t, "Second");
  });
  afterAll(async () => {
    await t.cleanup();
    await admin.app.close();
    await db.close();
  });

  const request = (base: string, method: string, path: string, token: string | null, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
    });

  it("answers 401 without credentials and 403 with wrong ones, leaking nothing", async () => {
    const id = s1.sessionId;
    const endpoints: [string, string, unknown?][] = [
      ["GET", `/api/sessions/${id}/review`],
      ["GET", `/api/sessions/${id}/export.csv?kind=samples`],
      ["GET", `/api/sessions/${id}/export.csv?kind=guesses`],
      ["GET", `/api/sessions/${id}/export.json`],
      ["PATCH", `/api/sessions/${id}`, { title: "hacked" }],
      ["DELETE", `/api/sessions/${id}`],
    ];
    for (const [method, path, body] of endpoints) {
      for (const [token, status] of [
        [null, 401],
        [WRONG, 403],
        [s2.hostKey, 403],
        [ADMIN, 403], // t has no ADMIN_TOKEN configured
      ] as const) {
        const res = await request(t.url, method, path, token, body);
        expect(res.status, `${method} ${path} with ${token}`).toBe(status);
        const text = await res.text();
        expect(text).not.toContain("Secret Nick");
        if (status === 401) expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      }
    }
    expect((await request(t.url, "GET", `/api/sessions/${id}/review`, null)).status).toBe(401);
    const basic = await fetch(`${t.url}/api/sessions/${id}/review`, {
      headers: { authorization: "Basic eDp5" },
    });
    expect(basic.status).toBe(401);
    // the admin token opens every session for reading and deleting, but renaming is the host's
    for (const [method, path] of endpoints.slice(0, 4))
      expect((await request(admin.url, method, path, ADMIN)).status).toBe(200);
    expect((await request(admin.url, "PATCH", `/api/sessions/${id}`, ADMIN, { title: "x" })).status).toBe(
      403,
    );
    const missing = await request(admin.url, "GET", `/api/sessions/no-such-session/review`, ADMIN);
    expect(missing.status).toBe(404);
    expect(await db.prisma.session.count({ where: { id, title: "First" } })).toBe(1);
  });

  it("looks up the sessions a browser holds keys for, newest first", async () => {
    const lookup = async (sessions: { sessionId: string; hostKey: string }[]) => {
      const res = await request(t.url, "POST", "/api/sessions/lookup", null, { sessions });
      expect(res.status).toBe(200);
      return (await res.json()) as SessionLookupResponse;
    };
    const some = await lookup([
      { sessionId: s1.sessionId, hostKey: s1.hostKey },
      { sessionId: s2.sessionId, hostKey: WRONG },
      { sessionId: "gone", hostKey: WRONG },
    ]);
    expect(some.sessions).toEqual([
      {
        id: s1.sessionId,
        code: s1.code,
        title: "First",
        createdAt: expect.any(String) as string,
        endedAt: null,
        students: 2,
        rounds: 1,
        samples: 20,
      },
    ]);
    expect(some.unknown.sort()).toEqual([s2.sessionId, "gone"].sort());
    const both = await lookup([s1, s2].map((s) => ({ sessionId: s.sessionId, hostKey: s.hostKey })));
    expect(both.sessions.map((s) => s.id)).toEqual([s2.sessionId, s1.sessionId]);
    const tooMany = Array.from({ length: 201 }, () => ({ sessionId: s1.sessionId, hostKey: s1.hostKey }));
    expect((await request(t.url, "POST", "/api/sessions/lookup", null, { sessions: tooMany })).status).toBe(
      400,
    );
    expect((await request(t.url, "POST", "/api/sessions/lookup", null, "{nope")).status).toBe(400);
  });

  it("lists every session to the admin, in keyset pages", async () => {
    expect((await request(admin.url, "GET", "/api/admin/sessions", null)).status).toBe(401);
    expect((await request(admin.url, "GET", "/api/admin/sessions", s1.hostKey)).status).toBe(403);
    expect((await request(admin.url, "GET", "/api/admin/sessions?cursor=zzz", ADMIN)).status).toBe(400);
    const seen: SessionSummary[] = [];
    let cursor: string | null = "";
    // other test files share the PostgreSQL database: page until both sessions appear
    while (
      cursor !== null &&
      !(seen.some((s) => s.id === s1.sessionId) && seen.some((s) => s.id === s2.sessionId))
    ) {
      const res = await request(
        admin.url,
        "GET",
        `/api/admin/sessions?limit=2&cursor=${encodeURIComponent(cursor)}`,
        ADMIN,
      );
      const page = (await res.json()) as SessionPage;
      expect(page.sessions.length).toBeLessThanOrEqual(2);
      seen.push(...page.sessions);
      cursor = page.nextCursor;
    }
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    const order = seen.map((s) => s.createdAt);
    expect([...order].sort().reverse()).toEqual(order);
    const i1 = seen.findIndex((s) => s.id === s1.sessionId);
    const i2 = seen.findIndex((s) => s.id === s2.sessionId);
    expect(i2).toBeGreaterThanOrEqual(0);
    expect(i2).toBeLessThan(i1);
    expect(seen[i1]).toMatchObject({ students: 2, rounds: 1, samples: 20 });
  });

  it("renames a session with its host key", async () => {
    const res = await request(t.url, "PATCH", `/api/sessions/${s1.sessionId}`, s1.hostKey, {
      title: "  Renamed ",
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as SessionSummary).title).toBe("Renamed");
    const review = await request(t.url, "GET", `/api/sessions/${s1.sessionId}/review`, s1.hostKey);
    expect(((await review.json()) as SessionReview).session.title).toBe("Renamed");
    expect(await (await fetch(`${t.url}/api/rooms/${s1.code}`)).json()).toMatchObject({ title: "Renamed" });
    const long = await request(t.url, "PATCH", `/api/sessions/${s1.sessionId}`, s1.hostKey, {
      title: "x".repeat(81),
    });
    expect(long.status).toBe(400);
  });

  it("deletes a session and every row of it (host key, or admin)", async () => {
    const counts = async (s: Hosted) => ({
      sessions: await db.prisma.session.count({ where: { id: s.sessionId } }),
      participants: await db.prisma.participant.count({ where: { sessionId: s.sessionId } }),
      rounds: await db.prisma.round.count({ where: { sessionId: s.sessionId } }),
      samples: await db.prisma.sample.count({ where: { roundId: { in: s.roundIds } } }),
      guesses: await db.prisma.guess.count({ where: { roundId: { in: s.roundIds } } }),
    });
    expect(await counts(s1)).toEqual({ sessions: 1, participants: 2, rounds: 1, samples: 20, guesses: 1 });
    // s1 is live in t: its students hear that it ended
    const ended = next(s1.student, "session:ended");
    expect((await request(t.url, "DELETE", `/api/sessions/${s1.sessionId}`, s1.hostKey)).status).toBe(204);
    await ended;
    expect(await counts(s1)).toEqual({ sessions: 0, participants: 0, rounds: 0, samples: 0, guesses: 0 });
    expect((await request(t.url, "GET", `/api/sessions/${s1.sessionId}/review`, s1.hostKey)).status).toBe(
      404,
    );
    expect((await fetch(`${t.url}/api/rooms/${s1.code}`)).status).toBe(404);
    // s2 is not live in the admin's process: deleted all the same
    expect((await request(admin.url, "DELETE", `/api/sessions/${s2.sessionId}`, ADMIN)).status).toBe(204);
    expect(await counts(s2)).toEqual({ sessions: 0, participants: 0, rounds: 0, samples: 0, guesses: 0 });
    expect((await request(admin.url, "DELETE", `/api/sessions/${s2.sessionId}`, ADMIN)).status).toBe(404);
  });
});
