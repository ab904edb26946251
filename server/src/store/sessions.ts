/** Live sessions and their participants: the `sessions` and `participants` tables as the services use them. */
import type { PrismaClient } from "../generated/prisma/index.js";

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

/** Thrown when a unique constraint rejects an insert (room code, nickname). */
export class UniqueViolation extends Error {}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    e?.code === "P2002" ||
    (typeof e?.message === "string" && /unique constraint|duplicate key/i.test(e.message))
  );
}

const PARTICIPANT = {
  id: true,
  sessionId: true,
  nickname: true,
  resumeTokenHash: true,
  removedAt: true,
} as const;

export class SessionStore {
  constructor(private readonly prisma: PrismaClient) {}

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
        select: PARTICIPANT,
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
      select: PARTICIPANT,
    });
  }

  getParticipant(id: string): Promise<ParticipantRow | null> {
    return this.prisma.participant.findUnique({ where: { id }, select: PARTICIPANT });
  }

  async removeParticipant(id: string, at: Date): Promise<void> {
    await this.prisma.participant.update({ where: { id }, data: { removedAt: at } });
  }
}
