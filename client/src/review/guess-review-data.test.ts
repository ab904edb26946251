import { describe, expect, it } from "vitest";
import type { ReviewRound, StudentParticipation } from "@tokenroom/shared";
import { leaderboardAfter, parseCandidates, summariseGuesses } from "./guess-review-data.ts";

const candidates = { ids: [4, 7], tokens: ["mouse", "cheese"], truth: [0.5, 0.25, 0.25] };

const student = (
  id: string,
  nickname: string,
  guesses: [string, number[] | string, number | null][],
): StudentParticipation => ({
  id,
  nickname,
  joinedAt: "2026-01-01T00:00:00Z",
  removed: false,
  samples: [],
  total: 0,
  guesses: guesses.map(([roundId, distribution, scoreBits]) => ({
    roundId,
    distribution,
    scoreBits,
    submittedAt: "2026-01-01T00:01:00Z",
  })),
});

const round = (id: string, seq: number, mode: "sample" | "guess") => ({ id, seq, mode }) as ReviewRound;

describe("a stored guess round", () => {
  it("reads the candidates the guess feature stored, and refuses anything else", () => {
    expect(parseCandidates(candidates)).toEqual(candidates);
    expect(parseCandidates(null)).toBeNull();
    expect(parseCandidates({ ids: [1], tokens: ["a"], truth: [1] })).toBeNull(); // no "something else"
    expect(parseCandidates({ ids: [1], tokens: [2], truth: [0.5, 0.5] })).toBeNull();
  });

  it("averages the guesses of the round and scores each one (the stored score, else KL(truth ‖ guess))", () => {
    const students = [
      student("a", "Ada", [["r1", [0.5, 0.25, 0.25], 0]]),
      student("b", "Bo", [
        ["r1", [0.1, 0.1, 0.8], null],
        ["r2", [1, 0, 0], 0],
      ]),
      student("c", "Cy", [["r1", "not a guess", null]]),
    ];
    const s = summariseGuesses("r1", candidates, students);
    expect(s.submitted).toBe(2);
    expect(s.averageGuess).toEqual([0.3, 0.175, 0.525]);
    expect(s.scoresBits[0]).toBe(0);
    // 0.5 log2 5 + 0.25 log2 2.5 + 0.25 log2 (0.25 / 0.8)
    expect(s.scoresBits[1]).toBeCloseTo(
      0.5 * Math.log2(5) + 0.25 * Math.log2(2.5) + 0.25 * Math.log2(0.25 / 0.8),
      9,
    );
    expect(summariseGuesses("r9", candidates, students).averageGuess).toBeNull();
  });

  it("ranks the leaderboard after a round on the guess rounds up to it, ties sharing a rank", () => {
    const rounds = [round("r1", 1, "guess"), round("r2", 2, "sample"), round("r3", 3, "guess")];
    const students = [
      student("a", "Ada", [
        ["r1", [], 0],
        ["r3", [], 1],
      ]), // 100, then 50
      student("b", "Bo", [
        ["r1", [], 1],
        ["r3", [], 0],
      ]), // 50, then 100
      student("c", "Cy", [["r3", [], 2]]), // 25
      student("d", "Di", [["r1", [], null]]), // not scored
    ];
    const after1 = leaderboardAfter(rounds[0]!, rounds, students);
    expect(after1.map((e) => [e.nickname, e.total, e.points, e.rank])).toEqual([
      ["Ada", 100, 100, 1],
      ["Bo", 50, 50, 2],
    ]);
    const after3 = leaderboardAfter(rounds[2]!, rounds, students);
    expect(after3.map((e) => [e.nickname, e.total, e.points, e.rank])).toEqual([
      ["Ada", 150, 50, 1],
      ["Bo", 150, 100, 1],
      ["Cy", 25, 25, 3],
    ]);
  });
});
