/**
 * One participant's samples in one round: generate in the worker → persist in the outbox → send in
 * batches (≤ 100, one request in flight, every ~200 ms) → drop on a settling ack. Timeouts, lost
 * connections, RATE_LIMITED and UNAVAILABLE keep the samples and back off before resending.
 */
import { decodingOf, LIMITS, type RoundInfo, type SampleSubmit, type SubmitResult } from "@tokenroom/shared";
import type { ClientError, ClientResult } from "../api/socket.ts";
import type { EngineClient } from "../engine-worker/engine-client.ts";
import type { GeneratedSample, RoundSpec } from "../engine-worker/messages.ts";
import { Outbox, outboxKey, type OutboxStore } from "./outbox.ts";

export interface PipelineDeps {
  engine: EngineClient;
  store: OutboxStore;
  submit(payload: SampleSubmit): Promise<ClientResult<SubmitResult>>;
  /** Connected and resumed: a batch may go out now. */
  canSend(): boolean;
  /** A whole batch failed with an error the session must handle (resume, removed, ended…). */
  onBatchError(error: ClientError): void;
  onChange(): void;
  now(): number;
}

export interface PipelineView {
  made: number;
  acked: number;
  pending: number;
  rejected: number;
  generating: boolean;
  /** Newest first. */
  completions: GeneratedSample[];
  /** Set while resends are backing off (the server was busy or unreachable). */
  waitingToResend: boolean;
}

const KEEP_COMPLETIONS = 20;
const GENERATE_CHUNK = 10;
/** Back-pressure: stop generating while this many samples wait for the server. */
export const MAX_PENDING = 400;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15_000;
const BACKOFF_CODES = new Set([
  "RATE_LIMITED",
  "UNAVAILABLE",
  "INTERNAL",
  "TIMEOUT",
  "OFFLINE",
  "WRONG_PHASE",
]);

export const roundSpec = (r: RoundInfo): RoundSpec => ({
  model: { id: r.modelId, hash: r.modelHash },
  promptTokens: r.promptTokens,
  ...decodingOf(r),
  maxTokens: r.maxTokens,
  seed: r.seed,
});

export class SamplePipeline {
  readonly spec: RoundSpec;
  private readonly outbox: Outbox;
  private acked = 0;
  /** Pending samples that an earlier connection may already have stored (their ack was lost). */
  private uncertain = new Set<number>();
  private needSync = false;
  private rejected = 0;
  private completions: GeneratedSample[] = [];
  private wanted = 0;
  private generating = false;
  private inflight: Promise<void> | null = null;
  private backoffMs = 0;
  private retryAt = 0;
  private discarded = false;

  constructor(
    readonly round: RoundInfo,
    readonly participantId: string,
    private readonly deps: PipelineDeps,
  ) {
    this.spec = roundSpec(round);
    this.outbox = new Outbox(outboxKey(participantId, round.id), deps.store);
    this.completions = this.outbox.recent.slice(0, KEEP_COMPLETIONS);
  }

  view(): PipelineView {
    return {
      made: this.outbox.nextIndex,
      acked: this.acked,
      pending: this.outbox.size,
      rejected: this.rejected,
      generating: this.generating,
      completions: this.completions,
      waitingToResend: this.retryAt > this.deps.now(),
    };
  }

  /** The server's view after student:resume: its next index and the number of samples it holds. */
  resumed(nextIndex: number, acked: number): void {
    this.outbox.resumeAt(nextIndex);
    this.acked = acked;
    this.uncertain = new Set(this.outbox.pendingIndexes().filter((i) => i < nextIndex));
    this.needSync = false;
    this.retryAt = 0;
    this.deps.onChange();
  }

  /** True once uncertain samples were acked and the outbox drained: a resume gives the exact count. */
  wantsSync(): boolean {
    return this.needSync && this.outbox.size === 0 && this.inflight === null;
  }

  /** Waits for the batch in flight, if any (a resume must not overlap a submit). */
  settled(): Promise<void> {
    return this.inflight ?? Promise.resolve();
  }

  /** Queues `n` more samples; `allowed` is re-checked before every chunk. */
  sample(n: number, allowed: () => boolean): void {
    if (this.discarded) return;
    this.wanted += n;
    void this.pump(allowed);
  }

  get busy(): boolean {
    return this.generating || this.outbox.size >= MAX_PENDING;
  }

  private async pump(allowed: () => boolean): Promise<void> {
    if (this.generating) return;
    this.generating = true;
    this.deps.onChange();
    try {
      while (this.wanted > 0 && !this.discarded && allowed() && this.outbox.size < MAX_PENDING) {
        const count = Math.min(this.wanted, GENERATE_CHUNK);
        const fresh = await this.deps.engine.generate(
          this.spec,
          this.participantId,
          this.outbox.nextIndex,
          count,
        );
        if (this.discarded) return;
        this.completions = [...fresh.slice().reverse(), ...this.completions].slice(0, KEEP_COMPLETIONS);
        this.outbox.add(
          fresh.map((s) => ({ index: s.index, tokens: s.tokens })),
          this.completions,
        );
        this.wanted = Math.max(0, this.wanted - count);
        this.deps.onChange();
        void this.flush();
      }
    } finally {
      this.generating = false;
      if (!allowed()) this.wanted = 0;
      this.deps.onChange();
    }
  }

  /** Sends the oldest pending samples when nothing is in flight and no backoff is running. */
  flush(): Promise<void> {
    if (this.discarded || this.inflight || this.outbox.size === 0) return Promise.resolve();
    if (this.deps.now() < this.retryAt || !this.deps.canSend()) return Promise.resolve();
    const samples = this.outbox.batch(LIMITS.samplesPerBatch);
    const run = this.deps.submit({ roundId: this.round.id, samples }).then((result) => {
      this.inflight = null;
      if (this.discarded) return;
      if (result.ok) this.settle(result.data);
      else this.failed(result.error);
      this.deps.onChange();
    });
    this.inflight = run;
    return run;
  }

  private settle(data: SubmitResult): void {
    const s = this.outbox.settle(data.results);
    for (const index of s.accepted) {
      if (this.uncertain.delete(index)) this.needSync = true;
      else this.acked++;
    }
    this.rejected += s.rejected.length;
    if (s.retry.length > 0) this.backOff();
    else {
      this.backoffMs = 0;
      this.retryAt = 0;
    }
  }

  private failed(error: ClientError): void {
    if (BACKOFF_CODES.has(error.code)) this.backOff();
    else if (error.code === "BAD_REQUEST") {
      // the batch itself is malformed: resending it cannot succeed
      const dropped = this.outbox.batch(LIMITS.samplesPerBatch);
      this.outbox.settle(
        dropped.map((s) => ({
          index: s.index,
          status: "rejected",
          code: error.code,
          message: error.message,
        })),
      );
      this.rejected += dropped.length;
    }
    this.deps.onBatchError(error);
  }

  private backOff(): void {
    this.backoffMs = Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, this.backoffMs * 2));
    // jitter, so a class reconnecting together does not resend in lockstep
    this.retryAt = this.deps.now() + this.backoffMs * (0.75 + Math.random() * 0.5);
  }

  /** The round is over: forget the outbox, stop generating. */
  discard(): void {
    this.discarded = true;
    this.wanted = 0;
    this.outbox.discard();
  }
}
