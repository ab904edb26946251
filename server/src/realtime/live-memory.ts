/**
 * [MEM1] Bounded memory for live sessions. A session leaves this process's memory when it ended (a short grace
 * after its last use) or when no socket of this process is in its rooms and nothing used it for
 * SESSION_IDLE_MINUTES. Everything it held comes back from the database on next use (loadLiveSession): the
 * session, its participants, its open round with every stored sample counted again. What is dropped with it:
 * the round's aggregator and per-participant indices, the sample rate buckets, the guess and "be the model"
 * flags. With several processes each sweeps its own memory; the round's shared counters stay in Redis, and the
 * statistics hub first counts the samples only this process holds and gives up the round's lease (release).
 */
import type { Clock } from "../clock.ts";
import type { StatsHub } from "../rounds/stats-hub.ts";
import type { Broadcaster } from "./broadcaster.ts";
import type { LiveSessions } from "./live-sessions.ts";

/** An ended session leaves memory this long after its last use (or sooner when SESSION_IDLE_MINUTES is shorter). */
export const ENDED_GRACE_MS = 60_000;

/** How often the sweep runs: a quarter of the idle time, between 100 ms and one minute. */
export function sweepIntervalMs(idleMs: number): number {
  return Math.min(60_000, Math.max(100, Math.floor(idleMs / 4)));
}

export interface SweepResult {
  /** Sessions that left memory in this sweep. */
  evicted: number;
  /** Sessions still in memory. */
  live: number;
}

export interface SweepDeps {
  clock: Clock;
  broadcaster: Broadcaster;
  stats: StatsHub;
}

/**
 * Drops the sessions that ended or went idle (see the module comment); a session in use is never dropped.
 * Called through `Sessions.evictIdle` (sessions.ts).
 */
export async function sweepLiveSessions(
  held: LiveSessions,
  { clock, broadcaster, stats }: SweepDeps,
  idleMs: number,
): Promise<SweepResult> {
  const sockets = (sessionId: string) =>
    broadcaster.localSockets({ host: sessionId }) + broadcaster.localSockets({ students: sessionId });
  let evicted = 0;
  for (const [id, pending] of held.pending()) {
    const live = await pending.catch(() => null);
    if (!live) continue; // a failed load removes itself
    const used = held.lastUsed(id);
    const ended = live.session.endedAt !== null;
    if (clock.now() - used < (ended ? Math.min(ENDED_GRACE_MS, idleMs) : idleMs)) continue;
    if (!ended && sockets(id) > 0) continue;
    const round = live.round;
    if (round && round.inflight.size > 0) continue; // samples being written: next sweep
    if (round && !(await stats.release(round))) continue;
    // used or attached while the hub handed over: it stays
    if (held.peek(id) !== pending || held.lastUsed(id) !== used) continue;
    if (!ended && sockets(id) > 0) continue;
    held.forget(id, pending);
    evicted++;
  }
  return { evicted, live: held.size };
}
