/**
 * Batches sample inserts from every socket into one multi-row INSERT per flush.
 * `write` resolves once the rows are durable, with which of them were new.
 */
import { type SampleRow, sampleKey } from "./samples.ts";

export interface SampleSink {
  insertSamples(rows: readonly SampleRow[]): Promise<Set<string>>;
}

interface Pending {
  rows: readonly SampleRow[];
  resolve: (inserted: boolean[]) => void;
  reject: (error: unknown) => void;
}

export class SampleWriter {
  private queue: Pending[] = [];
  private queued = 0;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly sink: SampleSink,
    private readonly maxBatch = 1000,
  ) {}

  /** Resolves with inserted[i] = true when rows[i] was new, false when it was already stored. */
  write(rows: readonly SampleRow[]): Promise<boolean[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queued += rows.length;
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  /** Drains the queue: while one INSERT runs, the next batch accumulates (group commit). */
  private async drain(): Promise<void> {
    await Promise.resolve(); // let the current tick's writes join the first batch
    while (this.queue.length > 0) {
      const batch: Pending[] = [];
      let size = 0;
      while (this.queue.length > 0 && (size === 0 || size + this.queue[0]!.rows.length <= this.maxBatch)) {
        const p = this.queue.shift()!;
        batch.push(p);
        size += p.rows.length;
      }
      this.queued -= size;
      const rows = batch.flatMap((p) => p.rows);
      try {
        const inserted = await this.sink.insertSamples(rows);
        // A key inserted once is reported as new to its first row only, even if the batch held it twice.
        for (const p of batch)
          p.resolve(p.rows.map((r) => inserted.delete(sampleKey(r.roundId, r.participantId, r.index))));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = null;
  }

  get pending(): number {
    return this.queued;
  }

  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
