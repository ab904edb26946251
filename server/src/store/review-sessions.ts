/**
 * Session-level SQL of the review: summaries (counts aggregated in the database), keyset pages,
 * title edits (deletion: store/session-delete.ts). Raw SQL through Prisma: the same text runs on PGlite and PostgreSQL.
 */
import type { SessionSummary } from "@tokenroom/shared";
import type { PrismaClient } from "../generated/prisma/index.js";

export interface SessionAuthRow {
  id: string;
  hostKeyHash: string;
}

interface SummaryRow {
  id: string;
  code: string;
  title: string;
  locked: boolean;
  created_at: Date;
  ended_at: Date | null;
  students: bigint;
  rounds: bigint;
  samples: bigint;
}

/** A participant as the review lists them (join and removal times). */
export interface ReviewParticipant {
  id: string;
  nickname: string;
  joinedAt: Date;
  removedAt: Date | null;
}

/** A keyset position: (timestamp, id) of the last row of the previous page. */
export interface Keyset {
  at: Date;
  id: string;
}

const SUMMARY = `
  SELECT s.id, s.code, s.title, s.locked, s.created_at, s.ended_at,
    (SELECT count(*) FROM participants p WHERE p.session_id = s.id) AS students,
    (SELECT count(*) FROM rounds r WHERE r.session_id = s.id) AS rounds,
    (SELECT count(*) FROM samples x WHERE x.round_id IN (SELECT r.id FROM rounds r WHERE r.session_id = s.id)) AS samples
  FROM sessions s`;

const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

function toSummary(r: SummaryRow): SessionSummary & { locked: boolean } {
  return {
    id: r.id,
    code: r.code,
    title: r.title,
    locked: r.locked,
    createdAt: iso(r.created_at),
    endedAt: isoOrNull(r.ended_at),
    students: Number(r.students),
    rounds: Number(r.rounds),
    samples: Number(r.samples),
  };
}

const plain = ({ locked: _locked, ...s }: SessionSummary & { locked: boolean }): SessionSummary => s;

export class SessionQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async auth(id: string): Promise<SessionAuthRow | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string; host_key_hash: string }[]>(
      `SELECT id, host_key_hash FROM sessions WHERE id = $1`,
      id,
    );
    const r = rows[0];
    return r ? { id: r.id, hostKeyHash: r.host_key_hash } : null;
  }

  async authMany(ids: readonly string[]): Promise<SessionAuthRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.$queryRawUnsafe<{ id: string; host_key_hash: string }[]>(
      `SELECT id, host_key_hash FROM sessions WHERE id = ANY($1::text[])`,
      ids,
    );
    return rows.map((r) => ({ id: r.id, hostKeyHash: r.host_key_hash }));
  }

  async summary(id: string): Promise<(SessionSummary & { locked: boolean }) | null> {
    const rows = await this.prisma.$queryRawUnsafe<SummaryRow[]>(`${SUMMARY} WHERE s.id = $1`, id);
    return rows[0] ? toSummary(rows[0]) : null;
  }

  /** Summaries of the given sessions, newest first. */
  async summaries(ids: readonly string[]): Promise<SessionSummary[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.$queryRawUnsafe<SummaryRow[]>(
      `${SUMMARY} WHERE s.id = ANY($1::text[]) ORDER BY s.created_at DESC, s.id DESC`,
      ids,
    );
    return rows.map((r) => plain(toSummary(r)));
  }

  /** Every session, newest first, `limit` at a time after `after` (keyset on created_at, id). */
  async page(
    after: Keyset | null,
    limit: number,
  ): Promise<{ sessions: SessionSummary[]; next: Keyset | null }> {
    const rows = await this.prisma.$queryRawUnsafe<SummaryRow[]>(
      `${SUMMARY}
       WHERE $1::timestamptz IS NULL OR (s.created_at, s.id) < ($1::timestamptz, $2::text)
       ORDER BY s.created_at DESC, s.id DESC LIMIT $3`,
      after ? after.at.toISOString() : null,
      after?.id ?? "",
      limit + 1,
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      sessions: page.map((r) => plain(toSummary(r))),
      next: more && last ? { at: last.created_at, id: last.id } : null,
    };
  }

  async setTitle(id: string, title: string): Promise<void> {
    await this.prisma.$executeRawUnsafe(`UPDATE sessions SET title = $2 WHERE id = $1`, id, title);
  }

  async roundIds(sessionId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM rounds WHERE session_id = $1 ORDER BY seq`,
      sessionId,
    );
    return rows.map((r) => r.id);
  }

  /** Participants in join order, `limit` at a time after `after` (keyset on joined_at, id). */
  async participants(
    sessionId: string,
    after: Keyset | null,
    limit: number,
  ): Promise<{ rows: ReviewParticipant[]; next: Keyset | null }> {
    const rows = await this.prisma.$queryRawUnsafe<
      { id: string; nickname: string; joined_at: Date; removed_at: Date | null }[]
    >(
      `SELECT id, nickname, joined_at, removed_at FROM participants
       WHERE session_id = $1 AND ($2::timestamptz IS NULL OR (joined_at, id) > ($2::timestamptz, $3::text))
       ORDER BY joined_at, id LIMIT $4`,
      sessionId,
      after ? after.at.toISOString() : null,
      after?.id ?? "",
      limit + 1,
    );
    const page = rows.slice(0, limit).map((r) => ({
      id: r.id,
      nickname: r.nickname,
      joinedAt: r.joined_at,
      removedAt: r.removed_at,
    }));
    const last = page[page.length - 1];
    return { rows: page, next: rows.length > limit && last ? { at: last.joinedAt, id: last.id } : null };
  }

  /** Samples per (participant, round) for a page of participants (the primary key serves the lookup). */
  async sampleCounts(
    roundIds: readonly string[],
    participantIds: readonly string[],
  ): Promise<{ participantId: string; roundId: string; count: number }[]> {
    if (roundIds.length === 0 || participantIds.length === 0) return [];
    const rows = await this.prisma.$queryRawUnsafe<{ participant_id: string; round_id: string; c: bigint }[]>(
      `SELECT participant_id, round_id, count(*) AS c FROM samples
       WHERE round_id = ANY($1::text[]) AND participant_id = ANY($2::text[])
       GROUP BY participant_id, round_id`,
      roundIds,
      participantIds,
    );
    return rows.map((r) => ({ participantId: r.participant_id, roundId: r.round_id, count: Number(r.c) }));
  }

  async guesses(
    roundIds: readonly string[],
    participantIds: readonly string[],
  ): Promise<
    {
      participantId: string;
      roundId: string;
      distribution: unknown;
      scoreBits: number | null;
      submittedAt: Date;
    }[]
  > {
    if (roundIds.length === 0 || participantIds.length === 0) return [];
    const rows = await this.prisma.$queryRawUnsafe<
      {
        participant_id: string;
        round_id: string;
        distribution: unknown;
        score_bits: number | null;
        submitted_at: Date;
      }[]
    >(
      `SELECT participant_id, round_id, distribution, score_bits, submitted_at FROM guesses
       WHERE round_id = ANY($1::text[]) AND participant_id = ANY($2::text[])`,
      roundIds,
      participantIds,
    );
    return rows.map((r) => ({
      participantId: r.participant_id,
      roundId: r.round_id,
      distribution: r.distribution,
      scoreBits: r.score_bits,
      submittedAt: r.submitted_at,
    }));
  }
}
