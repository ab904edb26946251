/**
 * The services' one entry to the database: a facade over the stores of each aggregate (sessions.ts, rounds.ts,
 * guesses.ts, samples.ts, models.ts), with the method names the services call. Every query lives in a store
 * module; the review's reads are review-sessions.ts, review-rounds.ts and export-pages.ts.
 */
import type { RoundMode } from "@tokenroom/shared";
import type { PrismaClient } from "../generated/prisma/index.js";
import type { SqlRunner } from "./migrate.ts";
import { type GuessRow, GuessStore } from "./guesses.ts";
import { CustomModelStore } from "./models.ts";
import { type NewRound, type RoundRow, RoundStore } from "./rounds.ts";
import { type SampleRow, SampleStore } from "./samples.ts";
import { type ParticipantRow, type SessionRow, SessionStore } from "./sessions.ts";

export type { GuessRow } from "./guesses.ts";
export { type RoundCandidates, type RoundRow, roundStatus } from "./rounds.ts";
export { type SampleRow, sampleKey } from "./samples.ts";
export { type ParticipantRow, type SessionRow, UniqueViolation } from "./sessions.ts";

export class Repository {
  readonly sessions: SessionStore;
  readonly rounds: RoundStore;
  readonly guesses: GuessStore;
  readonly samples: SampleStore;
  readonly models: CustomModelStore;

  /** `sql`: the driver without Prisma (Database.sql), for the hot sample insert; without it, Prisma's raw query. */
  constructor(prisma: PrismaClient, sql?: SqlRunner) {
    this.sessions = new SessionStore(prisma);
    this.rounds = new RoundStore(prisma);
    this.guesses = new GuessStore(prisma);
    this.samples = new SampleStore(prisma, sql);
    this.models = new CustomModelStore(prisma, sql);
  }

  // sessions and participants
  createSession(row: Omit<SessionRow, "createdAt" | "endedAt" | "locked">): Promise<SessionRow> {
    return this.sessions.createSession(row);
  }
  getSession(id: string): Promise<SessionRow | null> {
    return this.sessions.getSession(id);
  }
  getSessionByCode(code: string): Promise<SessionRow | null> {
    return this.sessions.getSessionByCode(code);
  }
  updateSession(id: string, data: { locked?: boolean; endedAt?: Date }): Promise<SessionRow> {
    return this.sessions.updateSession(id, data);
  }
  createParticipant(row: Omit<ParticipantRow, "removedAt">): Promise<ParticipantRow> {
    return this.sessions.createParticipant(row);
  }
  listParticipants(sessionId: string): Promise<ParticipantRow[]> {
    return this.sessions.listParticipants(sessionId);
  }
  getParticipant(id: string): Promise<ParticipantRow | null> {
    return this.sessions.getParticipant(id);
  }
  removeParticipant(id: string, at: Date): Promise<void> {
    return this.sessions.removeParticipant(id, at);
  }

  /** Whether the session's host trained the custom model (custom_model_owners): only then may its rounds use it. */
  ownsCustomModel(sessionId: string, modelId: string): Promise<boolean> {
    return this.models.owns(sessionId, modelId);
  }

  // rounds
  createRound(row: NewRound): Promise<RoundRow> {
    return this.rounds.createRound(row);
  }
  updateRound(
    id: string,
    data: { revealedAt?: Date; closedAt?: Date; guessLockedAt?: Date },
  ): Promise<RoundRow> {
    return this.rounds.updateRound(id, data);
  }
  latestRound(sessionId: string): Promise<RoundRow | null> {
    return this.rounds.latestRound(sessionId);
  }
  sessionRoundsOfMode(sessionId: string, mode: RoundMode): Promise<RoundRow[]> {
    return this.rounds.sessionRoundsOfMode(sessionId, mode);
  }
  closeOpenRounds(sessionId: string, at: Date): Promise<void> {
    return this.rounds.closeOpenRounds(sessionId, at);
  }

  // guesses
  upsertGuess(roundId: string, participantId: string, probs: number[]): Promise<void> {
    return this.guesses.upsertGuess(roundId, participantId, probs);
  }
  roundGuesses(roundId: string): Promise<GuessRow[]> {
    return this.guesses.roundGuesses(roundId);
  }
  countGuesses(roundId: string): Promise<number> {
    return this.guesses.countGuesses(roundId);
  }
  setGuessScores(roundId: string, scores: { participantId: string; scoreBits: number }[]): Promise<void> {
    return this.guesses.setGuessScores(roundId, scores);
  }
  guessesOfRounds(roundIds: readonly string[]): Promise<Map<string, GuessRow[]>> {
    return this.guesses.guessesOfRounds(roundIds);
  }
  sessionScores(sessionId: string): Promise<{ participantId: string; roundId: string; scoreBits: number }[]> {
    return this.guesses.sessionScores(sessionId);
  }

  // samples
  insertSamples(rows: readonly SampleRow[]): Promise<Set<string>> {
    return this.samples.insertSamples(rows);
  }
  roundSamples(roundId: string): Promise<SampleRow[]> {
    return this.samples.roundSamples(roundId);
  }
  roundSamplesPage(
    roundId: string,
    after: { participantId: string; index: number } | null,
    limit: number,
  ): Promise<SampleRow[]> {
    return this.samples.roundSamplesPage(roundId, after, limit);
  }
  participantProgress(
    roundId: string,
    participantId: string,
  ): Promise<{ stored: number; nextIndex: number }> {
    return this.samples.participantProgress(roundId, participantId);
  }
  storedIndexes(roundId: string, participantId: string, from: number): Promise<number[]> {
    return this.samples.storedIndexes(roundId, participantId, from);
  }
  countSamples(roundId: string): Promise<number> {
    return this.samples.countSamples(roundId);
  }
}
