/**
 * Where a round's statistics come from. One process: the in-memory RoundAggregator (LocalStatsHub).
 * Several processes: counters in Redis and one publishing leader per round (scale/redis-stats-hub.ts).
 */
import type { KlPoint, RoundStats } from "@tokenroom/shared";
import type { AcceptedSample, RoundAggregator } from "./aggregator.ts";

export interface HubRound {
  id: string;
  aggregator: RoundAggregator;
  dirty: boolean;
}

export interface RoundView {
  stats(withTheory: boolean): RoundStats;
  /** The KL-vs-N history (in snapshots; ticks leave it out). */
  history?: KlPoint[];
}

export interface StatsHub {
  /** A round was just created by this process. */
  started(round: HubRound): Promise<void>;
  /** Samples this process stored for the first time (each sample is reported by exactly one process, once). */
  accepted(round: HubRound, samples: AcceptedSample[], now: number): void;
  /** Current statistics, for snapshots. */
  view(round: HubRound, now: number): Promise<RoundView>;
  /** Called every tick for each live round: what this process should publish now, or null. */
  tick(round: HubRound, now: number): Promise<RoundView | null>;
  /**
   * The round is leaving this process's memory (its session went idle): hand over what only this process holds.
   * False when it cannot yet (then it stays in memory and the next sweep asks again).
   */
  release(round: HubRound): Promise<boolean>;
  close(): Promise<void>;
}

export class LocalStatsHub implements StatsHub {
  started(): Promise<void> {
    return Promise.resolve();
  }

  accepted(round: HubRound, samples: AcceptedSample[], now: number): void {
    for (const s of samples) round.aggregator.add(s, now);
    if (samples.length > 0) round.dirty = true;
  }

  view(round: HubRound, now: number): Promise<RoundView> {
    return Promise.resolve({
      stats: (w) => round.aggregator.stats(now, w),
      history: round.aggregator.getHistory(),
    });
  }

  tick(round: HubRound, now: number): Promise<RoundView | null> {
    if (!round.dirty) return Promise.resolve(null);
    round.dirty = false;
    round.aggregator.recordHistory();
    return Promise.resolve({ stats: (w: boolean) => round.aggregator.stats(now, w) });
  }

  /** Nothing to hand over: the counts come back from the database with the round. */
  release(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
