/**
 * The live layer, wired: one registry of the sessions in memory (live-sessions.ts) shared by four rooms:
 * sessions, participants, rounds and the ticker. `refresh` is how another process's change (scale/'s sync
 * channel) reaches the room that owns that part.
 */
import type { ModelRegistry } from "../models/registry.ts";
import type { DecoderWarmup } from "./decoder-warmup.ts";
import { LiveSessions } from "./live-sessions.ts";
import { Participants } from "./participants.ts";
import { Rounds } from "./rounds.ts";
import { Sessions, type SessionsDeps } from "./sessions.ts";
import type { SyncKind } from "./sync-bus.ts";
import { Ticker } from "./ticker.ts";

/** What the rooms need: the sessions room's dependencies, and these. */
export interface LiveDeps extends SessionsDeps {
  models: ModelRegistry;
  /** Participants with a connected socket on any process (several processes); local counts otherwise. */
  presence?: ((sessionId: string) => Promise<Set<string>>) | undefined;
  /** [L3] MAX_STUDENTS_PER_SESSION (default: no limit). */
  maxStudents?: number | undefined;
  /** [FAN1] STATS_FANOUT_SOCKETS: about how many phones one tick sends statistics to (default 250). */
  statsFanoutSockets?: number | undefined;
  /** [WARM1] Warms each round's decoder when the round goes live on this process. */
  warmup?: DecoderWarmup | undefined;
}

export interface LiveLayer {
  sessions: Sessions;
  participants: Participants;
  rounds: Rounds;
  ticker: Ticker;
  /** Another process changed `kind` of a session: the owning room reloads it, if this process holds it. */
  refresh(sessionId: string, kind: SyncKind): Promise<void>;
}

export function createLiveLayer(deps: LiveDeps): LiveLayer {
  return wireLiveLayer(deps, new LiveSessions(deps));
}

/** The same, over a given registry (the unit tests look inside the live state it holds). */
export function wireLiveLayer(deps: LiveDeps, live: LiveSessions): LiveLayer {
  const participants = new Participants(live, deps);
  const sessions = new Sessions(live, participants, deps);
  const rounds = new Rounds(live, deps);
  const ticker = new Ticker(live, participants, deps);
  const refresh = (sessionId: string, kind: SyncKind): Promise<void> => {
    switch (kind) {
      case "session":
        return sessions.reload(sessionId);
      case "round":
        return rounds.reload(sessionId);
      case "guesses":
        return rounds.guessesChanged(sessionId);
      case "participants":
      case "presence":
        return participants.reload(sessionId, kind);
    }
  };
  return { sessions, participants, rounds, ticker, refresh };
}
