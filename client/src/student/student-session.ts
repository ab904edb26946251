/**
 * The student's side of a session, outside React: the socket, join / resume (again on every reconnect),
 * the round as the server announces it, and the sampling of the current round (sampling-loop.ts). React
 * reads it through subscribe() / getState() (useSyncExternalStore).
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
import { Listeners } from "../lib/listeners.ts";
import type { EngineClient } from "../engine-worker/engine-client.ts";
import type { InspectView } from "../engine-worker/messages.ts";
import { studentCredentials } from "../lib/storage.ts";
import { SamplingLoop } from "./sampling-loop.ts";
import { initialStudentState, type StudentState } from "./student-state.ts";

export type { ModelStatus, StudentPhase, StudentState } from "./student-state.ts";

const RESUME_RETRY_MS = 2_000;

export class StudentSession {
  private state: StudentState;
  private readonly listeners = new Listeners();
  private socket: AppSocket | null = null;
  private readonly sampling: SamplingLoop;
  private authed = false;
  private resuming = false;
  private disposed = false;

  constructor(
    readonly code: string,
    private readonly engine: EngineClient,
    now: () => number = () => Date.now(),
  ) {
    this.state = initialStudentState(code, studentCredentials.get(code) !== null);
    this.sampling = new SamplingLoop({
      engine,
      submit: (payload) => request(this.socket!, "sample:submit", payload),
      canSend: () => this.authed && !this.resuming && this.socket?.connected === true,
      onBatchError: (error) => this.batchError(error),
      now,
      state: () => this.state,
      set: (patch) => this.set(patch),
      resuming: () => this.resuming,
      resume: () => void this.resume(),
      canSample: this.canSample,
    });
  }

  subscribe = this.listeners.subscribe;

  getState = (): StudentState => this.state;

  private set(patch: Partial<StudentState>): void {
    if (this.disposed) return;
    const next = { ...this.state, ...patch };
    this.state = { ...next, samples: this.sampling.view(next.round?.id) };
    this.listeners.notify();
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
      this.sampling.close(round.id);
      this.set({ round, auto: false });
    });
    socket.on("session:ended", () => this.end("ended"));
    socket.on("participant:removed", () => this.end("removed"));
    this.sampling.start();
  }

  dispose(): void {
    this.disposed = true;
    this.sampling.stopTimers();
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
      await this.sampling.settled();
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
    if (s.round) this.sampling.resumed(s.nextIndex, s.acked);
    this.set({});
  }

  // ---- rounds ----

  private setRound(round: RoundInfo | null, theory: TheoryView | null, stats: RoundStats | null): void {
    const participantId = this.state.participantId;
    // a "be the model" round takes forecasts only: no sampling, no model download
    if (!round || round.status === "closed" || !participantId || round.mode === "be-model") {
      this.sampling.drop();
      return this.set({ round, theory, stats, auto: false });
    }
    if (this.sampling.follow(round, participantId)) this.loadModel(round);
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

  private end(phase: "ended" | "removed"): void {
    this.sampling.drop();
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
    this.sampling.sample(n);
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
    const spec = this.sampling.spec();
    const round = this.state.round;
    if (!spec || !round || (step === 0 && round.mode === "guess" && round.status === "open")) return null;
    if (this.probabilitiesHidden()) return null;
    return this.engine.distribution(spec, [...round.promptTokens, ...sampleTokens.slice(0, step)]);
  }
}
