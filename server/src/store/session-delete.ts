/**
 * [MEM3] Deleting a stored session: the one implementation behind the review API's DELETE and the retention
 * sweep. In batches, each its own short statement, so a large session never holds locks for long: samples and
 * guesses (by round: their keys start with round_id), participants, then the session (its rounds and custom
 * model ownerships cascade), then the custom models no other session owns. An interrupted deletion leaves a
 * session with fewer rows, which the next attempt finishes.
 */
import type { PrismaClient } from "../generated/prisma/index.js";

/** Rows per DELETE statement. */
export const DELETE_BATCH = 5_000;

export interface DeletedSession {
  /** Whether the session row existed (and is gone). */
  deleted: boolean;
  /** Custom models deleted with it (no other session owned them): the registry must forget them. */
  models: string[];
}

/** Deletes `table` rows of the session's rounds, `batch` at a time. */
async function deleteByRound(
  prisma: PrismaClient,
  table: "samples" | "guesses",
  sessionId: string,
  batch: number,
): Promise<void> {
  for (;;) {
    const n = await prisma.$executeRawUnsafe(
      `DELETE FROM ${table} WHERE ctid IN (
         SELECT t.ctid FROM ${table} t JOIN rounds r ON r.id = t.round_id WHERE r.session_id = $1 LIMIT $2)`,
      sessionId,
      batch,
    );
    if (n < batch) return;
  }
}

export async function deleteSession(
  prisma: PrismaClient,
  sessionId: string,
  batch = DELETE_BATCH,
): Promise<DeletedSession> {
  const owned = await prisma.customModelOwner.findMany({
    where: { sessionId },
    select: { modelId: true },
  });
  await deleteByRound(prisma, "samples", sessionId, batch);
  await deleteByRound(prisma, "guesses", sessionId, batch);
  for (;;) {
    const n = await prisma.$executeRawUnsafe(
      `DELETE FROM participants WHERE id IN (SELECT id FROM participants WHERE session_id = $1 LIMIT $2)`,
      sessionId,
      batch,
    );
    if (n < batch) break;
  }
  const deleted = await prisma.$executeRawUnsafe(`DELETE FROM sessions WHERE id = $1`, sessionId);
  let models: string[] = [];
  if (owned.length > 0) {
    const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(
      `DELETE FROM custom_models m WHERE m.id = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM custom_model_owners o WHERE o.model_id = m.id) RETURNING m.id`,
      owned.map((o) => o.modelId),
    );
    models = rows.map((r) => r.id);
  }
  return { deleted: deleted > 0, models };
}

/** Ids of ended sessions that ended before `before`, oldest first, at most `limit`. */
export async function expiredSessions(prisma: PrismaClient, before: Date, limit: number): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM sessions WHERE ended_at IS NOT NULL AND ended_at < $1::timestamptz
     ORDER BY ended_at, id LIMIT $2`,
    before.toISOString(),
    limit,
  );
  return rows.map((r) => r.id);
}
