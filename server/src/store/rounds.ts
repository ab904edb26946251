/** Rounds: the `rounds` table, its settings fixed at the start, its theory snapshot and guess candidates. */
import type { Prisma, PrismaClient } from "../generated/prisma/index.js";
import {
  type RoundFields,
  type RoundMode,
  roundModeSchema,
  type RoundStatus,
  type TheoryView,
} from "@tokenroom/shared";
import { candidatesColumn, readColumn, type RoundCandidates, theoryColumn } from "./json-columns.ts";

export type { RoundCandidates } from "./json-columns.ts";

/** A stored round: the protocol's round fields, its session, its JSON columns parsed, its times. */
export interface RoundRow extends RoundFields {
  sessionId: string;
  theory: TheoryView;
  candidates: RoundCandidates | null;
  guessLockedAt: Date | null;
  startedAt: Date;
  revealedAt: Date | null;
  closedAt: Date | null;
}

export function roundStatus(r: Pick<RoundRow, "revealedAt" | "closedAt">): RoundStatus {
  return r.closedAt ? "closed" : r.revealedAt ? "revealed" : "open";
}

type DbRound = Prisma.RoundGetPayload<object>;

/** Plain data as Prisma's JSON input: TypeScript cannot see an interface (no index signature) as a JSON object. */
const jsonInput = (value: object): Prisma.InputJsonObject => value;
const toRound = (r: DbRound): RoundRow => ({
  ...r,
  mode: readColumn(roundModeSchema, r.mode, "rounds.mode"),
  seed: Number(r.seed),
  theory: readColumn(theoryColumn, r.theory, "rounds.theory"),
  candidates: r.candidates === null ? null : readColumn(candidatesColumn, r.candidates, "rounds.candidates"),
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
        theory: jsonInput(row.theory),
        candidates: row.candidates ?? undefined,
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

  /** The session's rounds, in order (the review and the exports). */
  async sessionRounds(sessionId: string): Promise<RoundRow[]> {
    const rows = await this.prisma.round.findMany({ where: { sessionId }, orderBy: { seq: "asc" } });
    return rows.map(toRound);
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
