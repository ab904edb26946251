/**
 * Reviewing and exporting stored sessions over REST (docs/review.md): request bodies (zod) and the
 * response types. Every endpoint needs the session's host key or the instance's admin token.
 */
import { z } from "zod";
import type { RoundFields } from "./round.ts";
import { LIMITS, unicodeString } from "./schemas.ts";
import type { RoundStats, TheoryView } from "./views.ts";

export const REVIEW_LIMITS = {
  /** Sessions per POST /api/sessions/lookup. */
  lookupMax: 200,
  adminPageDefault: 50,
  adminPageMax: 200,
  studentsPageDefault: 100,
  studentsPageMax: 500,
  /** Most frequent completions per round in a review. */
  topCompletions: 20,
  /** Points of a round's replayed KL-vs-N curve. */
  klCurvePoints: 200,
  /**
   * Points of that curve that carry the exact expected KL ([EKL2]), log-spaced, the first and the last
   * among them: its cost grows with the vocabulary and √N (about 5 ms a point for a 2,000-token model at
   * N = 100,000), and between them the curve is smooth on log-log axes.
   */
  klExpectedPoints: 24,
} as const;

export const EXPORT_SCHEMA_VERSION = 1;

const id = unicodeString().min(1).max(64);
const secret = unicodeString().min(16).max(128);

/** POST /api/sessions/lookup: the sessions this browser hosted, with their host keys. */
export const sessionLookupSchema = z.strictObject({
  sessions: z.array(z.strictObject({ sessionId: id, hostKey: secret })).max(REVIEW_LIMITS.lookupMax),
});
export type SessionLookup = z.infer<typeof sessionLookupSchema>;

/** PATCH /api/sessions/:id */
export const sessionTitleSchema = z.strictObject({ title: unicodeString().trim().max(LIMITS.titleMax) });
export type SessionTitle = z.infer<typeof sessionTitleSchema>;

/** One stored session with counts (students = every participant who joined, removed ones included). */
export interface SessionSummary {
  id: string;
  code: string;
  title: string;
  createdAt: string;
  endedAt: string | null;
  students: number;
  rounds: number;
  samples: number;
}

export interface SessionLookupResponse {
  /** The sessions the keys open, newest first. */
  sessions: SessionSummary[];
  /** Ids that no longer exist or whose key is wrong: a client may forget them. */
  unknown: string[];
}

/** GET /api/admin/sessions: newest first; pass nextCursor back as ?cursor= for the next page. */
export interface SessionPage {
  sessions: SessionSummary[];
  nextCursor: string | null;
}

/** A point of the KL-vs-N curve replayed from the stored samples in insertion order. */
export interface ReviewKlPoint {
  n: number;
  /** null when the theory of some observed first token is unknown (model gone, token outside the snapshot). */
  firstKlBits: number | null;
  completionKlBits: number;
  /**
   * (k − 1) / (2 N ln 2), k the theory's support: the first-order expected KL of an exact sampler at N
   * ([EKL1]; far off at small N and when outcomes go unseen, [EKL3]).
   */
  expectedKlFirstOrderBits: number;
  /**
   * [EKL2] The exact expected KL of N samples by chance alone, the live chart's reference curve, at
   * `REVIEW_LIMITS.klExpectedPoints` of the points (see `exactKlPoints`); null at the others and when the
   * full first-token distribution is unknown (model gone and a partial snapshot). Absent from older servers.
   */
  expectedKlBits?: number | null;
}

/** A stored round as reviewed: the round's fields (the timer aside), with its stored state and statistics. */
export interface ReviewRound extends Omit<RoundFields, "hideUntilReveal" | "timerSeconds"> {
  /** The model's display name, when this server has the round's model (same hash). */
  modelName?: string;
  /** This server has the round's model (same hash): completion texts and every theory figure are available. */
  modelAvailable: boolean;
  /** [RV1] Optional: absent from servers older than the setting. */
  hideUntilReveal?: boolean;
  /** Guess rounds: the stored candidates, as the guess feature wrote them; null otherwise. */
  candidates: unknown;
  startedAt: string;
  revealedAt: string | null;
  guessLockedAt: string | null;
  closedAt: string | null;
  firstSampleAt: string | null;
  lastSampleAt: string | null;
  /** The theory snapshot stored with the round (what the host saw). */
  theory: TheoryView;
  /**
   * The statistics the live round showed, recomputed from the stored samples (theory included,
   * completions.top up to 20; samplesPerSecond is the mean rate between the first and last sample).
   */
  stats: RoundStats;
  klCurve: ReviewKlPoint[];
  guesses: number;
}

export interface ReviewGuess {
  roundId: string;
  /** As stored by the guess feature. */
  distribution: unknown;
  scoreBits: number | null;
  submittedAt: string;
}

export interface StudentParticipation {
  id: string;
  nickname: string;
  joinedAt: string;
  removed: boolean;
  /** Samples per round, aligned with `students.roundIds` (the rounds in order). */
  samples: number[];
  total: number;
  guesses: ReviewGuess[];
}

/** GET /api/sessions/:id/review?studentsCursor=&studentsLimit=&rounds=0 */
export interface SessionReview {
  session: SessionSummary & { locked: boolean };
  /** Every round in order; empty with `?rounds=0` (for the next pages of students). */
  rounds: ReviewRound[];
  students: { roundIds: string[]; items: StudentParticipation[]; nextCursor: string | null };
}

/** GET /api/sessions/:id/export.json (streamed). */
export interface SessionExport {
  schemaVersion: typeof EXPORT_SCHEMA_VERSION;
  session: {
    id: string;
    code: string;
    title: string;
    locked: boolean;
    createdAt: string;
    endedAt: string | null;
  };
  participants: { id: string; nickname: string; joinedAt: string; removedAt: string | null }[];
  rounds: (Omit<
    ReviewRound,
    "modelAvailable" | "stats" | "klCurve" | "guesses" | "firstSampleAt" | "lastSampleAt"
  > & {
    samples: {
      participantId: string;
      idx: number;
      tokens: number[];
      text: string;
      /** ln P under the sampler (the round's settings), chain rule, nats. */
      logProb: number;
      /** [MS1] ln P under the model itself (T = 1, no cut); null when the server no longer has the model. */
      modelLogProb: number | null;
      createdAt: string;
    }[];
    guesses: {
      participantId: string;
      distribution: unknown;
      scoreBits: number | null;
      submittedAt: string;
    }[];
  })[];
}
