/**
 * The sampling of the student's current round: its SamplePipeline, the last counts of the round that closed,
 * and the two timers: flushing batches (or re-syncing) every FLUSH_MS, and "auto" sampling every AUTO_MS.
 */
import type { RoundInfo } from "@tokenroom/shared";
import type { RoundSpec } from "../engine-worker/messages.ts";
import { forgetOtherOutboxes, localOutboxes } from "./outbox-storage.ts";
import { type PipelineDeps, type PipelineView, SamplePipeline } from "./sample-pipeline.ts";
import type { StudentState } from "./student-state.ts";

const FLUSH_MS = 200;
const AUTO_MS = 300;
const AUTO_BATCH = 3;

export interface SamplingDeps extends Omit<PipelineDeps, "store" | "onChange"> {
  state(): StudentState;
  set(patch: Partial<StudentState>): void;
  /** Whether a student:resume is under way (the pipeline then waits). */
  resuming(): boolean;
  resume(): void;
  /** Sampling is open (StudentSession.canSample). */
  canSample: () => boolean;
}

export class SamplingLoop {
  private pipeline: SamplePipeline | null = null;
  /** The closed round's last counts and completions: still shown until the next round starts. */
  private finished: { roundId: string; view: PipelineView } | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];

  constructor(private readonly deps: SamplingDeps) {}

  start(): void {
    this.timers.push(
      setInterval(() => this.tick(), FLUSH_MS),
      setInterval(() => this.autoTick(), AUTO_MS),
    );
  }

  stopTimers(): void {
    for (const t of this.timers) clearInterval(t);
  }

  /** What the page shows of the round `roundId`: the live counts, or those it closed with. */
  view(roundId: string | undefined): PipelineView | null {
    const finished = this.finished?.roundId === roundId ? this.finished?.view : undefined;
    return this.pipeline?.view() ?? finished ?? null;
  }

  /** Samples for `round` from now on; true when that is a new pipeline (its model is then to load). */
  follow(round: RoundInfo, participantId: string): boolean {
    if (this.pipeline?.round.id === round.id) return false;
    this.drop();
    forgetOtherOutboxes(participantId, round.id);
    this.pipeline = new SamplePipeline(round, participantId, {
      engine: this.deps.engine,
      store: localOutboxes,
      submit: this.deps.submit,
      canSend: this.deps.canSend,
      onBatchError: this.deps.onBatchError,
      onChange: () => this.deps.set({}),
      now: this.deps.now,
    });
    return true;
  }

  /** The round closed: keep its last view, stop sampling it. */
  close(roundId: string): void {
    this.finished = this.pipeline ? { roundId, view: this.pipeline.view() } : null;
    this.drop();
  }

  drop(): void {
    this.pipeline?.discard();
    this.pipeline = null;
  }

  /** Resolves when no batch is in flight (undefined without a pipeline). */
  settled(): Promise<void> | undefined {
    return this.pipeline?.settled();
  }

  resumed(nextIndex: number, acked: number): void {
    this.pipeline?.resumed(nextIndex, acked);
  }

  /** The current pipeline's round spec, for the token inspector (null without one). */
  spec(): RoundSpec | null {
    return this.pipeline?.spec ?? null;
  }

  sample(n: number): void {
    if (this.deps.canSample()) this.pipeline?.sample(n, this.deps.canSample);
  }

  private tick(): void {
    const p = this.pipeline;
    if (!p) return;
    if (p.wantsSync() && !this.deps.resuming()) this.deps.resume();
    else void p.flush();
    // keep "waiting to resend" fresh while a backoff runs
    if (this.deps.state().samples?.waitingToResend !== p.view().waitingToResend) this.deps.set({});
  }

  private autoTick(): void {
    if (!this.deps.state().auto) return;
    if (!this.deps.canSample()) return this.deps.set({ auto: false });
    if (this.pipeline && !this.pipeline.busy) this.pipeline.sample(AUTO_BATCH, this.deps.canSample);
  }
}
