/**
 * Runs trainNgram off the event loop: one worker_thread per job (train-worker.ts), a few at a time, the rest
 * queued. The same entry checks the raw body of a training request first (check(): decode, parse, validate, id),
 * a large one (over 64 KiB) also in a worker of its own, a few at a time, so that the event loop never holds a 2 MB
 * text as a string (a small body is checked at once: cheaper than starting a worker): the
 * text travels as UTF-8 bytes whose ArrayBuffer is transferred, not copied. From source the worker registers tsx's
 * loader itself before importing its TypeScript entry (~0.5 s); from the build it is the bundled
 * server/dist/train-worker.js.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ModelSummary, TokenizerKind, TrainStage } from "@tokenroom/shared";
import { workerSource } from "../worker-source.ts";
import { checkTrainBody, type TrainBodyCheck } from "./text-check.ts";

export interface TrainJob {
  id: string;
  name: string;
  description: string;
  /** The text, or its UTF-8 bytes (their ArrayBuffer is transferred to the worker: not usable after). */
  text: string | Uint8Array;
  tokenizer: TokenizerKind;
  order: number;
  heldOutEvery: number;
  /** Train only the split without the held-out lines (trainWithoutHeldOut), e.g. for "be the model" ([BM3]). */
  withoutHeldOut?: boolean;
}

/** What train-worker.ts does: check a request's raw body (checkTrainBody), or train. */
export type WorkerInput = TrainJob | { check: Uint8Array; charset: string };

/** Worker → server. */
export type WorkerMessage =
  /** The answer to a check. */
  | { type: "checked"; check: TrainBodyCheck }
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

/** A worker that did not answer: it failed (`detail` for the server log only) or the caller left. */
type Stopped = { ok: false; reason: "failed" | "cancelled"; message: string; detail?: string };

export type CheckOutcome = TrainBodyCheck | Stopped;

export interface TrainerOptions {
  /** Workers training at once (default: cores − 1, at least 1, at most 2). */
  concurrency?: number;
  /** Jobs that may wait for a worker; more are refused as busy. */
  queueLimit?: number;
  /** A job still running after this is stopped. */
  timeoutMs?: number;
  /** V8 old-space limit of a worker (2 MB of text at order 5 peaks around 600 MB). */
  maxHeapMb?: number;
  /** Workers checking request bodies at once (default: as many as train); more wait for one to finish. */
  checkConcurrency?: number;
  /**
   * Bodies up to this many bytes are checked on the calling thread (default 64 KiB: well under a millisecond of
   * decoding and parsing, less than starting a worker costs); larger ones in a worker.
   */
  inlineCheckBytes?: number;
}

/** At most `size` at once, the rest waiting in order; a waiter whose signal aborts leaves the line. */
class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  get full(): boolean {
    return this.running >= this.size;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** true once a slot is held (release() it), false if `signal` aborted first. */
  acquire(signal: AbortSignal | undefined): Promise<boolean> {
    if (this.running < this.size) {
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

  release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

const failed = (message: string, detail?: string): Stopped => ({
  ok: false,
  reason: "failed",
  message,
  ...(detail === undefined ? {} : { detail }),
});
const CRASHED = "training failed on the server; try again, or with a shorter text";

export class Trainer {
  private readonly training: Slots;
  private readonly checking: Slots;
  private readonly queueLimit: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private readonly inlineCheckBytes: number;

  constructor(options: TrainerOptions = {}) {
    const concurrency = options.concurrency ?? Math.min(2, Math.max(1, availableParallelism() - 1));
    this.training = new Slots(concurrency);
    this.checking = new Slots(options.checkConcurrency ?? concurrency);
    this.queueLimit = options.queueLimit ?? 8;
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.maxHeapMb = options.maxHeapMb ?? 2048;
    this.inlineCheckBytes = options.inlineCheckBytes ?? 64 * 1024;
  }

  /**
   * Checks the raw body of POST /api/models/train (`body`: its bytes, whose ArrayBuffer is transferred; `charset`
   * from its Content-Type) in a worker: checkTrainBody's answer, or failed/cancelled. Never rejects.
   */
  async check(body: Uint8Array, charset: string, signal?: AbortSignal): Promise<CheckOutcome> {
    if (body.byteLength <= this.inlineCheckBytes) return checkTrainBody(body, charset);
    if (!(await this.checking.acquire(signal)))
      return { ok: false, reason: "cancelled", message: "the request was closed" };
    try {
      return await this.run<TrainBodyCheck>(
        { check: body, charset },
        (m) => (m.type === "checked" ? m.check : undefined),
        signal,
      );
    } finally {
      this.checking.release();
    }
  }

  /** Trains `job` in a fresh worker; `onEvent` hears "accepted" and the progress. Never rejects. */
  async train(
    job: TrainJob,
    onEvent: (event: TrainEvent) => void,
    signal?: AbortSignal,
  ): Promise<TrainOutcome> {
    if (this.training.full && this.training.queued >= this.queueLimit) {
      return {
        ok: false,
        reason: "busy",
        message: "the server is training other models; try again in a minute",
      };
    }
    if (!(await this.training.acquire(signal)))
      return { ok: false, reason: "cancelled", message: "the request was closed" };
    try {
      return await this.run<TrainOutcome>(
        job,
        (m) => {
          if (m.type === "done") return { ok: true, artifactJson: m.artifactJson, summary: m.summary };
          if (m.type === "rejected") return { ok: false, reason: "rejected", message: m.message };
          if (m.type === "accepted" || m.type === "progress") onEvent(m);
          return undefined;
        },
        signal,
      );
    } finally {
      this.training.release();
    }
  }

  /** Runs the worker on `input` until `onMessage` answers, or it fails, times out or `signal` aborts. */
  private run<T>(
    input: WorkerInput,
    onMessage: (m: WorkerMessage) => T | undefined,
    signal?: AbortSignal,
  ): Promise<T | Stopped> {
    return new Promise((resolve) => {
      const bytes = "check" in input ? input.check : typeof input.text === "string" ? null : input.text;
      // only a buffer of its own moves (a small Buffer may be a view of Node's shared pool): else a copy
      const own =
        bytes && (bytes.byteOffset > 0 || bytes.byteLength < bytes.buffer.byteLength)
          ? new Uint8Array(bytes)
          : bytes;
      const workerData: WorkerInput =
        own === bytes || !own ? input : "check" in input ? { ...input, check: own } : { ...input, text: own };
      const source = workerSource("train-worker");
      const worker = new Worker(source.code, {
        eval: source.eval,
        workerData,
        transferList: own ? [own.buffer as ArrayBuffer] : [],
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
      });
      let settled = false;
      const finish = (outcome: T | Stopped) => {
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
        if (settled) return;
        const outcome = onMessage(m);
        if (outcome !== undefined) finish(outcome);
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
