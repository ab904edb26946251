/**
 * Sessions, participants and rounds: every host and student action, over the live state and the database.
 * Handlers call this after validating payloads; this module never sees a socket.
 */
import {
  ErrorCode,
  type HostSnapshot,
  type JoinResult,
  type RoundInfo,
  type RoundSettings,
  type RoundStats,
  type SessionInfo,
  type StudentSnapshot,
  type DecodingSettings,
  encodeText,
  type LanguageModel,
  LIMITS,
  PLAIN_SETTINGS,
  type RoundMode,
  type TokenDistribution,
  tokenLabel,
} from "@tokenroom/shared";
import type { Clock } from "../clock.ts";
import { ServiceError } from "../errors.ts";
import type { ModelRegistry } from "../models/registry.ts";
import { roundTheory } from "../rounds/theory.ts";
import { hashSecret, newId, newRoomCode, newSecret, newSeed, secretMatches } from "../secrets.ts";
import {
  type Repository,
  type RoundCandidates,
  type SessionRow,
  UniqueViolation,
} from "../store/repository.ts";
import type { StatsHub } from "../rounds/stats-hub.ts";
import type { Broadcaster } from "./broadcaster.ts";
import { StudentFanout } from "./student-fanout.ts";
import { type BeModelService, wordState } from "./be-model-service.ts";
import { type GuessService, pickCandidates } from "./guess-service.ts";
import {
  type LiveSession,
  loadLiveSession,
  makeLiveRound,
  participantList,
  roundInfo,
  sessionInfo,
} from "./live-state.ts";

export interface ServiceDeps {
  repo: Repository;
  models: ModelRegistry;
  clock: Clock;
  broadcaster: Broadcaster;
  stats: StatsHub;
  guesses: GuessService;
  beModel: BeModelService;
  /** Tells the other server processes (if any) what changed, so they reload it. */
  sync: SyncBus;
  /** Participants with a connected socket on any process (several processes); local counts otherwise. */
  presence?: (sessionId: string) => Promise<Set<string>>;
  /** Base URL phones use, without trailing slash. */
  publicUrl: () => string;
  /** [L3] MAX_STUDENTS_PER_SESSION (default: no limit). */
  maxStudents?: number;
  /** [FAN1] STATS_FANOUT_SOCKETS: about how many phones one tick sends statistics to (default 250). */
  statsFanoutSockets?: number;
}

const E = ErrorCode;

export type SyncKind = "session" | "round" | "participants" | "presence" | "guesses";
export interface SyncBus {
  publish(sessionId: string, kind: SyncKind): void;
}
export const noSync: SyncBus = { publish: () => undefined };

const activeStudents = (live: LiveSession): number => {
  let n = 0;
  for (const p of live.participants.values()) if (!p.row.removedAt) n++;
  return n;
};

/** [FAN1] Each round's turns of student statistics (gone with the round). */
const fanouts = new WeakMap<object, StudentFanout<RoundStats>>();
function fanoutOf(round: object): StudentFanout<RoundStats> {
  let f = fanouts.get(round);
  if (!f) fanouts.set(round, (f = new StudentFanout<RoundStats>()));
  return f;
}

export class SessionService {
  readonly live = new Map<string, Promise<LiveSession>>();
  /** When each session in `live` was last used (clock ms): every getLive is activity (live-memory.ts). */
  readonly usedAt = new Map<string, number>();

  constructor(readonly deps: ServiceDeps) {}

  joinUrl(code: string): string {
    return `${this.deps.publicUrl()}/join/${code}`;
  }

  private info(live: LiveSession): SessionInfo {
    return sessionInfo(live.session, this.joinUrl(live.session.code));
  }

  async createSession(
    title = "",
  ): Promise<{ sessionId: string; code: string; hostKey: string; joinUrl: string }> {
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

  /** The live state of a session, loaded once (single-flight) from the database. */
  async getLive(sessionId: string, row?: SessionRow): Promise<LiveSession> {
    this.usedAt.set(sessionId, this.deps.clock.now());
    let live = this.live.get(sessionId);
    if (!live) {
      live = (async () => {
        const session = row ?? (await this.deps.repo.getSession(sessionId));
        if (!session) throw new ServiceError(E.NOT_FOUND, "no such session");
        return loadLiveSession(this.deps.repo, this.deps.models, session, (participant) =>
          this.deps.broadcaster.localSockets({ participant }),
        );
      })();
      this.live.set(sessionId, live);
      live.catch(() => this.forget(sessionId, live));
    }
    return live;
  }

  /** The live state if this process holds it: never loads it (bookkeeping must not bring a session back). */
  peekLive(sessionId: string): Promise<LiveSession> | undefined {
    return this.live.get(sessionId);
  }

  /** Drops a session's live state from memory (it comes back from the database on next use). */
  forget(sessionId: string, only?: Promise<LiveSession>): void {
    if (only && this.live.get(sessionId) !== only) return;
    this.live.delete(sessionId);
    this.usedAt.delete(sessionId);
  }

  // ---- host ----

  async hostAttach(sessionId: string, hostKey: string): Promise<HostSnapshot> {
    const session = await this.deps.repo.getSession(sessionId);
    if (!session || !secretMatches(hostKey, session.hostKeyHash)) {
      throw new ServiceError(E.FORBIDDEN, "this browser does not hold the host key of that session");
    }
    return this.hostSnapshot(await this.getLive(sessionId, session));
  }

  async hostSnapshot(live: LiveSession): Promise<HostSnapshot> {
    const round = live.round;
    const view = round ? await this.deps.stats.view(round, this.deps.clock.now()) : null;
    return {
      session: this.info(live),
      participants: await this.participantsView(live),
      round: round ? roundInfo(round.row, this.deps.clock.now()) : null,
      theory: round ? round.theory : null,
      stats: view ? view.stats(true) : null,
      history: view?.history ?? [],
      guess: round ? await this.deps.guesses.summary(live, round.row) : null,
      beModel: round ? await this.deps.beModel.summary(live, round.row) : null,
    };
  }

  private async hostLive(sessionId: string): Promise<LiveSession> {
    const live = await this.getLive(sessionId);
    if (live.session.endedAt)
      throw new ServiceError(E.SESSION_ENDED, "this session has ended; host a new one");
    return live;
  }

  async startRound(sessionId: string, settings: RoundSettings): Promise<RoundInfo> {
    const live = await this.hostLive(sessionId);
    const entry = await this.deps.models.resolve(settings.modelId);
    // a model trained from a host's text is the training session's own: another session cannot run it
    if (
      !entry ||
      (entry.summary.custom && !(await this.deps.repo.ownsCustomModel(sessionId, settings.modelId)))
    )
      throw new ServiceError(E.UNKNOWN_MODEL, `no model "${settings.modelId}"; pick one from the list`);
    // [OFF1] a custom model's indexes are built in a worker the first time (an invalid artifact throws below, as before)
    await entry.load?.().catch(() => undefined);
    const seed = newSeed();
    if (settings.mode === "be-model") {
      const plan = await this.deps.beModel.plan(entry.model, settings, seed);
      const series = {
        seriesId: newId(),
        source: settings.passage,
        passage: plan.tokens,
        start: plan.start,
        words: plan.words,
        k: settings.guessCandidates,
      };
      const word = await this.deps.beModel.wordRound(entry.model, series, 0, series.k, seed);
      return this.openRound(live, entry.model, { ...word, mode: "be-model", seed });
    }
    let promptTokens: number[];
    try {
      promptTokens = encodeText(entry.model, settings.prompt);
    } catch (error) {
      throw new ServiceError(E.INVALID_SETTINGS, (error as Error).message);
    }
    if (promptTokens.length > LIMITS.promptMaxTokens) {
      throw new ServiceError(
        E.INVALID_SETTINGS,
        `the prompt has ${promptTokens.length} tokens; the limit is ${LIMITS.promptMaxTokens}`,
      );
    }
    const k = settings.guessCandidates;
    return this.openRound(live, entry.model, {
      prompt: settings.prompt,
      promptTokens,
      decoding: { temperature: settings.temperature, topK: settings.topK, topP: settings.topP },
      maxTokens: settings.maxTokens,
      mode: settings.mode,
      showClassChart: settings.showClassChart,
      hideUntilReveal: settings.hideUntilReveal,
      timerSeconds: settings.timerSeconds,
      seed,
      pick: settings.mode === "guess" ? (dist, label) => pickCandidates(dist, k, seed, label) : undefined,
    });
  }

  /** "Be the model": the next word of the current (revealed) word's series, as a new round. */
  async nextWord(sessionId: string, roundId: string): Promise<RoundInfo> {
    const live = await this.hostLive(sessionId);
    const round = this.currentRound(live, roundId);
    const state = wordState(round.row);
    if (!state) throw new ServiceError(E.WRONG_PHASE, 'this round is not a "be the model" round');
    if (!round.row.revealedAt) throw new ServiceError(E.WRONG_PHASE, "reveal this word first");
    if (state.step + 1 >= state.words)
      throw new ServiceError(E.WRONG_PHASE, "that was the last word of the passage");
    const seed = newSeed();
    const word = await this.deps.beModel.wordRound(round.model, state, state.step + 1, state.k, seed);
    return this.openRound(live, round.model, { ...word, mode: "be-model", seed });
  }

  /** Stores a new round (closing the open one), makes it live and announces it. */
  private async openRound(
    live: LiveSession,
    model: LanguageModel,
    r: {
      prompt: string;
      promptTokens: number[];
      decoding?: DecodingSettings;
      maxTokens?: number;
      mode: RoundMode;
      showClassChart?: boolean;
      hideUntilReveal?: boolean;
      timerSeconds?: number | null;
      seed: number;
      candidates?: RoundCandidates;
      pick?: ((dist: TokenDistribution, label: (t: number) => string) => RoundCandidates) | undefined;
    },
  ): Promise<RoundInfo> {
    const sessionId = live.session.id;
    const decoding = r.decoding ?? PLAIN_SETTINGS;
    const decoder = this.deps.models.decoder(model, decoding);
    const id = newId();
    const label = (t: number) => tokenLabel(model, t);
    const dist = decoder.distribution(r.promptTokens);
    const theory = roundTheory(id, model, r.promptTokens, decoding, dist);
    const candidates = r.candidates ?? r.pick?.(dist, label) ?? null;
    const now = new Date(this.deps.clock.now());
    if (live.round) await this.deps.repo.closeOpenRounds(sessionId, now);
    const previous = await this.deps.repo.latestRound(sessionId);
    const row = await this.deps.repo.createRound({
      id,
      sessionId,
      seq: (previous?.seq ?? 0) + 1,
      modelId: model.id,
      modelHash: model.hash,
      prompt: r.prompt,
      promptTokens: r.promptTokens,
      ...decoding,
      maxTokens: r.maxTokens ?? 1,
      mode: r.mode,
      showClassChart: r.showClassChart ?? false,
      hideUntilReveal: r.hideUntilReveal ?? false,
      timerSeconds: r.timerSeconds ?? null,
      seed: r.seed,
      theory,
      candidates,
      startedAt: now,
    });
    if (live.round)
      this.deps.broadcaster.emit({ students: sessionId }, "round:closed", {
        ...roundInfo(live.round.row, this.deps.clock.now()),
        status: "closed",
      });
    live.round = makeLiveRound(row, this.deps.models, model);
    await this.deps.stats.started(live.round);
    this.deps.sync.publish(sessionId, "round");
    const info = roundInfo(row, this.deps.clock.now());
    this.deps.broadcaster.emit({ host: sessionId }, "round:started", info);
    this.deps.broadcaster.emit({ host: sessionId }, "round:theory", theory);
    this.deps.broadcaster.emit({ students: sessionId }, "round:started", info);
    if (r.mode === "be-model") await this.sendBeModelSummary(live);
    return info;
  }

  private async sendBeModelSummary(live: LiveSession): Promise<void> {
    const summary = live.round ? await this.deps.beModel.summary(live, live.round.row) : null;
    if (summary) this.deps.broadcaster.emit({ host: live.session.id }, "bemodel:summary", summary);
  }

  private currentRound(live: LiveSession, roundId: string) {
    const round = live.round;
    if (!round || round.row.id !== roundId)
      throw new ServiceError(E.ROUND_NOT_FOUND, "that round is not the session's current round");
    return round;
  }

  async revealRound(sessionId: string, roundId: string): Promise<RoundInfo> {
    const live = await this.hostLive(sessionId);
    const round = this.currentRound(live, roundId);
    if (!round.row.revealedAt) {
      const now = new Date(this.deps.clock.now());
      round.row = await this.deps.repo.updateRound(roundId, {
        revealedAt: now,
        ...(round.row.guessLockedAt ? {} : { guessLockedAt: now }),
      });
      round.dirty = true;
      this.deps.sync.publish(sessionId, "round");
    }
    const info = roundInfo(round.row, this.deps.clock.now());
    this.deps.broadcaster.emit({ host: sessionId }, "round:revealed", info);
    this.deps.broadcaster.emit({ students: sessionId }, "round:revealed", info);
    this.deps.broadcaster.emit({ students: sessionId }, "round:theory", round.theory);
    if (round.row.mode === "guess" || round.row.mode === "be-model") {
      for (const [participantId, result] of await this.deps.guesses.score(round.row)) {
        this.deps.broadcaster.emit({ participant: participantId }, "guess:result", result);
      }
      const summary = await this.deps.guesses.summary(live, round.row);
      if (summary) this.deps.broadcaster.emit({ host: sessionId }, "guess:summary", summary);
      await this.sendBeModelSummary(live);
    }
    return info;
  }

  async lockGuesses(sessionId: string, roundId: string): Promise<RoundInfo> {
    const live = await this.hostLive(sessionId);
    const round = this.currentRound(live, roundId);
    if (round.row.mode !== "guess")
      throw new ServiceError(E.WRONG_PHASE, "this round is not a guessing round");
    if (!round.row.guessLockedAt) {
      round.row = await this.deps.repo.updateRound(roundId, {
        guessLockedAt: new Date(this.deps.clock.now()),
      });
      this.deps.sync.publish(sessionId, "round");
    }
    const info = roundInfo(round.row, this.deps.clock.now());
    this.deps.broadcaster.emit({ host: sessionId }, "round:updated", info);
    this.deps.broadcaster.emit({ students: sessionId }, "round:updated", info);
    return info;
  }

  async closeRound(sessionId: string, roundId: string): Promise<RoundInfo> {
    const live = await this.hostLive(sessionId);
    const round = this.currentRound(live, roundId);
    const row = await this.deps.repo.updateRound(roundId, { closedAt: new Date(this.deps.clock.now()) });
    live.round = null;
    this.deps.sync.publish(sessionId, "round");
    const info = roundInfo(row, this.deps.clock.now());
    const view = await this.deps.stats.view(round, this.deps.clock.now());
    this.deps.broadcaster.emit({ host: sessionId }, "round:stats", view.stats(true));
    this.deps.broadcaster.emit({ host: sessionId }, "round:closed", info);
    this.deps.broadcaster.emit({ students: sessionId }, "round:closed", info);
    return info;
  }

  async lock(sessionId: string, locked: boolean): Promise<SessionInfo> {
    const live = await this.hostLive(sessionId);
    live.session = await this.deps.repo.updateSession(sessionId, { locked });
    this.deps.sync.publish(sessionId, "session");
    const info = this.info(live);
    this.deps.broadcaster.emit({ host: sessionId }, "session:state", info);
    this.deps.broadcaster.emit({ students: sessionId }, "session:state", info);
    return info;
  }

  async removeParticipant(sessionId: string, participantId: string): Promise<{ participantId: string }> {
    const live = await this.hostLive(sessionId);
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

  async endSession(sessionId: string): Promise<SessionInfo> {
    const live = await this.getLive(sessionId);
    if (!live.session.endedAt) {
      const now = new Date(this.deps.clock.now());
      await this.deps.repo.closeOpenRounds(sessionId, now);
      live.session = await this.deps.repo.updateSession(sessionId, { endedAt: now });
      live.round = null;
      this.deps.sync.publish(sessionId, "session");
    }
    const info = this.info(live);
    this.deps.broadcaster.emit({ host: sessionId }, "session:ended", info);
    this.deps.broadcaster.emit({ students: sessionId }, "session:ended", info);
    return info;
  }

  // ---- students ----

  async join(code: string, nickname: string): Promise<JoinResult> {
    const session = await this.deps.repo.getSessionByCode(code);
    if (!session)
      throw new ServiceError(E.NOT_FOUND, `no session has the code ${code}; check the code on the projector`);
    if (session.endedAt) throw new ServiceError(E.SESSION_ENDED, "this session has ended");
    const live = await this.getLive(session.id, session);
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
      row = await this.deps.repo.createParticipant({
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
    this.deps.sync.publish(session.id, "participants");
    return { participantId: row.id, resumeToken, snapshot: await this.studentSnapshot(live, row.id) };
  }

  async resume(
    participantId: string,
    resumeToken: string,
  ): Promise<{ live: LiveSession; snapshot: StudentSnapshot }> {
    const row = await this.deps.repo.getParticipant(participantId);
    if (!row || !secretMatches(resumeToken, row.resumeTokenHash)) {
      throw new ServiceError(
        E.FORBIDDEN,
        "this device's join token is not valid; join again with the room code",
      );
    }
    if (row.removedAt) throw new ServiceError(E.REMOVED, "the instructor removed you from this session");
    const live = await this.getLive(row.sessionId);
    if (live.session.endedAt) throw new ServiceError(E.SESSION_ENDED, "this session has ended");
    if (!live.participants.has(participantId)) {
      // joined through another server process: pick the participant up from the database
      live.participants.set(participantId, { row, connections: 0, bucket: { tokens: 0, at: 0 } });
    }
    return { live, snapshot: await this.studentSnapshot(live, participantId) };
  }

  async studentSnapshot(live: LiveSession, participantId: string): Promise<StudentSnapshot> {
    const p = live.participants.get(participantId)!;
    const round = live.round;
    // from the database: another process (or this one before a restart) may have stored some
    const progress = round
      ? await this.deps.repo.participantProgress(round.id, participantId)
      : { stored: 0, nextIndex: 0 };
    const revealed = round?.row.revealedAt != null;
    const view =
      round && (revealed || round.row.showClassChart)
        ? await this.deps.stats.view(round, this.deps.clock.now())
        : null;
    return {
      session: {
        id: live.session.id,
        code: live.session.code,
        title: live.session.title,
        locked: live.session.locked,
        ended: live.session.endedAt !== null,
      },
      participant: { id: p.row.id, nickname: p.row.nickname },
      round: round ? roundInfo(round.row, this.deps.clock.now()) : null,
      nextIndex: progress.nextIndex,
      acked: progress.stored,
      theory: round && revealed ? round.theory : null,
      stats: view ? view.stats(revealed) : null,
      guess: round ? await this.deps.guesses.own(round.row, participantId) : null,
    };
  }

  /** Socket bookkeeping for the connected / disconnected badges. */
  setConnected(live: LiveSession, participantId: string, delta: 1 | -1): void {
    const p = live.participants.get(participantId);
    if (!p) return;
    p.connections = Math.max(0, p.connections + delta);
    live.participantsDirty = true;
    this.deps.sync.publish(live.session.id, "presence");
  }

  /** Another process changed `kind` of a session: reload that part from the database. */
  /**
   * The live session for a batch of samples of `roundId`. With several processes, a round started on another
   * one a moment ago may not have reached this one yet (its sync message can trail the round:started
   * broadcast that made the phone send): then reload the round from the database, at most every 250 ms.
   */
  async liveForRound(sessionId: string, roundId: string): Promise<LiveSession> {
    const live = await this.getLive(sessionId);
    if (live.round?.row.id === roundId || this.deps.sync === noSync) return live;
    const now = this.deps.clock.now();
    let check = live.roundCheck;
    if (!check || now - check.at >= 250) {
      check = live.roundCheck = { at: now, done: this.refresh(sessionId, "round").catch(() => undefined) };
    }
    await check.done; // batches arriving meanwhile wait for the same reload
    return live;
  }

  async refresh(sessionId: string, kind: SyncKind): Promise<void> {
    const live = await this.live.get(sessionId)?.catch(() => null);
    if (!live) return;
    const repo = this.deps.repo;
    if (kind === "presence") {
      live.participantsDirty = true;
    } else if (kind === "guesses") {
      live.guessesDirty = true;
    } else if (kind === "session") {
      const s = await repo.getSession(sessionId);
      if (s) live.session = s;
      if (s?.endedAt) live.round = null;
    } else if (kind === "participants") {
      for (const row of await repo.listParticipants(sessionId)) {
        const p = live.participants.get(row.id);
        if (p) p.row = row;
        else live.participants.set(row.id, { row, connections: 0, bucket: { tokens: 0, at: 0 } });
      }
      live.participantsDirty = true;
    } else {
      const latest = await repo.latestRound(sessionId);
      if (!latest || latest.closedAt) live.round = null;
      else if (live.round?.id === latest.id) {
        live.round.row = latest;
        live.round.dirty = true;
      } else {
        live.round = makeLiveRound(
          latest,
          this.deps.models,
          (await this.deps.models.resolve(latest.modelId))?.model,
        );
      }
    }
  }

  private async participantsView(live: LiveSession) {
    const list = participantList(live);
    if (!this.deps.presence) return list;
    const online = await this.deps.presence(live.session.id);
    return list.map((p) => ({ ...p, connected: online.has(p.id) }));
  }

  /** Called on a timer: coalesced statistics and participant lists, never per sample. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    for (const pending of this.live.values()) {
      const live = await pending.catch(() => null);
      if (!live) continue;
      const id = live.session.id;
      if (live.participantsDirty) {
        live.participantsDirty = false;
        this.deps.broadcaster.emit({ host: id }, "participants:update", await this.participantsView(live));
      }
      const round = live.round;
      if (live.guessesDirty && round) {
        live.guessesDirty = false;
        const summary = await this.deps.guesses.summary(live, round.row);
        if (summary) this.deps.broadcaster.emit({ host: id }, "guess:summary", summary);
        await this.sendBeModelSummary(live);
      }
      if (!round) continue;
      const view = await this.deps.stats.tick(round, now);
      const fanout = fanoutOf(round);
      if (view) {
        this.deps.broadcaster.emit({ host: id }, "round:stats", view.stats(true));
        const revealed = round.row.revealedAt !== null;
        if (revealed || round.row.showClassChart) fanout.offer(view.stats(revealed));
      }
      // [FAN1] a large class's phones hear the statistics in turns, a few hundred sockets a tick
      const due = fanout.take(live.participants.size, this.deps.statsFanoutSockets);
      if (due)
        this.deps.broadcaster.emitVolatile({ students: id, shards: due.shards }, "round:stats", due.view);
    }
  }
}
