/**
 * Runs trainNgram off the event loop: one worker_thread per job (train-worker.ts), a few at a time, the rest
 * queued. From source the worker registers tsx's loader itself before importing its TypeScript entry (~0.5 s);
 * from the build it is the bundled server/dist/train-worker.js.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ModelSummary, TokenizerKind, TrainStage } from "@tokenroom/shared";
import { workerSource } from "../worker-source.ts";

export interface TrainJob {
  id: string;
  name: string;
  description: string;
  text: string;
  tokenizer: TokenizerKind;
  order: number;
  heldOutEvery: number;
  /** Train only the split without the held-out lines (trainWithoutHeldOut), e.g. for "be the model" ([BM3]). */
  withoutHeldOut?: boolean;
}

/** Worker → server. */
export type WorkerMessage =
  /** The text has enough tokens: training starts. */
  | { type: "accepted" }
  /** The text cannot be trained on; `message` says what to do. */
  | { type: "rejected"; message: string }
  | { type: "progress"; stage: TrainStage; progress: number }
  | { type: "done"; artifactJson: string; summary: ModelSummary };

export type TrainEvent = Extract<WorkerMessage, { type: "accepted" | "progress" }>;

export type TrainOutcome =
  | { ok: true; artifactJson: string; summary: ModelSummary }
  /** `message` may be shown to the user; `detail` is for the server log only. */
  | { ok: false; reason: "rejected" | "busy" | "failed" | "cancelled"; message: string; detail?: string };

export interface TrainerOptions {
  /** Workers training at once (default: cores − 1, at least 1, at most 2). */
  concurrency?: number;
  /** Jobs that may wait for a worker; more are refused as busy. */
  queueLimit?: number;
  /** A job still running after this is stopped. */
  timeoutMs?: number;
  /** V8 old-space limit of a worker (2 MB of text at order 5 peaks around 600 MB). */
  maxHeapMb?: number;
}

const failed = (message: string, detail?: string): TrainOutcome => ({
  ok: false,
  reason: "failed",
  message,
  ...(detail === undefined ? {} : { detail }),
});
const CRASHED = "training failed on the server; try again, or with a shorter text";

export class Trainer {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;

  constructor(options: TrainerOptions = {}) {
    this.concurrency = options.concurrency ?? Math.min(2, Math.max(1, availableParallelism() - 1));
    this.queueLimit = options.queueLimit ?? 8;
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.maxHeapMb = options.maxHeapMb ?? 2048;
  }

  /** Trains `job` in a fresh worker; `onEvent` hears "accepted" and the progress. Never rejects. */
  async train(
    job: TrainJob,
    onEvent: (event: TrainEvent) => void,
    signal?: AbortSignal,
  ): Promise<TrainOutcome> {
    if (this.running >= this.concurrency && this.waiting.length >= this.queueLimit) {
      return {
        ok: false,
        reason: "busy",
        message: "the server is training other models; try again in a minute",
      };
    }
    if (!(await this.acquire(signal)))
      return { ok: false, reason: "cancelled", message: "the request was closed" };
    try {
      return await this.run(job, onEvent, signal);
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<boolean> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const start = () => {
        signal?.removeEventListener("abort", cancel);
        this.running++;
        resolve(true);
      };
      const cancel = () => {
        const i = this.waiting.indexOf(start);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      if (signal?.aborted) return cancel();
      signal?.addEventListener("abort", cancel, { once: true });
      this.waiting.push(start);
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  private run(
    job: TrainJob,
    onEvent: (event: TrainEvent) => void,
    signal?: AbortSignal,
  ): Promise<TrainOutcome> {
    return new Promise((resolve) => {
      const source = workerSource("train-worker");
      const worker = new Worker(source.code, {
        eval: source.eval,
        workerData: job,
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
      });
      let settled = false;
      const finish = (outcome: TrainOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", abort);
        void worker.terminate();
        resolve(outcome);
      };
      const abort = () => finish({ ok: false, reason: "cancelled", message: "the request was closed" });
      const timer = setTimeout(
        () => finish(failed("training took too long: try a lower order or a shorter text")),
        this.timeoutMs,
      );
      timer.unref();
      if (signal?.aborted) return abort();
      signal?.addEventListener("abort", abort, { once: true });
      worker.on("message", (m: WorkerMessage) => {
        if (m.type === "done") finish({ ok: true, artifactJson: m.artifactJson, summary: m.summary });
        else if (m.type === "rejected") finish({ ok: false, reason: "rejected", message: m.message });
        else if (!settled) onEvent(m);
      });
      worker.on("error", (error: Error & { code?: string }) =>
        finish(
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? failed("training ran out of memory: try a lower order or a shorter text", error.message)
            : failed(CRASHED, error.stack ?? error.message),
        ),
      );
      worker.on("exit", (code) => finish(failed(CRASHED, `the training worker exited with code ${code}`)));
    });
  }
}
