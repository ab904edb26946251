/** Rounds: the `rounds` table, its settings fixed at the start, its theory snapshot and guess candidates. */
import type { Prisma, PrismaClient } from "../generated/prisma/index.js";
import type { RoundMode, RoundStatus, TheoryView } from "@tokenroom/shared";

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

export function roundStatus(r: Pick<RoundRow, "revealedAt" | "closedAt">): RoundStatus {
  return r.closedAt ? "closed" : r.revealedAt ? "revealed" : "open";
}

type DbRound = Prisma.RoundGetPayload<object>;
const toRound = (r: DbRound): RoundRow => ({
  ...r,
  mode: r.mode as RoundMode,
  seed: Number(r.seed),
  theory: r.theory as unknown as TheoryView,
  candidates: (r.candidates ?? null) as unknown as RoundCandidates | null,
});

export type NewRound = Omit<RoundRow, "revealedAt" | "closedAt" | "guessLockedAt" | "candidates"> & {
  candidates?: RoundCandidates | null;
};

export class RoundStore {
  constructor(private readonly prisma: PrismaClient) {}

  async createRound(row: NewRound): Promise<RoundRow> {
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

  /** The session's rounds of one mode, in order. */
  async sessionRoundsOfMode(sessionId: string, mode: RoundMode): Promise<RoundRow[]> {
    const rows = await this.prisma.round.findMany({ where: { sessionId, mode }, orderBy: { seq: "asc" } });
    return rows.map(toRound);
  }

  /** Closes every round of the session that is still open (a new round supersedes them). */
  async closeOpenRounds(sessionId: string, at: Date): Promise<void> {
    await this.prisma.round.updateMany({ where: { sessionId, closedAt: null }, data: { closedAt: at } });
  }
}
