/**
 * Guess rounds: candidates at the start, guesses while open, lock, scores at the reveal, leaderboard.
 * Scores use the round's exact distribution collapsed onto the candidates (shared/src/engine/scoring.ts).
 */
import {
  collapseTruth,
  createRng,
  ErrorCode,
  type GuessResult,
  guessError,
  guessKlBits,
  guessPoints,
  type GuessSummary,
  wordLossBits,
  type LeaderboardEntry,
  type TokenDistribution,
} from "@tokenroom/shared";
import { ServiceError } from "../errors.ts";
import type { Repository, RoundCandidates, RoundRow } from "../store/repository.ts";
import { wordState } from "./be-model-service.ts";
import type { LiveSession } from "./live-state.ts";

const E = ErrorCode;

/** The theory's `count` most probable tokens, shuffled with the round seed, and the truth over them. */
export function pickCandidates(
  dist: TokenDistribution,
  count: number,
  seed: number,
  label: (id: number) => string,
): RoundCandidates {
  const ids = Array.from(dist.ids.slice(0, Math.min(count, dist.ids.length)));
  const rng = createRng(seed, 0x6755);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return { ids, tokens: ids.map(label), truth: collapseTruth(dist, ids) };
}

export const guessOpen = (r: RoundRow): boolean =>
  (r.mode === "guess" || r.mode === "be-model") && !r.guessLockedAt && !r.revealedAt;

/** A revealed guess: KL(truth ‖ guess) and points in a guess round; the loss [BM1] and the model's in a "be the model" round. */
function scored(round: RoundRow, probs: number[], stored: number | null = null): GuessResult {
  const c = round.candidates!;
  const word = wordState(round);
  const klBits = stored ?? (word ? wordLossBits(probs, word.trueIndex) : guessKlBits(c.truth, probs));
  return {
    roundId: round.id,
    probs,
    truth: c.truth,
    klBits,
    points: word ? null : guessPoints(klBits),
    ...(word ? { modelLossBits: word.modelLossBits } : {}),
  };
}

export class GuessService {
  constructor(private readonly repo: Repository) {}

  async submit(
    live: LiveSession,
    participantId: string,
    roundId: string,
    probs: number[],
  ): Promise<GuessResult> {
    const p = live.participants.get(participantId);
    if (!p) throw new ServiceError(E.NOT_JOINED, "join the session first");
    if (p.row.removedAt) throw new ServiceError(E.REMOVED, "the instructor removed you from this session");
    const round = live.round;
    if (!round || round.id !== roundId) throw new ServiceError(E.ROUND_CLOSED, "that round is closed");
    const r = round.row;
    if ((r.mode !== "guess" && r.mode !== "be-model") || !r.candidates)
      throw new ServiceError(E.WRONG_PHASE, "this round is not a guessing round");
    if (!guessOpen(r))
      throw new ServiceError(
        E.WRONG_PHASE,
        r.mode === "be-model" ? "this word has been revealed" : "guesses are locked; wait for the reveal",
      );
    const problem = guessError(probs, r.candidates.ids.length + 1);
    if (problem) throw new ServiceError(E.BAD_REQUEST, problem);
    await this.repo.upsertGuess(roundId, participantId, probs);
    live.guessesDirty = true;
    return { roundId, probs, truth: null, klBits: null, points: null };
  }

  /** Scores every guess of the round against the truth and stores the scores. */
  async score(round: RoundRow): Promise<Map<string, GuessResult>> {
    const results = new Map<string, GuessResult>();
    if (!round.candidates) return results;
    for (const g of await this.repo.roundGuesses(round.id))
      results.set(g.participantId, scored(round, g.probs));
    if (results.size > 0) {
      await this.repo.setGuessScores(
        round.id,
        [...results].map(([participantId, r]) => ({ participantId, scoreBits: r.klBits! })),
      );
    }
    return results;
  }

  /** A participant's own guess in a round (with the score once revealed). */
  async own(round: RoundRow, participantId: string): Promise<GuessResult | null> {
    if ((round.mode !== "guess" && round.mode !== "be-model") || !round.candidates) return null;
    const g = (await this.repo.roundGuesses(round.id)).find((x) => x.participantId === participantId);
    if (!g) return null;
    if (round.revealedAt !== null) return scored(round, g.probs, g.scoreBits);
    return { roundId: round.id, probs: g.probs, truth: null, klBits: null, points: null };
  }

  /** The host's view: progress while open; after the reveal the class against the truth and the leaderboard. */
  async summary(live: LiveSession, round: RoundRow): Promise<GuessSummary | null> {
    if (round.mode !== "guess" || !round.candidates) return null;
    const guesses = await this.repo.roundGuesses(round.id);
    const revealed = round.revealedAt !== null;
    if (!revealed)
      return {
        roundId: round.id,
        submitted: guesses.length,
        truth: null,
        averageGuess: null,
        scoresBits: [],
        leaderboard: [],
      };
    const k = round.candidates.ids.length + 1;
    const average = Array.from({ length: k }, (_, i) =>
      guesses.length ? guesses.reduce((s, g) => s + (g.probs[i] ?? 0), 0) / guesses.length : 0,
    );
    const truth = round.candidates.truth;
    return {
      roundId: round.id,
      submitted: guesses.length,
      truth,
      averageGuess: guesses.length ? average : null,
      scoresBits: guesses.map((g) => g.scoreBits ?? guessKlBits(truth, g.probs)),
      leaderboard: await this.leaderboard(live, round.id),
    };
  }

  /** Points summed over every revealed guess round of the session; ties share a rank (1, 2, 2, 4). */
  async leaderboard(live: LiveSession, roundId: string): Promise<LeaderboardEntry[]> {
    const byParticipant = new Map<string, { total: number; rounds: number; points: number | null }>();
    for (const s of await this.repo.sessionScores(live.session.id)) {
      const e = byParticipant.get(s.participantId) ?? { total: 0, rounds: 0, points: null };
      const pts = guessPoints(s.scoreBits);
      e.total += pts;
      e.rounds += 1;
      if (s.roundId === roundId) e.points = pts;
      byParticipant.set(s.participantId, e);
    }
    const rows = [...byParticipant].map(([participantId, e]) => ({
      participantId,
      nickname: live.participants.get(participantId)?.row.nickname ?? "?",
      ...e,
      rank: 0,
    }));
    rows.sort((a, b) => b.total - a.total || a.nickname.localeCompare(b.nickname));
    rows.forEach((r, i) => (r.rank = i > 0 && rows[i - 1]!.total === r.total ? rows[i - 1]!.rank : i + 1));
    return rows;
  }
}
