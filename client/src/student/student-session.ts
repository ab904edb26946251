/**
 * The student's side of a session, outside React: the socket, join / resume (again on every reconnect),
 * the round as the server announces it, and the sample pipeline of the current round. React reads it
 * through subscribe() / getState() (useSyncExternalStore).
 */
import {
  type DecodingSettings,
  decodingOf,
  type GuessResult,
  type RoundInfo,
  type RoundStats,
  type StudentSnapshot,
  type TheoryView,
} from "@tokenroom/shared";
import {
  type AppSocket,
  type ClientError,
  type ClientResult,
  connectSessionSocket,
  request,
} from "../api/socket.ts";
import type { EngineClient } from "../engine-worker/engine-client.ts";
import type { InspectView } from "../engine-worker/messages.ts";
import { keysWithPrefix, readJson, removeKey, studentCredentials, writeJson } from "../lib/storage.ts";
import { isOutboxState, type OutboxStore } from "./outbox.ts";
import { type PipelineView, SamplePipeline } from "./sample-pipeline.ts";

export type StudentPhase = "connecting" | "join" | "ready" | "removed" | "ended";
export type ModelStatus = "idle" | "loading" | "ready" | "error";

export interface StudentState {
  phase: StudentPhase;
  code: string;
  connected: boolean;
  nickname: string | null;
  participantId: string | null;
  round: RoundInfo | null;
  theory: TheoryView | null;
  stats: RoundStats | null;
  model: ModelStatus;
  auto: boolean;
  joining: boolean;
  joinError: ClientError | null;
  /** The latest problem worth showing (cleared when things work again). */
  error: ClientError | null;
  samples: PipelineView | null;
  /** Guess rounds: this student's submitted guess (with its score after the reveal). */
  guess: GuessResult | null;
}

const FLUSH_MS = 200;
const AUTO_MS = 300;
const AUTO_BATCH = 3;
const RESUME_RETRY_MS = 2_000;

const localOutboxes: OutboxStore = {
  load: (key) => readJson(key, isOutboxState),
  save: (key, state) => void writeJson(key, state),
  remove: (key) => removeKey(key),
};

export class StudentSession {
  private state: StudentState;
  private readonly listeners = new Set<() => void>();
  private socket: AppSocket | null = null;
  private pipeline: SamplePipeline | null = null;
  /** The closed round's last counts and completions: still shown until the next round starts. */
  private finished: { roundId: string; view: PipelineView } | null = null;
  private authed = false;
  private resuming = false;
  private timers: ReturnType<typeof setInterval>[] = [];
  private disposed = false;

  constructor(
    readonly code: string,
    private readonly engine: EngineClient,
    private readonly now: () => number = () => Date.now(),
  ) {
    const joined = studentCredentials.get(code) !== null;
    this.state = {
      phase: joined ? "connecting" : "join",
      code,
      connected: false,
      nickname: null,
      participantId: null,
      round: null,
      theory: null,
      stats: null,
      model: "idle",
      auto: false,
      joining: false,
      joinError: null,
      error: null,
      samples: null,
      guess: null,
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): StudentState => this.state;

  private set(patch: Partial<StudentState>): void {
    if (this.disposed) return;
    const next = { ...this.state, ...patch };
    const finished = this.finished?.roundId === next.round?.id ? this.finished?.view : undefined;
    this.state = { ...next, samples: this.pipeline?.view() ?? finished ?? null };
    for (const listener of this.listeners) listener();
  }

  start(): void {
    const socket = connectSessionSocket({
      error: () => this.state.error,
      set: (patch) => this.set(patch),
      onConnect: () => {
        if (studentCredentials.get(this.code)) void this.resume();
      },
      onDisconnect: () => {
        this.authed = false;
      },
    });
    this.socket = socket;
    socket.on("round:started", (round) => {
      this.set({ guess: null });
      this.setRound(round, null, null);
    });
    socket.on("round:revealed", (round) => this.sameRound(round.id) && this.set({ round }));
    socket.on("round:updated", (round) => this.sameRound(round.id) && this.set({ round }));
    socket.on("guess:result", (guess) => this.sameRound(guess.roundId) && this.set({ guess }));
    socket.on("round:theory", (theory) => this.sameRound(theory.roundId) && this.set({ theory }));
    socket.on("round:stats", (stats) => this.sameRound(stats.roundId) && this.set({ stats }));
    socket.on("round:closed", (round) => {
      if (!this.sameRound(round.id)) return;
      this.finished = this.pipeline ? { roundId: round.id, view: this.pipeline.view() } : null;
      this.dropPipeline();
      this.set({ round, auto: false });
    });
    socket.on("session:ended", () => this.end("ended"));
    socket.on("participant:removed", () => this.end("removed"));
    this.timers.push(
      setInterval(() => this.tick(), FLUSH_MS),
      setInterval(() => this.autoTick(), AUTO_MS),
    );
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearInterval(t);
    this.socket?.disconnect();
    this.listeners.clear();
  }

  private sameRound(roundId: string): boolean {
    return this.state.round?.id === roundId;
  }

  // ---- join and resume ----

  async join(nickname: string): Promise<void> {
    if (!this.socket || this.state.joining) return;
    this.set({ joining: true, joinError: null });
    const result = await request(this.socket, "student:join", { code: this.code, nickname });
    if (!result.ok) return this.set({ joining: false, joinError: result.error });
    const { participantId, resumeToken, snapshot } = result.data;
    studentCredentials.set(this.code, { participantId, resumeToken });
    this.authed = true;
    this.applySnapshot(snapshot);
    this.set({ joining: false });
  }

  /** student:resume on this connection (after every reconnect, and to re-sync counts). */
  private async resume(): Promise<void> {
    const credentials = studentCredentials.get(this.code);
    if (!this.socket || !credentials || this.resuming) return;
    this.resuming = true;
    try {
      await this.pipeline?.settled();
      const result = await request(this.socket, "student:resume", credentials);
      if (result.ok) {
        this.authed = true;
        this.applySnapshot(result.data);
        return;
      }
      const { code } = result.error;
      if (code === "FORBIDDEN" || code === "NOT_FOUND") {
        studentCredentials.clear(this.code);
        this.set({ phase: "join", joinError: result.error });
      } else if (code === "REMOVED") this.end("removed");
      else if (code === "SESSION_ENDED") this.end("ended");
      else {
        this.set({ error: result.error });
        setTimeout(() => void (this.socket?.connected && !this.authed && this.resume()), RESUME_RETRY_MS);
      }
    } finally {
      this.resuming = false;
    }
  }

  private applySnapshot(s: StudentSnapshot): void {
    this.set({
      phase: "ready",
      nickname: s.participant.nickname,
      participantId: s.participant.id,
      error: null,
    });
    if (s.session.ended) return this.end("ended");
    this.set({ guess: s.round && s.guess?.roundId === s.round.id ? s.guess : null });
    this.setRound(s.round, s.theory, s.stats);
    if (s.round) this.pipeline?.resumed(s.nextIndex, s.acked);
    this.set({});
  }

  // ---- rounds ----

  private setRound(round: RoundInfo | null, theory: TheoryView | null, stats: RoundStats | null): void {
    const participantId = this.state.participantId;
    // a "be the model" round takes forecasts only: no sampling, no model download
    if (!round || round.status === "closed" || !participantId || round.mode === "be-model") {
      this.dropPipeline();
      return this.set({ round, theory, stats, auto: false });
    }
    if (this.pipeline?.round.id !== round.id) {
      this.dropPipeline();
      this.forgetOtherOutboxes(participantId, round.id);
      this.pipeline = new SamplePipeline(round, participantId, {
        engine: this.engine,
        store: localOutboxes,
        submit: (payload) => request(this.socket!, "sample:submit", payload),
        canSend: () => this.authed && !this.resuming && this.socket?.connected === true,
        onBatchError: (error) => this.batchError(error),
        onChange: () => this.set({}),
        now: this.now,
      });
      this.loadModel(round);
    }
    this.set({ round, theory, stats });
  }

  private loadModel(round: RoundInfo): void {
    this.set({ model: "loading" });
    // a custom model is downloaded with this participant's credentials while the round uses it
    const auth = studentCredentials.get(this.code) ?? undefined;
    this.engine.load({ id: round.modelId, hash: round.modelHash, ...(auth ? { auth } : {}) }).then(
      () => this.sameRound(round.id) && this.set({ model: "ready" }),
      (error: unknown) =>
        this.sameRound(round.id) &&
        this.set({
          model: "error",
          error: { code: "UNAVAILABLE", message: error instanceof Error ? error.message : String(error) },
        }),
    );
  }

  private dropPipeline(): void {
    this.pipeline?.discard();
    this.pipeline = null;
  }

  /** Outboxes of earlier rounds can never be counted: free their storage. */
  private forgetOtherOutboxes(participantId: string, roundId: string): void {
    for (const key of keysWithPrefix(`outbox:${participantId}:`)) {
      if (!key.endsWith(`:${roundId}`)) removeKey(key);
    }
  }

  private end(phase: "ended" | "removed"): void {
    this.dropPipeline();
    if (phase === "removed") studentCredentials.clear(this.code);
    this.set({ phase, auto: false });
    // the session is over for this phone: stop reconnecting to it
    this.socket?.disconnect();
  }

  private batchError(error: ClientError): void {
    if (error.code === "ROUND_CLOSED" || error.code === "NOT_JOINED") void this.resume();
    else if (error.code === "REMOVED") this.end("removed");
    else if (error.code === "SESSION_ENDED") this.end("ended");
    else if (error.code === "BAD_REQUEST") this.set({ error });
  }

  // ---- guessing ----

  /** Sends this student's guess (probabilities in candidate order, then "something else"); kept on success. */
  async submitGuess(probs: number[]): Promise<ClientResult<GuessResult>> {
    const round = this.state.round;
    if (!this.socket || !round) return { ok: false, error: { code: "OFFLINE", message: "not connected" } };
    const result = await request(this.socket, "guess:submit", { roundId: round.id, probs });
    if (result.ok && this.sameRound(result.data.roundId)) this.set({ guess: result.data });
    else if (!result.ok && result.error.code === "WRONG_PHASE") void this.resume(); // locked meanwhile: re-sync
    return result;
  }

  // ---- sampling ----

  /** Sampling is open: a live round, not in its guessing phase, the model loaded. */
  canSample = (): boolean => {
    const { phase, round, model } = this.state;
    if (phase !== "ready" || !round || round.status === "closed" || model !== "ready") return false;
    return !(round.mode === "guess" && round.status === "open");
  };

  sample(n: number): void {
    if (this.canSample()) this.pipeline?.sample(n, this.canSample);
  }

  setAuto(auto: boolean): void {
    this.set({ auto: auto && this.canSample() });
  }

  /** The current round's decoding settings (null between rounds). */
  settings(): DecodingSettings | null {
    const r = this.state.round;
    return r ? decodingOf(r) : null;
  }

  /** [RV1] Whether the round's exact probabilities wait for the reveal (the dialog then shows none). */
  probabilitiesHidden(): boolean {
    const round = this.state.round;
    return round !== null && round.status === "open" && round.mode === "sample" && round.hideUntilReveal;
  }

  inspect(sampleTokens: readonly number[], step: number): Promise<InspectView> | null {
    const p = this.pipeline;
    const round = this.state.round;
    if (!p || !round || (step === 0 && round.mode === "guess" && round.status === "open")) return null;
    if (this.probabilitiesHidden()) return null;
    return this.engine.distribution(p.spec, [...round.promptTokens, ...sampleTokens.slice(0, step)]);
  }

  private tick(): void {
    const p = this.pipeline;
    if (!p) return;
    if (p.wantsSync() && !this.resuming) void this.resume();
    else void p.flush();
    // keep "waiting to resend" fresh while a backoff runs
    if (this.state.samples?.waitingToResend !== p.view().waitingToResend) this.set({});
  }

  private autoTick(): void {
    if (!this.state.auto) return;
    if (!this.canSample()) return this.set({ auto: false });
    if (this.pipeline && !this.pipeline.busy) this.pipeline.sample(AUTO_BATCH, this.canSample);
  }
}
