/**
 * Accepting samples: check each one, store the batch durably, count each (round, participant, index) once.
 * Order per batch: phase and rate checks → [SW1] window (indices only in order from the first unstored one) →
 * per-sample validation, or [V2] replay of the seed's stream token by token, [CPU1] a few milliseconds of model steps
 * per turn of the event loop (the plan is made again after each wait) → one durable write (rows the database
 * already had are not counted again) → count → ack.
 */
import { ErrorCode, LIMITS, type SampleInput, type SampleResult, type SubmitResult } from "@tokenroom/shared";
import type { Clock } from "../clock.ts";
import { ServiceError, unavailable } from "../errors.ts";
import type { AcceptedSample } from "../rounds/aggregator.ts";
import type { StatsHub } from "../rounds/stats-hub.ts";
import type { SampleWriter } from "../store/sample-writer.ts";
import type { LiveRound, LiveSession } from "./live-state.ts";
import { storedSet } from "./live-state.ts";
import { type Checked, SampleChecker, takeTokens } from "./sample-checks.ts";

/** Where the stored sample indices are the truth (the database): the window check reads it when its cache lags. */
export interface StoredIndexes {
  storedIndexes(roundId: string, participantId: string, from: number): Promise<number[]>;
}

/** [SW1] Fresh indices are taken only in [first unstored, first unstored + W). */
export const SAMPLE_WINDOW = LIMITS.sampleWindow;

export interface SampleServiceOptions {
  verifyFraction: number;
  ratePerSecond: number;
  burst: number;
  /** [CPU1] Milliseconds of verification per turn of the event loop, over all batches (default 4). */
  verifySliceMs?: number;
}

const E = ErrorCode;

export class SampleService {
  private readonly checker: SampleChecker;

  constructor(
    private readonly writer: SampleWriter,
    private readonly stats: StatsHub,
    private readonly clock: Clock,
    private readonly options: SampleServiceOptions,
    private readonly truth: StoredIndexes,
  ) {
    this.checker = new SampleChecker(options.verifyFraction, options.verifySliceMs ?? 4);
  }

  /** The lowest index not in the participant's stored set (advancing and keeping the round's hint). */
  private firstUnstored(round: LiveRound, participantId: string, stored: Set<number>): number {
    let n = round.prefix.get(participantId) ?? 0;
    while (stored.has(n)) n++;
    round.prefix.set(participantId, n);
    return n;
  }

  /**
   * [SW1] Whether every fresh sample of the batch would be inside the window as this process sees it, if all of
   * them were accepted: walking by index, each one must be below the first index neither stored, being written,
   * nor taken earlier in the batch, plus the window.
   */
  private fitsWindow(round: LiveRound, participantId: string, stored: Set<number>, sorted: SampleInput[]) {
    const taken = new Set<number>();
    const filled = (i: number) =>
      stored.has(i) || taken.has(i) || round.inflight.has(`${participantId}:${i}`);
    let next = this.firstUnstored(round, participantId, stored);
    for (const s of sorted) {
      while (filled(next)) next++;
      if (filled(s.index)) continue;
      if (s.index >= next + SAMPLE_WINDOW) return false;
      taken.add(s.index);
    }
    return true;
  }

  /**
   * What to answer for each sample of the batch (sorted by index) as things stand, synchronously: accepted (stored),
   * waiting for the same sample's write, out of the window, or by its verdict; `unchecked` lists the samples that
   * need a verdict first.
   */
  private plan(
    round: LiveRound,
    participantId: string,
    stored: Set<number>,
    sorted: SampleInput[],
    verdicts: Map<number, Checked>,
  ) {
    const results = new Map<number, SampleResult>();
    const waits: Promise<void>[] = [];
    const rows: { index: number; tokens: number[]; logProb: number }[] = [];
    const taken = new Set<number>();
    const unchecked: SampleInput[] = [];
    const filled = (i: number) =>
      stored.has(i) || taken.has(i) || round.inflight.has(`${participantId}:${i}`);
    let next = this.firstUnstored(round, participantId, stored);
    for (const s of sorted) {
      while (filled(next)) next++;
      const key = `${participantId}:${s.index}`;
      if (stored.has(s.index)) {
        results.set(s.index, { index: s.index, status: "accepted" });
        continue;
      }
      const inflight = round.inflight.get(key);
      if (inflight) {
        // the same sample is being written right now: answer with the original's outcome
        waits.push(
          inflight.then(
            () => void results.set(s.index, { index: s.index, status: "accepted" }),
            () =>
              void results.set(s.index, {
                index: s.index,
                status: "rejected",
                code: E.UNAVAILABLE,
                message: "not stored; resend",
              }),
          ),
        );
        continue;
      }
      if (s.index >= next + SAMPLE_WINDOW) {
        results.set(s.index, {
          index: s.index,
          status: "rejected",
          code: E.OUT_OF_ORDER,
          message:
            `sample ${s.index} is out of order: send samples in order, starting at index ${next}, ` +
            `the first one not stored yet (indices up to ${next + SAMPLE_WINDOW - 1} are taken now)`,
        });
        continue;
      }
      const checked = verdicts.get(s.index);
      if (!checked) {
        unchecked.push(s);
        continue;
      }
      if (!checked.ok) {
        results.set(s.index, {
          index: s.index,
          status: "rejected",
          code: checked.code,
          message: checked.message,
        });
        continue;
      }
      rows.push({ index: s.index, tokens: s.tokens, logProb: checked.logProb });
      taken.add(s.index);
    }
    return { results, waits, rows, unchecked };
  }

  async submit(
    live: LiveSession,
    participantId: string,
    roundId: string,
    samples: SampleInput[],
  ): Promise<SubmitResult> {
    const p = live.participants.get(participantId);
    if (!p) throw new ServiceError(E.NOT_JOINED, "join the session first");
    if (p.row.removedAt) throw new ServiceError(E.REMOVED, "the instructor removed you from this session");
    if (live.session.endedAt) throw new ServiceError(E.SESSION_ENDED, "this session has ended");
    const round = live.round;
    if (!round || round.row.id !== roundId) {
      throw new ServiceError(
        E.ROUND_CLOSED,
        "that round is closed; samples are only taken while a round is open",
      );
    }
    if (round.row.mode === "guess" && !round.row.revealedAt) {
      throw new ServiceError(
        E.WRONG_PHASE,
        "this round is in its guessing phase; sampling opens after the reveal",
      );
    }
    if (round.row.mode === "be-model") {
      throw new ServiceError(E.WRONG_PHASE, 'a "be the model" round takes forecasts, not samples');
    }
    if (new Set(samples.map((s) => s.index)).size !== samples.length) {
      throw new ServiceError(E.BAD_REQUEST, "a batch may not repeat a sample index");
    }
    const stored = storedSet(round, participantId);
    const fresh = samples.filter(
      (s) => !stored.has(s.index) && !round.inflight.has(`${participantId}:${s.index}`),
    );
    if (
      fresh.length > 0 &&
      !takeTokens(p.bucket, fresh.length, this.clock.now(), this.options.ratePerSecond, this.options.burst)
    ) {
      throw new ServiceError(E.RATE_LIMITED, "too many samples at once; slow down and resend in a second");
    }

    // [SW1] by index; the stored set is this process's view: other processes (or this one before a restart) may
    // have stored more, so a batch that looks out of order is checked against the database before refusing any
    const sorted = [...samples].sort((a, b) => a.index - b.index);
    if (fresh.length > 0 && !this.fitsWindow(round, participantId, stored, sorted)) {
      const from = this.firstUnstored(round, participantId, stored);
      try {
        for (const i of await this.truth.storedIndexes(roundId, participantId, from)) stored.add(i);
      } catch {
        throw unavailable();
      }
    }

    // [CPU1] verification yields the event loop, and other batches run meanwhile: the plan (what is stored, being
    // written, in the window) is made again after each wait; it may need verdicts for samples it did not need before
    const verdicts = new Map<number, Checked>();
    let plan = this.plan(round, participantId, stored, sorted, verdicts);
    while (plan.unchecked.length > 0) {
      await this.checker.checkAll(round, participantId, plan.unchecked, verdicts);
      if (live.round !== round) {
        throw new ServiceError(E.ROUND_CLOSED, "that round closed while your samples were being checked");
      }
      plan = this.plan(round, participantId, stored, sorted, verdicts);
    }
    const { results, waits, rows } = plan;

    if (rows.length > 0) {
      const write = this.writer.write(rows.map((r) => ({ roundId, participantId, ...r })));
      rows.forEach((r, i) => {
        const outcome = write.then((inserted) => inserted[i]!);
        outcome.catch(() => undefined); // a failed write is reported to this batch below; resends see the rejection
        round.inflight.set(`${participantId}:${r.index}`, outcome);
      });
      let inserted: boolean[];
      try {
        inserted = await write;
      } catch {
        throw unavailable();
      } finally {
        for (const r of rows) round.inflight.delete(`${participantId}:${r.index}`);
      }
      const counted: AcceptedSample[] = [];
      rows.forEach((r, i) => {
        stored.add(r.index);
        // counted only when this write created the row: a row that already existed was counted before
        if (inserted[i])
          counted.push({ participantId, index: r.index, tokens: r.tokens, logProb: r.logProb });
        results.set(r.index, { index: r.index, status: "accepted" });
      });
      this.stats.accepted(round, counted, this.clock.now());
    }
    await Promise.all(waits);
    return { results: samples.map((s) => results.get(s.index)!) };
  }
}
