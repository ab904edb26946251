/**
 * Sessions: the host creates one, attaches to it with the host key, locks it, ends it; deletion and renaming
 * from the review API; ended and idle sessions leave this process's memory (evictIdle). Handlers and routes
 * call this; it never sees a socket or a request.
 */
import { ErrorCode, type HostSnapshot, type SessionInfo } from "@tokenroom/shared";
import type { Clock } from "../clock.ts";
import { ServiceError } from "../errors.ts";
import type { StatsHub } from "../rounds/stats-hub.ts";
import { hashSecret, newId, newRoomCode, newSecret, secretMatches } from "../secrets.ts";
import { type Repository, UniqueViolation } from "../store/repository.ts";
import type { BeModelService } from "./be-model-service.ts";
import type { Broadcaster } from "./broadcaster.ts";
import type { GuessService } from "./guess-service.ts";
import { sweepLiveSessions, type SweepResult } from "./live-memory.ts";
import type { LiveSessions } from "./live-sessions.ts";
import { type LiveSession, roundInfo, sessionInfo } from "./live-state.ts";
import type { Participants } from "./participants.ts";
import type { SyncBus } from "./sync-bus.ts";

export interface SessionsDeps {
  repo: Repository;
  clock: Clock;
  broadcaster: Broadcaster;
  stats: StatsHub;
  guesses: GuessService;
  beModel: BeModelService;
  /** Tells the other server processes (if any) what changed, so they reload it. */
  sync: SyncBus;
  /** Base URL phones use, without trailing slash. */
  publicUrl: () => string;
}

/** What anyone may learn of a room from its code (GET /api/rooms/:code). */
export interface RoomView {
  code: string;
  title: string;
  locked: boolean;
  ended: boolean;
}

const E = ErrorCode;

export class Sessions {
  constructor(
    private readonly live: LiveSessions,
    private readonly participants: Participants,
    private readonly deps: SessionsDeps,
  ) {}

  private joinUrl(code: string): string {
    return `${this.deps.publicUrl()}/join/${code}`;
  }

  private info(live: LiveSession): SessionInfo {
    return sessionInfo(live.session, this.joinUrl(live.session.code));
  }

  async create(title = ""): Promise<{ sessionId: string; code: string; hostKey: string; joinUrl: string }> {
    const hostKey = newSecret();
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        const row = await this.deps.repo.createSession({
          id: newId(),
          code: newRoomCode(),
          title,
          hostKeyHash: hashSecret(hostKey),
        });
        return { sessionId: row.id, code: row.code, hostKey, joinUrl: this.joinUrl(row.code) };
      } catch (error) {
        if (!(error instanceof UniqueViolation)) throw error;
      }
    }
    throw new ServiceError(E.INTERNAL, "could not allocate a room code; try again");
  }

  /** A room by its code, from the database (never loaded into memory); null when no session has it. */
  async byCode(code: string): Promise<RoomView | null> {
    const s = await this.deps.repo.getSessionByCode(code);
    return s ? { code: s.code, title: s.title, locked: s.locked, ended: s.endedAt !== null } : null;
  }

  /** A host's browser proves it holds the host key and gets everything it shows. */
  async attach(sessionId: string, hostKey: string): Promise<HostSnapshot> {
    const session = await this.deps.repo.getSession(sessionId);
    if (!session || !secretMatches(hostKey, session.hostKeyHash)) {
      throw new ServiceError(E.FORBIDDEN, "this browser does not hold the host key of that session");
    }
    return this.hostSnapshot(await this.live.get(sessionId, session));
  }

  private async hostSnapshot(live: LiveSession): Promise<HostSnapshot> {
    const { stats, clock, guesses, beModel } = this.deps;
    const round = live.round;
    const view = round ? await stats.view(round, clock.now()) : null;
    return {
      session: this.info(live),
      participants: await this.participants.view(live),
      round: round ? roundInfo(round.row, clock.now()) : null,
      theory: round ? round.theory : null,
      stats: view ? view.stats(true) : null,
      history: view?.history ?? [],
      guess: round ? await guesses.summary(live, round.row) : null,
      beModel: round ? await beModel.summary(live, round.row) : null,
    };
  }

  async lock(sessionId: string, locked: boolean): Promise<SessionInfo> {
    const live = await this.live.open(sessionId);
    live.session = await this.deps.repo.updateSession(sessionId, { locked });
    this.deps.sync.publish(sessionId, "session");
    const info = this.info(live);
    this.deps.broadcaster.emit({ host: sessionId }, "session:state", info);
    this.deps.broadcaster.emit({ students: sessionId }, "session:state", info);
    return info;
  }

  /**
   * The host ends the session (session:end): its open rounds close, it is stored as ended, every process drops
   * its round, and its sockets hear session:ended.
   */
  async end(sessionId: string): Promise<SessionInfo> {
    const live = await this.live.get(sessionId);
    await this.markEnded(sessionId, live);
    const info = this.info(live);
    this.deps.broadcaster.emit({ host: sessionId }, "session:ended", info);
    this.deps.broadcaster.emit({ students: sessionId }, "session:ended", info);
    return info;
  }

  /**
   * A session about to be deleted is ended first, so its sockets hear session:ended and no write races the
   * delete. One this process does not hold (live on another process, or abandoned) is not loaded: it is marked
   * ended in the database, so every process drops its round.
   */
  async endBeforeDelete(sessionId: string): Promise<void> {
    if (this.live.has(sessionId)) await this.end(sessionId);
    else await this.markEnded(sessionId, null);
  }

  /** The one implementation of ending: close the open rounds, store the end, drop the live round, tell the others. */
  private async markEnded(sessionId: string, live: LiveSession | null): Promise<void> {
    const { repo, clock, sync } = this.deps;
    const row = live ? live.session : await repo.getSession(sessionId);
    if (!row || row.endedAt) return;
    const now = new Date(clock.now());
    await repo.closeOpenRounds(sessionId, now);
    const ended = await repo.updateSession(sessionId, { endedAt: now });
    if (live) {
      live.session = ended;
      live.round = null;
    }
    sync.publish(sessionId, "session");
  }

  /** The stored session changed (its title): this process reloads it, and tells the others. */
  async changed(sessionId: string): Promise<void> {
    await this.reload(sessionId);
    this.deps.sync.publish(sessionId, "session");
  }

  /** The stored session was deleted: it leaves memory here, and on the other processes. */
  deleted(sessionId: string): void {
    this.live.forget(sessionId);
    this.deps.sync.publish(sessionId, "session");
  }

  /** Drops a session from this process's memory only (the retention sweep deleted it). */
  forget(sessionId: string): void {
    this.live.forget(sessionId);
  }

  /** Another process changed the session row: reload it (an ended session drops its round). */
  async reload(sessionId: string): Promise<void> {
    const live = await this.live.held(sessionId);
    if (!live) return;
    const s = await this.deps.repo.getSession(sessionId);
    if (s) live.session = s;
    if (s?.endedAt) live.round = null;
  }

  /** [MEM1] Sessions that ended or went idle for `idleMs` leave memory (live-memory.ts). */
  evictIdle(idleMs: number): Promise<SweepResult> {
    return sweepLiveSessions(this.live, this.deps, idleMs);
  }

  /** How many sessions this process holds in memory (loaded or loading). */
  heldCount(): number {
    return this.live.size;
  }

  /** Whether this process holds the session in memory. */
  isHeld(sessionId: string): boolean {
    return this.live.has(sessionId);
  }

  /** What this process holds (counts only: GET /api/admin/memory). */
  async held(): Promise<{ sessions: number; rounds: number; participants: number }> {
    const counts = { sessions: 0, rounds: 0, participants: 0 };
    for await (const live of this.live.loaded()) {
      counts.sessions++;
      if (live.round) counts.rounds++;
      counts.participants += live.participants.size;
    }
    return counts;
  }
}
