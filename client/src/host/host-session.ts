/**
 * The host's side of a session, outside React: the socket, host:attach (again on every reconnect),
 * the live state the server pushes, and the host's actions. React reads it via subscribe() / getState().
 */
import type {
  BeModelSummary,
  GuessSummary,
  HostSnapshot,
  KlPoint,
  ParticipantInfo,
  RoundInfo,
  RoundSettingsInput,
  RoundStats,
  SessionInfo,
  TheoryView,
} from "@tokenroom/shared";
import type { HostAuth } from "../api/train.ts";
import {
  type AppSocket,
  type ClientError,
  type ClientResult,
  connectSessionSocket,
  request,
} from "../api/socket.ts";
import { Listeners } from "../lib/listeners.ts";

export interface HostState {
  status: "connecting" | "ready" | "forbidden";
  connected: boolean;
  session: SessionInfo | null;
  participants: ParticipantInfo[];
  round: RoundInfo | null;
  theory: TheoryView | null;
  stats: RoundStats | null;
  history: KlPoint[];
  /** Guess rounds: progress, and after the reveal the class against the truth and the leaderboard. */
  guess: GuessSummary | null;
  /** "Be the model" rounds: the series so far (answers, revealed words, standings). */
  beModel: BeModelSummary | null;
  /** The last action that failed, for the banner. */
  error: ClientError | null;
  busy: boolean;
}

/** Adds the point of a stats update: log-spaced (≥ 2% more samples), with the newest point always last. */
export function extendHistory(history: KlPoint[], stats: RoundStats): KlPoint[] {
  const last = history[history.length - 1];
  if (stats.n === 0 || (last && stats.n <= last.n)) return history;
  const point: KlPoint = {
    n: stats.n,
    firstKlBits: stats.firstToken.klBits ?? 0,
    completionKlBits: stats.completions.klBits ?? 0,
  };
  // the exact expected KL at this N ([EKL2]), for the chart's reference curve
  if (stats.firstToken.expectedKlBits !== null) point.expectedKlBits = stats.firstToken.expectedKlBits;
  const anchor = history[history.length - 2];
  if (last && anchor && stats.n < anchor.n * 1.02) return [...history.slice(0, -1), point];
  return [...history, point];
}

export class HostSession {
  private state: HostState = {
    status: "connecting",
    connected: false,
    session: null,
    participants: [],
    round: null,
    theory: null,
    stats: null,
    history: [],
    guess: null,
    beModel: null,
    error: null,
    busy: false,
  };
  private readonly listeners = new Listeners();
  private socket: AppSocket | null = null;

  constructor(
    readonly sessionId: string,
    private readonly hostKey: string,
  ) {}

  subscribe = this.listeners.subscribe;

  getState = (): HostState => this.state;

  /** What proves this browser hosts the session, for the REST calls that need it (training a model). */
  get auth(): HostAuth {
    return { sessionId: this.sessionId, hostKey: this.hostKey };
  }

  private set(patch: Partial<HostState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.notify();
  }

  start(): void {
    const socket = connectSessionSocket({
      error: () => this.state.error,
      set: (patch) => this.set(patch),
      onConnect: () => void this.attach(),
    });
    this.socket = socket;
    socket.on("session:state", (session) => this.set({ session }));
    socket.on("session:ended", (session) => this.set({ session }));
    socket.on("participants:update", (participants) => this.set({ participants }));
    socket.on("round:started", (round) =>
      this.set({ round, theory: null, stats: null, history: [], guess: null }),
    );
    socket.on("round:theory", (theory) => this.isRound(theory.roundId) && this.set({ theory }));
    socket.on("round:revealed", (round) => this.isRound(round.id) && this.set({ round }));
    socket.on("round:closed", (round) => this.isRound(round.id) && this.set({ round }));
    socket.on("round:updated", (round) => this.isRound(round.id) && this.set({ round }));
    socket.on("guess:summary", (guess) => this.isRound(guess.roundId) && this.set({ guess }));
    socket.on("bemodel:summary", (beModel) => this.isRound(beModel.roundId) && this.set({ beModel }));
    socket.on("round:stats", (stats) => {
      if (!this.isRound(stats.roundId)) return;
      this.set({ stats, history: extendHistory(this.state.history, stats) });
    });
  }

  dispose(): void {
    this.socket?.disconnect();
    this.listeners.clear();
  }

  private isRound(roundId: string): boolean {
    return this.state.round?.id === roundId;
  }

  private async attach(): Promise<void> {
    if (!this.socket) return;
    const result = await request(this.socket, "host:attach", {
      sessionId: this.sessionId,
      hostKey: this.hostKey,
    });
    if (result.ok) return this.applySnapshot(result.data);
    if (result.error.code === "FORBIDDEN" || result.error.code === "NOT_FOUND")
      this.set({ status: "forbidden", error: result.error });
    else {
      this.set({ error: result.error });
      setTimeout(
        () => void (this.socket?.connected && this.state.status !== "ready" && this.attach()),
        2_000,
      );
    }
  }

  private applySnapshot(s: HostSnapshot): void {
    this.set({
      status: "ready",
      session: s.session,
      participants: s.participants,
      round: s.round,
      theory: s.theory,
      stats: s.stats,
      history: s.stats ? extendHistory(s.history, s.stats) : s.history,
      guess: s.guess && s.guess.roundId === s.round?.id ? s.guess : null,
      beModel: s.beModel && s.beModel.roundId === s.round?.id ? s.beModel : null,
      error: null,
    });
  }

  /** Runs a host request; failures land in `error`. Returns the data or null. */
  private async act<T>(run: (socket: AppSocket) => Promise<ClientResult<T>>): Promise<T | null> {
    if (!this.socket) return null;
    this.set({ busy: true });
    const result = await run(this.socket);
    this.set({ busy: false, error: result.ok ? null : result.error });
    return result.ok ? result.data : null;
  }

  async startRound(settings: RoundSettingsInput): Promise<boolean> {
    const round = await this.act((s) => request(s, "round:start", settings));
    if (round && this.state.round?.id !== round.id)
      this.set({ round, theory: null, stats: null, history: [], guess: null });
    return round !== null;
  }

  async reveal(): Promise<void> {
    const id = this.state.round?.id;
    const round = id ? await this.act((s) => request(s, "round:reveal", { roundId: id })) : null;
    if (round && this.isRound(round.id)) this.set({ round });
  }

  /** Guess rounds: no more guesses (or changes); the reveal then scores them. */
  async lockGuesses(): Promise<void> {
    const id = this.state.round?.id;
    const round = id ? await this.act((s) => request(s, "guess:lock", { roundId: id })) : null;
    if (round && this.isRound(round.id)) this.set({ round });
  }

  /** "Be the model": the next word of the series (a new round). */
  async nextWord(): Promise<void> {
    const id = this.state.round?.id;
    const round = id ? await this.act((s) => request(s, "bemodel:next", { roundId: id })) : null;
    if (round && this.state.round?.id !== round.id)
      this.set({ round, theory: null, stats: null, history: [] });
  }

  async close(): Promise<void> {
    const id = this.state.round?.id;
    const round = id ? await this.act((s) => request(s, "round:close", { roundId: id })) : null;
    if (round && this.isRound(round.id)) this.set({ round });
  }

  async setLocked(locked: boolean): Promise<void> {
    const session = await this.act((s) => request(s, "session:lock", { locked }));
    if (session) this.set({ session });
  }

  async remove(participantId: string): Promise<void> {
    const done = await this.act((s) => request(s, "participant:remove", { participantId }));
    if (done) {
      this.set({
        participants: this.state.participants.map((p) =>
          p.id === participantId ? { ...p, removed: true, connected: false } : p,
        ),
      });
    }
  }

  async end(): Promise<void> {
    const session = await this.act((s) => request(s, "session:end", {}));
    if (session) this.set({ session });
  }

  dismissError(): void {
    this.set({ error: null });
  }
}
