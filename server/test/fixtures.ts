/**
 * Unit-test fixture: the realtime services over an in-memory PGlite database, with a manual clock and a
 * broadcaster that records what it would send. No sockets, no HTTP.
 */
import { type RoundSettings, roundSettingsSchema } from "@tokenroom/shared";
import type { Clock } from "../src/clock.ts";
import type { Broadcaster } from "../src/realtime/broadcaster.ts";
import { BeModelService } from "../src/realtime/be-model-service.ts";
import { GuessService } from "../src/realtime/guess-service.ts";
import { type LiveLayer, wireLiveLayer } from "../src/realtime/live-layer.ts";
import { LiveSessions } from "../src/realtime/live-sessions.ts";
import { noSync, type SyncBus } from "../src/realtime/sync-bus.ts";
import { LocalStatsHub } from "../src/rounds/stats-hub.ts";
import type { Database } from "../src/store/database.ts";
import { Repository } from "../src/store/repository.ts";
import { models, toyRound } from "./boot.ts";

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

/** Starts at a non-zero time, like the system clock. */
export function manualClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => void (now += ms),
    setInterval: () => ({ cancel: () => undefined }),
  };
}

/** boot.ts's toyRound, as the server reads it. */
export const sampleRound = (over: Partial<RoundSettings> = {}): RoundSettings =>
  roundSettingsSchema.parse(toyRound(over));

export interface Services extends LiveLayer {
  repo: Repository;
  /** The sessions this "process" holds: tests look inside their live state. */
  live: LiveSessions;
  stats: LocalStatsHub;
  clock: ManualClock;
  sent: { event: string; args: unknown[] }[];
}

/** The live layer over `db`; several over one database stand for several server processes. */
export function services(db: Database, sync: SyncBus = noSync): Services {
  const repo = new Repository(db.prisma, db.sql);
  const clock = manualClock();
  const stats = new LocalStatsHub();
  const sent: Services["sent"] = [];
  const broadcaster: Broadcaster = {
    emit: (_to, event, ...args) => void sent.push({ event, args }),
    emitVolatile: (_to, event, ...args) => void sent.push({ event, args }),
    disconnectParticipant: () => undefined,
    localSockets: () => 0,
  };
  const deps = {
    repo,
    models: models(),
    clock,
    broadcaster,
    stats,
    guesses: new GuessService(repo),
    beModel: new BeModelService(repo, models()),
    sync,
    publicUrl: () => "http://tokenroom.test",
  };
  const live = new LiveSessions(deps);
  return { ...wireLiveLayer(deps, live), repo, live, stats, clock, sent };
}
