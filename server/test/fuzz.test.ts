/**
 * Fuzz: thousands of random and mutated payloads thrown at a live server by a host, a student and an
 * anonymous socket. Deterministic: a fixed list of seeds, a fixed number of payloads per seed (no clock).
 * Every payload is acknowledged, every refusal carries a documented error code (never INTERNAL), and
 * afterwards the counts are still exact and the server still answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLIENT_EVENTS,
  createRng,
  ErrorCode,
  type Rng,
  type Result,
  type SubmitResult,
} from "@tokenroom/shared";
import {
  type Booted,
  boot,
  call,
  type ClientSocket,
  expectOk,
  next,
  phoneSamples,
  startToyRound,
  toyRound,
} from "./boot.ts";

const SEEDS = [20261128, 1, 0xdeadbeef];
const PAYLOADS_PER_SEED = 1000;
/** What a client may be told (shared/src/protocol/errors.ts, docs/protocol.md); INTERNAL would mean a bug. */
const DOCUMENTED = new Set<string>(Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL));

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng.next() * xs.length)]!;
}

function randomValue(rng: Rng, depth = 0): unknown {
  const r = rng.next();
  if (r < 0.1) return null;
  if (r < 0.2) return undefined;
  if (r < 0.35) return pick(rng, [0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER, 2 ** 31, NaN]);
  if (r < 0.5)
    return pick(rng, [
      "",
      "the",
      "x".repeat(300),
      "AAAAAA",
      "\u0000",
      "🙂",
      "__proto__",
      "constructor",
      "a\ud800b", // [H4] lone surrogates: BAD_REQUEST, never INTERNAL
      "\udfff",
    ]);
  if (r < 0.6) return rng.next() < 0.5;
  if (r < 0.8 && depth < 3)
    return Array.from({ length: Math.floor(rng.next() * 5) }, () => randomValue(rng, depth + 1));
  if (depth < 3) {
    const keys = [
      "roundId",
      "samples",
      "index",
      "tokens",
      "code",
      "nickname",
      "sessionId",
      "hostKey",
      "participantId",
      "resumeToken",
      "locked",
      "temperature",
      "topK",
      "topP",
      "__proto__",
    ];
    return Object.fromEntries(
      Array.from({ length: Math.floor(rng.next() * 4) }, () => [
        pick(rng, keys),
        randomValue(rng, depth + 1),
      ]),
    );
  }
  return 7;
}

/** Mutates a valid payload: drop, retype or replace a field, or wrap it. */
function mutate(rng: Rng, valid: Record<string, unknown>): unknown {
  const copy: Record<string, unknown> = structuredClone(valid);
  const keys = Object.keys(copy);
  const key = pick(rng, keys);
  const r = rng.next();
  if (r < 0.25) delete copy[key];
  else if (r < 0.6) copy[key] = randomValue(rng);
  else if (r < 0.75) copy[`extra${Math.floor(rng.next() * 3)}`] = randomValue(rng);
  else if (r < 0.9) return [copy];
  else return JSON.stringify(copy);
  return copy;
}

describe("fuzzing a live server", () => {
  let t: Booted;
  beforeAll(async () => {
    t = await boot();
  });
  afterAll(() => t.cleanup());

  it.each(SEEDS)(
    "seed %i: answers garbage with errors, crashes never, and keeps exact counts",
    async (seed) => {
      const rng = createRng(seed);
      const { socket: host, session } = await t.host();
      const student = await t.student(session.code, "Fuzzy");
      const round = await startToyRound(host, { temperature: 0.8, topK: 4, topP: 0.95 });
      const pid = student.joined.participantId;
      const accepted = new Set<number>();
      const acceptedElsewhere = new Set<string>();
      let anon: ClientSocket = await t.socket();
      let nextIndex = 0;
      let sent = 0;
      const codes = new Map<string, number>();
      const undocumented: string[] = [];
      const note = (event: string, code: string) => {
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (!DOCUMENTED.has(code)) undocumented.push(`${event}: ${code}`);
      };

      const valid = (): Record<string, Record<string, unknown>> => ({
        "host:attach": { sessionId: session.sessionId, hostKey: session.hostKey },
        "round:start": toyRound({ maxTokens: 2 }),
        "round:reveal": { roundId: round.id },
        "round:close": { roundId: "not-the-round" },
        "session:lock": { locked: false },
        "participant:remove": { participantId: "someone-else" },
        "session:end": {},
        "student:join": { code: session.code, nickname: `n${Math.floor(rng.next() * 1e6)}` },
        "student:resume": { participantId: pid, resumeToken: "y".repeat(32) },
        "sample:submit": { roundId: round.id, samples: phoneSamples(round, pid, nextIndex, 2) },
      });

      while (sent < PAYLOADS_PER_SEED) {
        const batch: Promise<void>[] = [];
        for (let k = 0; k < 20; k++, sent++) {
          const who = rng.next();
          const event =
            rng.next() < 0.9
              ? pick(rng, CLIENT_EVENTS)
              : pick(rng, ["hack", "round:start2", "__proto__", "sample"]);
          const base = valid()[event] ?? {};
          const payload = rng.next() < 0.5 ? mutate(rng, base) : randomValue(rng);
          // the fuzzing host never sends session:end or round:start/close, so the round under test stays open
          const socket =
            who < 0.45
              ? student.socket
              : who < 0.6 && !/session:end|round:(start|close)/.test(event)
                ? host
                : anon;
          // a rejection (no ack within 10 s) fails the test: every payload must be answered
          batch.push(
            call<SubmitResult>(socket, event, payload).then((r: Result<SubmitResult>) => {
              if (!r.ok) return note(event, r.error.code);
              if (event !== "sample:submit") return;
              for (const res of r.data.results) {
                if (res.status === "rejected") note(event, res.code);
                else if (socket === student.socket) accepted.add(res.index);
                // an anonymous socket that joined as someone else can have a sample accepted too: on the
                // toy model another participant's seed often draws the same completion
                else acceptedElsewhere.add(`${socket.id}:${res.index}`);
              }
            }),
          );
        }
        // legitimate traffic interleaved with the garbage
        const legit = phoneSamples(round, pid, nextIndex, 3);
        nextIndex += 3;
        batch.push(
          expectOk(
            call<SubmitResult>(student.socket, "sample:submit", { roundId: round.id, samples: legit }),
          ).then((r) => {
            for (const res of r.results) if (res.status === "accepted") accepted.add(res.index);
          }),
        );
        await Promise.all(batch);
        if (!anon.connected) anon = await t.socket();
      }

      expect(undocumented).toEqual([]);
      expect(codes.get(ErrorCode.BAD_REQUEST)).toBeGreaterThan(PAYLOADS_PER_SEED / 4);
      const stored = await t.db.prisma.sample.count({ where: { roundId: round.id } });
      const storedForStudent = await t.db.prisma.sample.count({
        where: { roundId: round.id, participantId: pid },
      });
      expect(storedForStudent).toBe(accepted.size);
      expect(storedForStudent).toBeGreaterThanOrEqual(nextIndex);
      expect(stored - storedForStudent).toBe(acceptedElsewhere.size);
      // the host hears the final count: a missing broadcast fails here
      const stats = await next(host, "round:stats", (s) => s.roundId === round.id && s.n === stored, 5_000);
      expect(stats.n).toBe(stored);
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      const fresh = await t.student(session.code, "AfterTheStorm");
      expect(fresh.joined.snapshot.round?.id).toBe(round.id);
    },
  );

  it("drops the connection of an oversized frame, and nothing else", async () => {
    const { socket: host } = await t.host();
    const round = await startToyRound(host);
    const big = await t.socket();
    const bystander = await t.socket();
    const closed = new Promise((resolve) => big.once("disconnect", resolve));
    const raw = big as unknown as { emit(event: string, payload: unknown): void };
    raw.emit("sample:submit", {
      roundId: round.id,
      samples: [{ index: 1, tokens: Array<number>(40_000).fill(1) }],
    });
    await closed;
    expect(bystander.connected).toBe(true);
    expect((await call(bystander, "session:end", {})).ok).toBe(false);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
