/** Guess rounds over real sockets: submit, change, lock, reveal, scores, leaderboard, bad guesses. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ErrorCode,
  type GuessResult,
  type GuessSummary,
  guessKlBits,
  guessPoints,
  type HostSnapshot,
  type RoundInfo,
  type StudentSnapshot,
  type SubmitResult,
} from "@tokenroom/shared";
import { type Booted, boot, call, expectOk, next, phoneSamples, startToyRound } from "./boot.ts";

/** toyRound with these changes: a guess round over 3 candidates, completions of 2 tokens. */
const guessRound = { maxTokens: 2, mode: "guess", guessCandidates: 3 };

describe("guess rounds", () => {
  let t: Booted;
  beforeAll(async () => {
    t = await boot();
  });
  afterAll(() => t.cleanup());

  it("collects, locks, scores and ranks guesses, then opens sampling", async () => {
    const { socket: host, session } = await t.host();
    const [a, b, c] = await Promise.all(["Ann", "Bob", "Cy"].map((n) => t.student(session.code, n)));
    const round = await startToyRound(host, guessRound);
    expect(round.guessPhase).toBe("open");
    expect(round.candidates).toHaveLength(3);
    expect(round.candidates!.map((x) => x.token).sort()).toEqual(["ball", "cheese", "mouse"]);

    // sampling waits for the reveal
    const early = await call(a!.socket, "sample:submit", {
      roundId: round.id,
      samples: phoneSamples(round, a!.joined.participantId, 0, 1),
    });
    expect(early).toMatchObject({ ok: false, error: { code: ErrorCode.WRONG_PHASE } });

    // bad guesses change nothing
    for (const probs of [
      [0.5, 0.5, 0.1, 0],
      [0.5, 0.5],
      [1.2, -0.2, 0, 0],
      [NaN, 0.5, 0.5, 0],
    ]) {
      const r = await call(a!.socket, "guess:submit", { roundId: round.id, probs });
      expect(r).toMatchObject({ ok: false, error: { code: ErrorCode.BAD_REQUEST } });
    }
    expect(
      await call(host, "guess:submit", { roundId: round.id, probs: [0.25, 0.25, 0.25, 0.25] }),
    ).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_JOINED },
    });
    expect(await t.db.prisma.guess.count({ where: { roundId: round.id } })).toBe(0);

    const byToken = (weights: Record<string, number>, other = 0) => [
      ...round.candidates!.map((x) => weights[x.token] ?? 0),
      other,
    ];
    const truthish = byToken({ mouse: 0.5, cheese: 0.25, ball: 0.15 }, 0.1);
    // Ann first guesses uniform, then changes her mind
    await expectOk(
      call<GuessResult>(a!.socket, "guess:submit", { roundId: round.id, probs: [0.25, 0.25, 0.25, 0.25] }),
    );
    await expectOk(call<GuessResult>(a!.socket, "guess:submit", { roundId: round.id, probs: truthish }));
    await expectOk(
      call<GuessResult>(b!.socket, "guess:submit", { roundId: round.id, probs: [0.25, 0.25, 0.25, 0.25] }),
    );
    await expectOk(
      call<GuessResult>(c!.socket, "guess:submit", { roundId: round.id, probs: byToken({ ball: 1 }) }),
    );
    const progress: GuessSummary = await next(host, "guess:summary", (s) => s.submitted === 3);
    expect(progress.truth).toBeNull();

    // a guess survives a reconnect
    const again = await t.socket();
    const snap = await expectOk(
      call<StudentSnapshot>(again, "student:resume", {
        participantId: a!.joined.participantId,
        resumeToken: a!.joined.resumeToken,
      }),
    );
    expect(snap.guess?.probs).toEqual(truthish);
    expect(snap.guess?.truth).toBeNull();

    await expectOk(call<RoundInfo>(host, "guess:lock", { roundId: round.id }));
    const late = await call(b!.socket, "guess:submit", { roundId: round.id, probs: truthish });
    expect(late).toMatchObject({ ok: false, error: { code: ErrorCode.WRONG_PHASE } });

    const annResult = next(a!.socket, "guess:result");
    const summaryP = next(host, "guess:summary", (s) => s.truth !== null);
    await expectOk(call(host, "round:reveal", { roundId: round.id }));
    const mine = await annResult;
    const summary = await summaryP;
    const truth = summary.truth!;
    expect(truth.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(mine.klBits).toBeCloseTo(guessKlBits(truth, truthish), 12);
    expect(mine.points).toBe(guessPoints(mine.klBits!));
    expect(summary.leaderboard.map((e) => e.nickname)).toEqual(["Ann", "Bob", "Cy"]);
    expect(summary.leaderboard.map((e) => e.rank)).toEqual([1, 2, 3]);
    expect(summary.averageGuess!.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    const stored = await t.db.prisma.guess.findMany({ where: { roundId: round.id } });
    expect(stored.every((g) => g.scoreBits !== null)).toBe(true);

    // guess, then sample: the same round continues with sampling
    const ok = await expectOk(
      call<SubmitResult>(a!.socket, "sample:submit", {
        roundId: round.id,
        samples: phoneSamples(round, a!.joined.participantId, 0, 5),
      }),
    );
    expect(ok.results.every((r) => r.status === "accepted")).toBe(true);

    // the host's snapshot carries the summary; ties share a rank in the next round
    const hostSnap = await expectOk(
      call<HostSnapshot>(host, "host:attach", { sessionId: session.sessionId, hostKey: session.hostKey }),
    );
    expect(hostSnap.guess?.leaderboard).toHaveLength(3);
    const r2 = await startToyRound(host, { ...guessRound, prompt: "the mouse" });
    const uniform = Array(r2.candidates!.length + 1).fill(1 / (r2.candidates!.length + 1)) as number[];
    await expectOk(call(b!.socket, "guess:submit", { roundId: r2.id, probs: uniform }));
    await expectOk(call(c!.socket, "guess:submit", { roundId: r2.id, probs: uniform }));
    const s2 = next(host, "guess:summary", (s) => s.roundId === r2.id && s.truth !== null);
    await expectOk(call(host, "round:reveal", { roundId: r2.id }));
    const board = (await s2).leaderboard;
    const totals = new Map(board.map((e) => [e.nickname, e]));
    expect(totals.get("Ann")!.points).toBeNull();
    for (let i = 1; i < board.length; i++) {
      const [prev, cur] = [board[i - 1]!, board[i]!];
      expect(cur.rank).toBe(prev.total === cur.total ? prev.rank : i + 1);
    }
  });
});
