/** Guesses: one distribution per participant and guess (or "be the model") round, and its score. */
import type { PrismaClient } from "../generated/prisma/index.js";
import { guessColumn, readColumn } from "./json-columns.ts";

export interface GuessRow {
  participantId: string;
  probs: number[];
  scoreBits: number | null;
}

export class GuessStore {
  constructor(private readonly prisma: PrismaClient) {}

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
      probs: readColumn(guessColumn, r.distribution, "guesses.distribution"),
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
        probs: readColumn(guessColumn, r.distribution, "guesses.distribution"),
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
}
