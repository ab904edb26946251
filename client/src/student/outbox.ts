/**
 * The outbox of one participant in one round: generated-but-unacknowledged samples and the next unused
 * sample index, persisted on every change so a reload or a crash loses nothing. A sample leaves the outbox
 * only on an ack that settles it (accepted, or a final rejection); anything else is resent later.
 */
import { ErrorCode, type SampleResult } from "@tokenroom/shared";
import type { GeneratedSample } from "../engine-worker/messages.ts";

export interface PendingSample {
  index: number;
  tokens: number[];
}

export interface OutboxState {
  nextIndex: number;
  pending: PendingSample[];
  /** The newest completions (newest first), kept so the phone's list survives a reload. */
  recent?: GeneratedSample[];
}

/** Where an outbox lives (localStorage in the app, a Map in tests). */
export interface OutboxStore {
  load(key: string): OutboxState | null;
  save(key: string, state: OutboxState): void;
  remove(key: string): void;
}

export interface Settlement {
  /** Indexes the server stored (now or before). */
  accepted: number[];
  /** Final rejections: resending cannot help. */
  rejected: { index: number; code: string; message: string }[];
  /** Kept for a resend (the server could not store them yet). */
  retry: number[];
}

/** Per-sample rejections that are worth a resend. */
const RETRYABLE = new Set<string>([ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL, ErrorCode.RATE_LIMITED]);

export const outboxKey = (participantId: string, roundId: string) => `outbox:${participantId}:${roundId}`;

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");

function isGeneratedSample(v: unknown): v is GeneratedSample {
  if (typeof v !== "object" || v === null) return false;
  const s = v as Partial<GeneratedSample>;
  return (
    Number.isInteger(s.index) &&
    isNumbers(s.tokens) &&
    isNumbers(s.probs) &&
    Array.isArray(s.labels) &&
    s.labels.every((l) => typeof l === "string") &&
    (s.spaceBefore === undefined ||
      (Array.isArray(s.spaceBefore) && s.spaceBefore.every((b) => typeof b === "boolean")))
  );
}

export function isOutboxState(v: unknown): v is OutboxState {
  if (typeof v !== "object" || v === null) return false;
  const s = v as Partial<OutboxState>;
  return (
    typeof s.nextIndex === "number" &&
    Number.isInteger(s.nextIndex) &&
    s.nextIndex >= 0 &&
    Array.isArray(s.pending) &&
    s.pending.every(
      (p) => typeof p === "object" && p !== null && Number.isInteger(p.index) && Array.isArray(p.tokens),
    ) &&
    (s.recent === undefined || (Array.isArray(s.recent) && s.recent.every(isGeneratedSample)))
  );
}

export class Outbox {
  private state: OutboxState;

  constructor(
    readonly key: string,
    private readonly store: OutboxStore,
  ) {
    this.state = store.load(key) ?? { nextIndex: 0, pending: [] };
  }

  get nextIndex(): number {
    return this.state.nextIndex;
  }

  get size(): number {
    return this.state.pending.length;
  }

  /** The completions kept with the outbox (newest first; empty for an outbox stored before they were). */
  get recent(): GeneratedSample[] {
    return this.state.recent ?? [];
  }

  pendingIndexes(): number[] {
    return this.state.pending.map((p) => p.index);
  }

  /** On resume: the server's first unused index may be ahead of ours (another tab, lost storage). */
  resumeAt(serverNextIndex: number): void {
    if (serverNextIndex > this.state.nextIndex) {
      this.state.nextIndex = serverNextIndex;
      this.save();
    }
  }

  /**
   * Adds freshly generated samples (indexes from nextIndex on) and moves nextIndex past them; `recent`, the
   * newest completions to show, is stored with them in the same write.
   */
  add(samples: readonly PendingSample[], recent?: GeneratedSample[]): void {
    if (samples.length === 0) return;
    if (recent) this.state.recent = recent;
    const known = new Set(this.state.pending.map((p) => p.index));
    for (const s of samples) {
      if (s.index < this.state.nextIndex || known.has(s.index)) continue; // a stale generation: never reuse an index
      this.state.pending.push({ index: s.index, tokens: s.tokens.slice() });
      this.state.nextIndex = s.index + 1;
    }
    this.save();
  }

  /** The oldest `max` pending samples, for one request. */
  batch(max: number): PendingSample[] {
    return this.state.pending.slice(0, max);
  }

  /** Applies the per-sample results of an acknowledged batch. */
  settle(results: readonly SampleResult[]): Settlement {
    const out: Settlement = { accepted: [], rejected: [], retry: [] };
    const done = new Set<number>();
    for (const r of results) {
      if (r.status !== "rejected") {
        out.accepted.push(r.index);
        done.add(r.index);
      } else if (RETRYABLE.has(r.code)) {
        out.retry.push(r.index);
      } else {
        out.rejected.push({ index: r.index, code: r.code, message: r.message });
        done.add(r.index);
      }
    }
    if (done.size > 0) {
      this.state.pending = this.state.pending.filter((p) => !done.has(p.index));
      this.save();
    }
    return out;
  }

  /** Forgets the whole outbox (its round is over). */
  discard(): void {
    this.state = { nextIndex: this.state.nextIndex, pending: [] };
    this.store.remove(this.key);
  }

  private save(): void {
    this.store.save(this.key, this.state);
  }
}
