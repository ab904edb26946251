/**
 * A stored guess round from the review's data: the candidates and truth the guess feature stored with the
 * round, the class's average guess, the scores, and the leaderboard as it stood after that round.
 */
import {
  guessKlBits,
  guessPoints,
  type LeaderboardEntry,
  type ReviewRound,
  type StudentParticipation,
} from "@tokenroom/shared";

export interface StoredCandidates {
  ids: number[];
  tokens: string[];
  /** The truth over the candidates, then "something else". */
  truth: number[];
}

const numbers = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x));

/** The round's stored `candidates` (`{ ids, tokens, truth }`), or null when they are missing or malformed. */
export function parseCandidates(value: unknown): StoredCandidates | null {
  if (typeof value !== "object" || value === null) return null;
  const { ids, tokens, truth } = value as Record<string, unknown>;
  if (
    !numbers(ids) ||
    !numbers(truth) ||
    !Array.isArray(tokens) ||
    !tokens.every((x) => typeof x === "string")
  )
    return null;
  if (tokens.length !== ids.length || truth.length !== ids.length + 1) return null;
  return { ids, tokens, truth };
}

/** A stored guess's distribution when it has one number per outcome. */
function guessOf(distribution: unknown, outcomes: number): number[] | null {
  return numbers(distribution) && distribution.length === outcomes ? distribution : null;
}

export interface GuessRoundSummary {
  submitted: number;
  /** The mean of the guesses, per outcome; null without guesses. */
  averageGuess: number[] | null;
  /** KL(truth ‖ guess) of every guess, in bits. */
  scoresBits: number[];
}

export function summariseGuesses(
  roundId: string,
  candidates: StoredCandidates,
  students: readonly StudentParticipation[],
): GuessRoundSummary {
  const k = candidates.truth.length;
  const guesses: { probs: number[]; scoreBits: number | null }[] = [];
  for (const s of students) {
    for (const g of s.guesses) {
      const probs = g.roundId === roundId ? guessOf(g.distribution, k) : null;
      if (probs) guesses.push({ probs, scoreBits: g.scoreBits });
    }
  }
  const averageGuess = guesses.length
    ? Array.from({ length: k }, (_, i) => guesses.reduce((sum, g) => sum + g.probs[i]!, 0) / guesses.length)
    : null;
  return {
    submitted: guesses.length,
    averageGuess,
    scoresBits: guesses.map((g) => g.scoreBits ?? guessKlBits(candidates.truth, g.probs)),
  };
}

/**
 * The leaderboard after `round`: points summed over the scored guesses of the guess rounds up to it (in
 * order), this round's points, and competition ranks (ties share one), as the live leaderboard ranks them.
 */
export function leaderboardAfter(
  round: ReviewRound,
  rounds: readonly ReviewRound[],
  students: readonly StudentParticipation[],
): LeaderboardEntry[] {
  const counted = new Set(rounds.filter((r) => r.mode === "guess" && r.seq <= round.seq).map((r) => r.id));
  const rows: LeaderboardEntry[] = [];
  for (const s of students) {
    let total = 0;
    let played = 0;
    let points: number | null = null;
    for (const g of s.guesses) {
      if (!counted.has(g.roundId) || g.scoreBits === null) continue;
      const p = guessPoints(g.scoreBits);
      total += p;
      played += 1;
      if (g.roundId === round.id) points = p;
    }
    if (played > 0)
      rows.push({ participantId: s.id, nickname: s.nickname, total, points, rounds: played, rank: 0 });
  }
  rows.sort((a, b) => b.total - a.total || a.nickname.localeCompare(b.nickname));
  rows.forEach((r, i) => (r.rank = i > 0 && rows[i - 1]!.total === r.total ? rows[i - 1]!.rank : i + 1));
  return rows;
}
