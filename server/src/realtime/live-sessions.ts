/**
 * The sessions this process holds in memory, loaded once (single-flight) from the database, with when each was
 * last used. Shared by the rooms of the live layer (sessions, participants, rounds, ticker); handlers and routes
 * never see it.
 */
import { ErrorCode } from "@tokenroom/shared";
import type { Clock } from "../clock.ts";
import { ServiceError } from "../errors.ts";
import type { ModelRegistry } from "../models/registry.ts";
import type { Repository, SessionRow } from "../store/repository.ts";
import type { Broadcaster } from "./broadcaster.ts";
import { type DecoderWarmup, warmLiveRound } from "./decoder-warmup.ts";
import { type LiveSession, loadLiveSession } from "./live-state.ts";

export interface LiveSessionsDeps {
  repo: Repository;
  models: ModelRegistry;
  clock: Clock;
  broadcaster: Broadcaster;
  /** [WARM1] Warms the decoder of a session's open round when the session is loaded (after a restart). */
  warmup?: DecoderWarmup | undefined;
}

export class LiveSessions {
  readonly #live = new Map<string, Promise<LiveSession>>();
  /** When each session was last used (clock ms): every `get` is activity (live-memory.ts). */
  readonly #usedAt = new Map<string, number>();

  constructor(private readonly deps: LiveSessionsDeps) {}

  /** The live state of a session, loaded from the database on first use (`row`: already read). */
  get(sessionId: string, row?: SessionRow): Promise<LiveSession> {
    this.#usedAt.set(sessionId, this.deps.clock.now());
    let live = this.#live.get(sessionId);
    if (!live) {
      const { repo, models, broadcaster } = this.deps;
      live = (async () => {
        const session = row ?? (await repo.getSession(sessionId));
        if (!session) throw new ServiceError(ErrorCode.NOT_FOUND, "no such session");
        const loaded = await loadLiveSession(repo, models, session, (participant) =>
          broadcaster.localSockets({ participant }),
        );
        if (loaded.round) warmLiveRound(this.deps.warmup, loaded, loaded.round);
        return loaded;
      })();
      this.#live.set(sessionId, live);
      const loading = live;
      live.catch(() => this.forget(sessionId, loading));
    }
    return live;
  }

  /** A session the host may still act on: loaded, and not ended. */
  async open(sessionId: string): Promise<LiveSession> {
    const live = await this.get(sessionId);
    if (live.session.endedAt)
      throw new ServiceError(ErrorCode.SESSION_ENDED, "this session has ended; host a new one");
    return live;
  }

  /** The pending live state if this process holds it: never loads it (bookkeeping must not bring a session back). */
  peek(sessionId: string): Promise<LiveSession> | undefined {
    return this.#live.get(sessionId);
  }

  /** The live state if this process holds it and it loaded; null otherwise (never loads). */
  async held(sessionId: string): Promise<LiveSession | null> {
    return (await this.#live.get(sessionId)?.catch(() => null)) ?? null;
  }

  has(sessionId: string): boolean {
    return this.#live.has(sessionId);
  }

  get size(): number {
    return this.#live.size;
  }

  /** When the session was last used (clock ms; 0 when not held). */
  lastUsed(sessionId: string): number {
    return this.#usedAt.get(sessionId) ?? 0;
  }

  /** The sessions held now, as pending loads (a copy: safe to forget while iterating). */
  pending(): [string, Promise<LiveSession>][] {
    return [...this.#live];
  }

  /** Every held session that loaded, one at a time (a session added meanwhile is visited too). */
  async *loaded(): AsyncGenerator<LiveSession> {
    for (const pending of this.#live.values()) {
      const live = await pending.catch(() => null);
      if (live) yield live;
    }
  }

  /** Drops a session's live state from memory (it comes back from the database on next use). */
  forget(sessionId: string, only?: Promise<LiveSession>): void {
    if (only && this.#live.get(sessionId) !== only) return;
    this.#live.delete(sessionId);
    this.#usedAt.delete(sessionId);
  }
}
