/**
 * GET /api/sessions/:id/review: the session, every round reviewed, and one page of participation
 * (`?rounds=0` leaves the rounds out: the next pages of students need only the participation).
 */
import type { SessionReview, StudentParticipation } from "@tokenroom/shared";
import type { ModelRegistry } from "../models/registry.ts";
import type { PrismaClient } from "../generated/prisma/index.js";
import { reviewRounds } from "./round-review.ts";
import type { Keyset, SessionQueries } from "../store/review-sessions.ts";

export interface ReviewDeps {
  sessions: SessionQueries;
  prisma: PrismaClient;
  models: ModelRegistry;
}

export async function sessionReview(
  deps: ReviewDeps,
  sessionId: string,
  students: { after: Keyset | null; limit: number },
  withRounds = true,
): Promise<SessionReview | null> {
  const session = await deps.sessions.summary(sessionId);
  if (!session) return null;
  const [rounds, roundIds, page] = await Promise.all([
    withRounds ? reviewRounds(deps.prisma, deps.models, sessionId) : [],
    deps.sessions.roundIds(sessionId),
    deps.sessions.participants(sessionId, students.after, students.limit),
  ]);
  const participantIds = page.rows.map((p) => p.id);
  const [counts, guesses] = await Promise.all([
    deps.sessions.sampleCounts(roundIds, participantIds),
    deps.sessions.guesses(roundIds, participantIds),
  ]);
  const column = new Map(roundIds.map((id, i) => [id, i]));
  const items = new Map<string, StudentParticipation>(
    page.rows.map((p) => [
      p.id,
      {
        id: p.id,
        nickname: p.nickname,
        joinedAt: p.joinedAt.toISOString(),
        removed: p.removedAt !== null,
        samples: roundIds.map(() => 0),
        total: 0,
        guesses: [],
      },
    ]),
  );
  for (const c of counts) {
    const item = items.get(c.participantId);
    const i = column.get(c.roundId);
    if (!item || i === undefined) continue;
    item.samples[i] = c.count;
    item.total += c.count;
  }
  for (const g of guesses) {
    items.get(g.participantId)?.guesses.push({
      roundId: g.roundId,
      distribution: g.distribution,
      scoreBits: g.scoreBits,
      submittedAt: g.submittedAt.toISOString(),
    });
  }
  for (const item of items.values())
    item.guesses.sort((a, b) => (column.get(a.roundId) ?? 0) - (column.get(b.roundId) ?? 0));
  return {
    session,
    rounds,
    students: {
      roundIds,
      items: [...items.values()],
      nextCursor: page.next ? encodeCursor(page.next) : null,
    },
  };
}

/** Opaque page cursors: base64url of "<ISO time>|<id>". */
export function encodeCursor(k: Keyset): string {
  return Buffer.from(`${k.at.toISOString()}|${k.id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Keyset | null | "invalid" {
  if (cursor === undefined || cursor === "") return null;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const bar = text.indexOf("|");
  const at = new Date(text.slice(0, bar));
  const id = text.slice(bar + 1);
  if (bar < 0 || Number.isNaN(at.getTime()) || id.length === 0 || id.length > 64) return "invalid";
  return { at, id };
}
