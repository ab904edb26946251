/** Every query the server makes, in one place, over the Prisma client. */
import type { Prisma, PrismaClient } from "../generated/prisma/index.js";
import type { RoundMode, RoundStatus, TheoryView } from "@tokenroom/shared";
import type { SqlRunner } from "./migrate.ts";

export interface SessionRow {
  id: string;
  code: string;
  title: string;
  hostKeyHash: string;
  locked: boolean;
  createdAt: Date;
  endedAt: Date | null;
}

export interface ParticipantRow {
  id: string;
  sessionId: string;
  nickname: string;
  resumeTokenHash: string;
  removedAt: Date | null;
}

export interface RoundRow {
  id: string;
  sessionId: string;
  seq: number;
  modelId: string;
  modelHash: string;
  prompt: string;
  promptTokens: number[];
  temperature: number;
  topK: number;
  topP: number;
  maxTokens: number;
  mode: RoundMode;
  showClassChart: boolean;
  hideUntilReveal: boolean;
  /** [TM1] The round's timer in seconds, or null. */
  timerSeconds: number | null;
  seed: number;
  theory: TheoryView;
  candidates: RoundCandidates | null;
  guessLockedAt: Date | null;
  startedAt: Date;
  revealedAt: Date | null;
  closedAt: Date | null;
}

/** Guess rounds: candidate ids and labels (shuffled) and the truth over them + "something else". */
export interface RoundCandidates {
  ids: number[];
  tokens: string[];
  truth: number[];
}

export interface GuessRow {
  participantId: string;
  probs: number[];
  scoreBits: number | null;
}

export function roundStatus(r: Pick<RoundRow, "revealedAt" | "closedAt">): RoundStatus {
  return r.closedAt ? "closed" : r.revealedAt ? "revealed" : "open";
}

export interface SampleRow {
  roundId: string;
  participantId: string;
  index: number;
  tokens: readonly number[];
  logProb: number;
}

/** Thrown when a unique constraint rejects an insert (room code, nickname). */
export class UniqueViolation extends Error {}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    e?.code === "P2002" ||
    (typeof e?.message === "string" && /unique constraint|duplicate key/i.test(e.message))
  );
}

type DbRound = Prisma.RoundGetPayload<object>;
const toRound = (r: DbRound): RoundRow => ({
  ...r,
  mode: r.mode as RoundMode,
  seed: Number(r.seed),
  theory: r.theory as unknown as TheoryView,
  candidates: (r.candidates ?? null) as unknown as RoundCandidates | null,
});

/** One statement for any batch: five array parameters, `unnest`ed; a stored key is skipped, not an error. */
const INSERT_SAMPLES = `INSERT INTO samples (round_id, participant_id, idx, tokens, log_prob)
  SELECT r, p, i, t::int[], l FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::float8[]) AS x(r, p, i, t, l)
  ON CONFLICT DO NOTHING
  RETURNING round_id, participant_id, idx`;

export class Repository {
  /** `sql`: the driver without Prisma (Database.sql), for the hot sample insert; without it, Prisma's raw query. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql?: SqlRunner,
  ) {}

  async createSession(row: Omit<SessionRow, "createdAt" | "endedAt" | "locked">): Promise<SessionRow> {
    try {
      return await this.prisma.session.create({ data: row });
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueViolation("room code taken");
      throw error;
    }
  }

  getSession(id: string): Promise<SessionRow | null> {
    return this.prisma.session.findUnique({ where: { id } });
  }

  /** Whether the session's host trained the custom model (custom_model_owners): only then may its rounds use it. */
  async ownsCustomModel(sessionId: string, modelId: string): Promise<boolean> {
    return (await this.prisma.customModelOwner.count({ where: { sessionId, modelId } })) > 0;
  }

  getSessionByCode(code: string): Promise<SessionRow | null> {
    return this.prisma.session.findUnique({ where: { code } });
  }

  async updateSession(id: string, data: { locked?: boolean; endedAt?: Date }): Promise<SessionRow> {
    return this.prisma.session.update({ where: { id }, data });
  }

  async createParticipant(row: Omit<ParticipantRow, "removedAt">): Promise<ParticipantRow> {
    try {
      return await this.prisma.participant.create({
        data: { ...row, nicknameKey: row.nickname.toLocaleLowerCase("en-US") },
        select: { id: true, sessionId: true, nickname: true, resumeTokenHash: true, removedAt: true },
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueViolation("nickname taken");
      throw error;
    }
  }

  listParticipants(sessionId: string): Promise<ParticipantRow[]> {
    return this.prisma.participant.findMany({
      where: { sessionId },
      orderBy: { joinedAt: "asc" },
      select: { id: true, sessionId: true, nickname: true, resumeTokenHash: true, removedAt: true },
    });
  }

  getParticipant(id: string): Promise<ParticipantRow | null> {
    return this.prisma.participant.findUnique({
      where: { id },
      select: { id: true, sessionId: true, nickname: true, resumeTokenHash: true, removedAt: true },
    });
  }

  async removeParticipant(id: string, at: Date): Promise<void> {
    await this.prisma.participant.update({ where: { id }, data: { removedAt: at } });
  }

  async createRound(
    row: Omit<RoundRow, "revealedAt" | "closedAt" | "guessLockedAt" | "candidates"> & {
      candidates?: RoundCandidates | null;
    },
  ): Promise<RoundRow> {
    const created = await this.prisma.round.create({
      data: {
        ...row,
        seed: BigInt(row.seed),
        theory: row.theory as unknown as Prisma.InputJsonValue,
        candidates: (row.candidates ?? undefined) as unknown as Prisma.InputJsonValue | undefined,
      },
    });
    return toRound(created);
  }

  async upsertGuess(roundId: string, participantId: string, probs: number[]): Promise<void> {
    await this.prisma.guess.upsert({
      where: { roundId_participantId: { roundId, participantId } },
      create: { roundId, participantId, distribution: probs },
      update: { distribution: probs, submittedAt: new Date() },
    });
  }

  async roundGuesses(roundId: string): Promise<GuessRow[]> {
    const rows = await this.prisma.guess.findMany({ where: { roundId }, orderBy: { submittedAt: "asc" } });
    return rows.map((r) => ({
      participantId: r.participantId,
      probs: r.distribution as number[],
      scoreBits: r.scoreBits,
    }));
  }

  async countGuesses(roundId: string): Promise<number> {
    return this.prisma.guess.count({ where: { roundId } });
  }

  async setGuessScores(
    roundId: string,
    scores: { participantId: string; scoreBits: number }[],
  ): Promise<void> {
    await this.prisma.$transaction(
      scores.map((s) =>
        this.prisma.guess.update({
          where: { roundId_participantId: { roundId, participantId: s.participantId } },
          data: { scoreBits: s.scoreBits },
        }),
      ),
    );
  }

  /** The session's rounds of one mode, in order. */
  async sessionRoundsOfMode(sessionId: string, mode: RoundMode): Promise<RoundRow[]> {
    const rows = await this.prisma.round.findMany({ where: { sessionId, mode }, orderBy: { seq: "asc" } });
    return rows.map(toRound);
  }

  /** The guesses of several rounds, by round, each in submission order. */
  async guessesOfRounds(roundIds: readonly string[]): Promise<Map<string, GuessRow[]>> {
    const rows = await this.prisma.guess.findMany({
      where: { roundId: { in: [...new Set(roundIds)] } },
      orderBy: { submittedAt: "asc" },
    });
    const byRound = new Map<string, GuessRow[]>();
    for (const r of rows) {
      const list = byRound.get(r.roundId) ?? [];
      list.push({
        participantId: r.participantId,
        probs: r.distribution as number[],
        scoreBits: r.scoreBits,
      });
      byRound.set(r.roundId, list);
    }
    return byRound;
  }

  /** Every scored guess of the session's guess rounds: the leaderboard sums them. */
  async sessionScores(
    sessionId: string,
  ): Promise<{ participantId: string; roundId: string; scoreBits: number }[]> {
    const rows = await this.prisma.guess.findMany({
      where: { round: { sessionId, mode: "guess" }, scoreBits: { not: null } },
      select: { participantId: true, roundId: true, scoreBits: true },
    });
    return rows.map((r) => ({ participantId: r.participantId, roundId: r.roundId, scoreBits: r.scoreBits! }));
  }

  async updateRound(
    id: string,
    data: { revealedAt?: Date; closedAt?: Date; guessLockedAt?: Date },
  ): Promise<RoundRow> {
    return toRound(await this.prisma.round.update({ where: { id }, data }));
  }

  async latestRound(sessionId: string): Promise<RoundRow | null> {
    const r = await this.prisma.round.findFirst({ where: { sessionId }, orderBy: { seq: "desc" } });
    return r ? toRound(r) : null;
  }

  /** Closes every round of the session that is still open (a new round supersedes them). */
  async closeOpenRounds(sessionId: string, at: Date): Promise<void> {
    await this.prisma.round.updateMany({ where: { sessionId, closedAt: null }, data: { closedAt: at } });
  }

  /**
   * Inserts samples in one statement; rows whose (round, participant, index) exists are skipped.
   * Returns the keys actually inserted: only those may be counted (exactly-once).
   */
  async insertSamples(rows: readonly SampleRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const params = [
      rows.map((r) => r.roundId),
      rows.map((r) => r.participantId),
      rows.map((r) => r.index),
      rows.map((r) => `{${r.tokens.join(",")}}`),
      rows.map((r) => r.logProb),
    ];
    type Inserted = { participant_id: string; idx: number; round_id: string };
    const inserted = this.sql
      ? await this.sql.query<Inserted>(INSERT_SAMPLES, params)
      : await this.prisma.$queryRawUnsafe<Inserted[]>(INSERT_SAMPLES, ...params);
    return new Set(inserted.map((r) => sampleKey(r.round_id, r.participant_id, Number(r.idx))));
  }

  /** All samples of a round, for rebuilding its statistics after a restart. */
  async roundSamples(roundId: string): Promise<SampleRow[]> {
    const rows = await this.prisma.sample.findMany({
      where: { roundId },
      select: { participantId: true, idx: true, tokens: true, logProb: true },
      orderBy: [{ createdAt: "asc" }],
    });
    return rows.map((r) => ({
      roundId,
      participantId: r.participantId,
      index: r.idx,
      tokens: r.tokens,
      logProb: r.logProb,
    }));
  }

  /** A page of a round's samples in key order (participant, index), after `after`: for rebuilding counters. */
  async roundSamplesPage(
    roundId: string,
    after: { participantId: string; index: number } | null,
    limit: number,
  ): Promise<SampleRow[]> {
    const rows = await this.prisma.sample.findMany({
      where: after
        ? {
            roundId,
            OR: [
              { participantId: { gt: after.participantId } },
              { participantId: after.participantId, idx: { gt: after.index } },
            ],
          }
        : { roundId },
      select: { participantId: true, idx: true, tokens: true, logProb: true },
      orderBy: [{ participantId: "asc" }, { idx: "asc" }],
      take: limit,
    });
    return rows.map((r) => ({
      roundId,
      participantId: r.participantId,
      index: r.idx,
      tokens: r.tokens,
      logProb: r.logProb,
    }));
  }

  /**
   * How many samples a participant has stored in a round, and the lowest index not stored ([SW1]: 0..9 stored
   * gives 10; a gap stays a gap). One statement over the primary key.
   */
  async participantProgress(
    roundId: string,
    participantId: string,
  ): Promise<{ stored: number; nextIndex: number }> {
    const [r] = await this.prisma.$queryRawUnsafe<{ stored: number; next: number }[]>(
      `SELECT
         (SELECT count(*)::int FROM samples WHERE round_id = $1 AND participant_id = $2) AS stored,
         CASE WHEN NOT EXISTS (SELECT 1 FROM samples WHERE round_id = $1 AND participant_id = $2 AND idx = 0) THEN 0
           ELSE (SELECT min(s.idx) + 1 FROM samples s
                 WHERE s.round_id = $1 AND s.participant_id = $2
                   AND NOT EXISTS (SELECT 1 FROM samples t
                                   WHERE t.round_id = $1 AND t.participant_id = $2 AND t.idx = s.idx + 1))
         END AS next`,
      roundId,
      participantId,
    );
    return { stored: Number(r!.stored), nextIndex: Number(r!.next) };
  }

  /** A participant's stored sample indices in a round from `from` on (the window check's view of the truth). */
  async storedIndexes(roundId: string, participantId: string, from: number): Promise<number[]> {
    const rows = await this.prisma.sample.findMany({
      where: { roundId, participantId, idx: { gte: from } },
      select: { idx: true },
    });
    return rows.map((r) => r.idx);
  }

  async countSamples(roundId: string): Promise<number> {
    return this.prisma.sample.count({ where: { roundId } });
  }
}

export const sampleKey = (roundId: string, participantId: string, index: number): string =>
  `${roundId}\u0000${participantId}\u0000${index}`;
