/**
 * Participants: students join with the room code, resume with their token, are removed by the host; their
 * sockets make the connected badges (presence). Handlers call this after validating payloads.
 */
import { ErrorCode, type JoinResult, type ParticipantInfo, type StudentSnapshot } from "@tokenroom/shared";
import type { Clock } from "../clock.ts";
import { ServiceError } from "../errors.ts";
import type { StatsHub } from "../rounds/stats-hub.ts";
import { hashSecret, newId, newSecret, secretMatches } from "../secrets.ts";
import { type Repository, UniqueViolation } from "../store/repository.ts";
import type { Broadcaster } from "./broadcaster.ts";
import type { GuessService } from "./guess-service.ts";
import type { LiveSessions } from "./live-sessions.ts";
import { type LiveSession, participantList, roundInfo } from "./live-state.ts";
import type { SyncBus } from "./sync-bus.ts";

export interface ParticipantsDeps {
  repo: Repository;
  clock: Clock;
  broadcaster: Broadcaster;
  stats: StatsHub;
  guesses: GuessService;
  sync: SyncBus;
  /** Participants with a connected socket on any process (several processes); local counts otherwise. */
  presence?: ((sessionId: string) => Promise<Set<string>>) | undefined;
  /** [L3] MAX_STUDENTS_PER_SESSION (default: no limit). */
  maxStudents?: number | undefined;
}

const E = ErrorCode;

const activeStudents = (live: LiveSession): number => {
  let n = 0;
  for (const p of live.participants.values()) if (!p.row.removedAt) n++;
  return n;
};

export class Participants {
  constructor(
    private readonly live: LiveSessions,
    private readonly deps: ParticipantsDeps,
  ) {}

  async join(code: string, nickname: string): Promise<JoinResult> {
    const { repo, sync } = this.deps;
    const session = await repo.getSessionByCode(code);
    if (!session)
      throw new ServiceError(E.NOT_FOUND, `no session has the code ${code}; check the code on the projector`);
    if (session.endedAt) throw new ServiceError(E.SESSION_ENDED, "this session has ended");
    const live = await this.live.get(session.id, session);
    if (live.session.locked)
      throw new ServiceError(E.ROOM_LOCKED, "the room is locked; ask the instructor to unlock it");
    // [L3] students not removed by the host, as this process sees them: joins racing on several processes
    // may pass the limit by a few
    const max = this.deps.maxStudents ?? Infinity;
    if (live.participants.size >= max && activeStudents(live) >= max)
      throw new ServiceError(
        E.SESSION_FULL,
        `this session is full (${max} students); ask the instructor to start another session for the rest of the class`,
      );
    const resumeToken = newSecret();
    let row;
    try {
      row = await repo.createParticipant({
        id: newId(),
        sessionId: session.id,
        nickname,
        resumeTokenHash: hashSecret(resumeToken),
      });
    } catch (error) {
      if (error instanceof UniqueViolation)
        throw new ServiceError(
          E.NICKNAME_TAKEN,
          `"${nickname}" is taken in this room; choose another nickname`,
        );
      throw error;
    }
    live.participants.set(row.id, { row, connections: 0, bucket: { tokens: 0, at: 0 } });
    live.participantsDirty = true;
    sync.publish(session.id, "participants");
    return { participantId: row.id, resumeToken, snapshot: await this.snapshot(live, row.id) };
  }

  async resume(
    participantId: string,
    resumeToken: string,
  ): Promise<{ sessionId: string; snapshot: StudentSnapshot }> {
    const row = await this.deps.repo.getParticipant(participantId);
    if (!row || !secretMatches(resumeToken, row.resumeTokenHash)) {
      throw new ServiceError(
        E.FORBIDDEN,
        "this device's join token is not valid; join again with the room code",
      );
    }
    if (row.removedAt) throw new ServiceError(E.REMOVED, "the instructor removed you from this session");
    const live = await this.live.get(row.sessionId);
    if (live.session.endedAt) throw new ServiceError(E.SESSION_ENDED, "this session has ended");
    if (!live.participants.has(participantId)) {
      // joined through another server process: pick the participant up from the database
      live.participants.set(participantId, { row, connections: 0, bucket: { tokens: 0, at: 0 } });
    }
    return { sessionId: live.session.id, snapshot: await this.snapshot(live, participantId) };
  }

  /** The host removes a student: stored, announced to that student, and its sockets closed. */
  async remove(sessionId: string, participantId: string): Promise<{ participantId: string }> {
    const live = await this.live.open(sessionId);
    const p = live.participants.get(participantId);
    if (!p) throw new ServiceError(E.NOT_FOUND, "no such participant in this session");
    if (!p.row.removedAt) {
      const at = new Date(this.deps.clock.now());
      await this.deps.repo.removeParticipant(participantId, at);
      p.row = { ...p.row, removedAt: at };
    }
    live.participantsDirty = true;
    this.deps.sync.publish(sessionId, "participants");
    this.deps.broadcaster.emit({ participant: participantId }, "participant:removed", { participantId });
    this.deps.broadcaster.disconnectParticipant(participantId);
    return { participantId };
  }

  /** A socket of the participant joined its rooms (the connected badge). */
  async connected(sessionId: string, participantId: string): Promise<void> {
    this.count(await this.live.get(sessionId), participantId, 1);
  }

  /** A socket of the participant left: only a session still in memory (one that left counts again on load). */
  async disconnected(sessionId: string, participantId: string): Promise<void> {
    const live = await this.live.held(sessionId);
    if (live) this.count(live, participantId, -1);
  }

  /** The host's list, with presence across processes when there are several. */
  async view(live: LiveSession): Promise<ParticipantInfo[]> {
    const list = participantList(live);
    if (!this.deps.presence) return list;
    const online = await this.deps.presence(live.session.id);
    return list.map((p) => ({ ...p, connected: online.has(p.id) }));
  }

  /** Another process changed the participants (or only their presence): reload from the database. */
  async reload(sessionId: string, kind: "participants" | "presence"): Promise<void> {
    const live = await this.live.held(sessionId);
    if (!live) return;
    if (kind === "participants") {
      for (const row of await this.deps.repo.listParticipants(sessionId)) {
        const p = live.participants.get(row.id);
        if (p) p.row = row;
        else live.participants.set(row.id, { row, connections: 0, bucket: { tokens: 0, at: 0 } });
      }
    }
    live.participantsDirty = true;
  }

  private count(live: LiveSession, participantId: string, delta: 1 | -1): void {
    const p = live.participants.get(participantId);
    if (!p) return;
    p.connections = Math.max(0, p.connections + delta);
    live.participantsDirty = true;
    this.deps.sync.publish(live.session.id, "presence");
  }

  private async snapshot(live: LiveSession, participantId: string): Promise<StudentSnapshot> {
    const { repo, stats, clock, guesses } = this.deps;
    const p = live.participants.get(participantId)!;
    const round = live.round;
    // from the database: another process (or this one before a restart) may have stored some
    const progress = round
      ? await repo.participantProgress(round.id, participantId)
      : { stored: 0, nextIndex: 0 };
    const revealed = round?.row.revealedAt != null;
    const view =
      round && (revealed || round.row.showClassChart) ? await stats.view(round, clock.now()) : null;
    return {
      session: {
        id: live.session.id,
        code: live.session.code,
        title: live.session.title,
        locked: live.session.locked,
        ended: live.session.endedAt !== null,
      },
      participant: { id: p.row.id, nickname: p.row.nickname },
      round: round ? roundInfo(round.row, clock.now()) : null,
      nextIndex: progress.nextIndex,
      acked: progress.stored,
      theory: round && revealed ? round.theory : null,
      stats: view ? view.stats(revealed) : null,
      guess: round ? await guesses.own(round.row, participantId) : null,
    };
  }
}
