/**
 * [MEM3] RETENTION_DAYS: ended sessions older than that are deleted with everything they own (session-delete.ts),
 * by a sweep that runs once shortly after start and then daily. Sessions that never ended are kept. Several
 * processes may sweep at once: deleting a session twice is harmless.
 */
import type { Clock } from "../clock.ts";
import type { PrismaClient } from "../generated/prisma/index.js";
import type { Logger } from "../logger.ts";
import { deleteSession, expiredSessions } from "./session-delete.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The first sweep after start waits this long (start-up is busy enough). */
export const FIRST_SWEEP_MS = 60_000;
/** Sessions read per query of the sweep. */
const PAGE = 100;

export interface RetentionDeps {
  prisma: PrismaClient;
  clock: Clock;
  days: number;
  /** A session or a custom model was deleted: drop what this process holds of it. */
  forgetSession(sessionId: string): void;
  forgetModel(modelId: string): void;
  batch?: number;
}

/** Deletes every ended session that ended more than `days` ago; returns how many sessions and models went. */
export async function retentionSweep(d: RetentionDeps): Promise<{ sessions: number; models: number }> {
  const before = new Date(d.clock.now() - d.days * DAY_MS);
  let sessions = 0;
  let models = 0;
  for (;;) {
    const ids = await expiredSessions(d.prisma, before, PAGE);
    for (const id of ids) {
      const r = await deleteSession(d.prisma, id, d.batch);
      d.forgetSession(id);
      for (const m of r.models) d.forgetModel(m);
      if (r.deleted) sessions++;
      models += r.models.length;
    }
    if (ids.length < PAGE) return { sessions, models };
  }
}

/** Runs the sweep FIRST_SWEEP_MS after start, then every day (unref'd timers); off with days = 0. */
export function scheduleRetention(d: RetentionDeps, log: Logger): { cancel(): void } {
  if (d.days <= 0) return { cancel: () => undefined };
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    retentionSweep(d)
      .then((r) => {
        if (r.sessions > 0)
          log.info(
            `retention: deleted ${r.sessions} sessions ended over ${d.days} days ago (${r.models} trained models)`,
          );
      })
      .catch((error: unknown) => log.error("retention sweep failed", error))
      .finally(() => (running = false));
  };
  const first = d.clock.setInterval(() => {
    first.cancel();
    run();
  }, FIRST_SWEEP_MS);
  const daily = d.clock.setInterval(run, DAY_MS);
  return {
    cancel: () => {
      first.cancel();
      daily.cancel();
    },
  };
}
