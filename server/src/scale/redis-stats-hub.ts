/**
 * Round statistics across server processes. Each process counts the samples it stored into counters in
 * Redis once per tick (redis-scripts.ts COUNT: atomic, one round trip, idempotent per sample); one process
 * per round holds a lease and publishes the statistics it reads back. When the lease holder dies the
 * lease expires and another process with the round live takes over.
 *
 * Redis keeps nothing on disk: after a restart the counters are gone. The first COUNT that finds them
 * missing recreates them marked incomplete; the leader then counts every sample stored in the database
 * into them (again through COUNT, so samples that processes flush meanwhile, or flushed before, are never
 * counted twice) and publishes nothing until that is done. A process keeps its pending samples until a
 * COUNT succeeded, so none is dropped while Redis is away.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { KlPoint } from "@tokenroom/shared";
import type { Logger } from "../logger.ts";
import { type AcceptedSample, historyMoved, RateMeter } from "../rounds/aggregator.ts";
import { buildStats, type RoundCounters } from "../rounds/stats.ts";
import type { HubRound, RoundView, StatsHub } from "../rounds/stats-hub.ts";
import type { Repository } from "../store/repository.ts";
import {
  appendHistory,
  CHUNK,
  countSamples,
  readCounters,
  rebuildCounters,
  type Scripted,
  scripted,
} from "./redis-counters.ts";
import { roundKeys, TTL_SECONDS } from "./redis-scripts.ts";

/** How often the leader compares its counters with the database. */
const RECONCILE_MS = 2_000;
/**
 * The leader publishes unchanged statistics again after this long. A publish reaches the other processes'
 * hosts through Redis pub/sub, and one sent while a process's subscriber is still reconnecting after a
 * Redis restart is lost; without a repeat, a projector on that process would keep an old N until the next
 * sample arrives (at the end of sampling: for good).
 */
const REPUBLISH_MS = 2_000;
/**
 * Pending samples kept while Redis is away. Past this the process drops them and, once Redis answers,
 * marks the counters incomplete so the leader counts the database in again: memory stays bounded.
 */
const MAX_PENDING = 50_000;

interface RedisState {
  pending: AcceptedSample[];
  /** Pending samples were dropped during an outage: the counters must be rebuilt from the database. */
  dropped: boolean;
  lastN: number;
  /** When this process last published the round's statistics (as the leader). */
  publishedAt: number;
  rate: RateMeter;
  lastHistN: number;
  /** Last reconciliation with the database: when, and the counts seen. */
  check: { at: number; db: number; n: number };
  /** A rebuild from the database under way in this process. */
  rebuilding?: Promise<void>;
  /** The last counters read, for snapshots while Redis is away. */
  last?: RoundCounters;
}

interface RedisRound extends HubRound {
  redis?: RedisState;
}

export class RedisStatsHub implements StatsHub {
  private readonly redis: Scripted;
  private warned = false;

  constructor(
    redis: Redis,
    private readonly repo: Repository,
    private readonly nodeId: string,
    private readonly leaseMs: number,
    private readonly log?: Logger,
  ) {
    this.redis = scripted(redis);
  }

  private state(round: RedisRound): RedisState {
    return (round.redis ??= {
      pending: [],
      dropped: false,
      lastN: -1,
      publishedAt: 0,
      rate: new RateMeter(),
      lastHistN: 0,
      check: { at: 0, db: -1, n: -1 },
    });
  }

  /** Redis being away is an outage to ride out, not an error: say so once, then stay quiet until it is back. */
  private away(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log?.warn(`statistics: Redis unavailable, counting resumes when it is back (${String(error)})`);
  }

  async started(round: RedisRound): Promise<void> {
    const k = roundKeys(round.id);
    // a new round has no samples: its counters are complete from the start
    const zero = { n: 0, tokens: 0, negLog2P: 0, fLogQ: 0, cLogQ: 0, fCLogC: 0, cCLogC: 0 };
    try {
      await this.redis.hset(k.meta, { ...zero, epoch: randomUUID() });
      await this.redis.expire(k.meta, TTL_SECONDS);
    } catch (error) {
      this.away(error); // the first COUNT creates them, marked for a rebuild
    }
  }

  accepted(round: RedisRound, samples: AcceptedSample[]): void {
    const st = this.state(round);
    st.pending.push(...samples);
    if (st.pending.length > MAX_PENDING) {
      st.pending = [];
      st.dropped = true;
    }
  }

  /** Counts this process's new samples into the shared counters; keeps them for the next tick if that fails. */
  private async flush(round: RedisRound): Promise<void> {
    const st = this.state(round);
    if (st.dropped) {
      // a new epoch too, so that a rebuild already under way cannot mark these counters complete
      await this.redis.hset(roundKeys(round.id).meta, { incomplete: 1, epoch: randomUUID() });
      st.dropped = false;
    }
    // only what is pending now: samples accepted meanwhile wait for the next tick (chasing them could
    // hold this tick for as long as students keep sending)
    let left = st.pending.length;
    while (left > 0) {
      const batch = st.pending.slice(0, Math.min(CHUNK, left));
      await countSamples(this.redis, round, batch); // throws while Redis is away: the batch stays pending
      st.pending.splice(0, batch.length);
      left -= batch.length;
    }
  }

  private async read(round: RedisRound): Promise<{ counters: RoundCounters; complete: boolean } | null> {
    const r = await readCounters(this.redis, round.id);
    this.warned = false;
    return r;
  }

  /** Starts a rebuild in the background (ticks go on meanwhile); at most one per round in this process. */
  private startRebuild(round: RedisRound): void {
    const st = this.state(round);
    st.rebuilding ??= rebuildCounters(this.redis, this.repo, round, this.log)
      .catch((error: unknown) => this.away(error))
      .finally(() => (st.rebuilding = undefined));
  }

  async view(round: RedisRound, now: number): Promise<RoundView> {
    const st = this.state(round);
    let c = st.last ?? round.aggregator.emptyCopy().counters();
    let hist: string[] = [];
    try {
      await this.flush(round);
      const r = await this.read(round);
      if (r?.complete) c = st.last = r.counters;
      hist = await this.redis.lrange(roundKeys(round.id).hist, 0, -1);
    } catch (error) {
      this.away(error); // a snapshot while Redis is away shows the last statistics this process saw
    }
    const rate = st.rate.perSecond(now);
    return {
      stats: (w) => buildStats(c, round.aggregator.theory, w, rate),
      history: hist.map((h) => JSON.parse(h) as KlPoint),
    };
  }

  async tick(round: RedisRound, now: number): Promise<RoundView | null> {
    try {
      return await this.leaderTick(round, now);
    } catch (error) {
      this.away(error);
      return null;
    }
  }

  private async leaderTick(round: RedisRound, now: number): Promise<RoundView | null> {
    const st = this.state(round);
    await this.flush(round);
    const k = roundKeys(round.id);
    const leader = (await this.redis.trLease(k.leader, this.nodeId, this.leaseMs)) === 1;
    if (!leader) {
      st.lastN = -1; // publish at once if this process becomes the leader later
      return null;
    }
    const r = await this.read(round);
    if (!r || !r.complete) {
      // counters lost (Redis restarted) or being rebuilt: publish nothing until they hold every sample
      this.startRebuild(round);
      return null;
    }
    const c = (st.last = r.counters);
    if (now - st.check.at >= RECONCILE_MS) {
      // The database holds every sample exactly once, and counting is idempotent, so the counters can only
      // be behind it: normal while samples are in flight, but not when nothing moved for a whole period
      // (a process died between storing samples and counting them). Then count the database in again.
      const db = await this.repo.countSamples(round.id);
      const stuck = c.n < db && db === st.check.db && c.n === st.check.n;
      st.check = { at: now, db, n: c.n };
      if (stuck) this.startRebuild(round);
      if (c.n > db) this.log?.error(`statistics: round ${round.id} counts ${c.n} samples, database ${db}`);
    }
    if (c.n === st.lastN && !round.dirty && now - st.publishedAt < REPUBLISH_MS) return null;
    round.dirty = false;
    st.publishedAt = now;
    if (st.lastN >= 0) st.rate.note(now, c.n - st.lastN);
    st.lastN = c.n;
    if (historyMoved(st.lastHistN, c.n)) {
      await appendHistory(this.redis, round, c);
      st.lastHistN = c.n;
    }
    const rate = st.rate.perSecond(now);
    return { stats: (w) => buildStats(c, round.aggregator.theory, w, rate) };
  }

  /**
   * Counts this process's pending samples into Redis and gives up the round's lease, so another process with the
   * round live publishes at once. False (stay in memory) while Redis cannot take the pending samples.
   */
  async release(round: RedisRound): Promise<boolean> {
    const st = round.redis;
    if (!st) return true;
    try {
      await this.flush(round);
      if (st.pending.length > 0 || st.dropped || st.rebuilding) return false;
      await this.redis.trUnlock(roundKeys(round.id).leader, this.nodeId);
      return true;
    } catch (error) {
      this.away(error);
      return false;
    }
  }

  async close(): Promise<void> {
    // nothing pending is lost: every pending sample is already in the database
  }
}
