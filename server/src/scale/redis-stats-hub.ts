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
import {
  type AcceptedSample,
  historyMoved,
  KL_HISTORY_MAX,
  RateMeter,
  type RoundAggregator,
  thinHistory,
} from "../rounds/aggregator.ts";
import { buildStats, expectedKlAt, klFromSums, type RoundCounters } from "../rounds/stats.ts";
import type { HubRound, RoundView, StatsHub } from "../rounds/stats-hub.ts";
import type { Repository } from "../store/repository.ts";
import {
  COMPLETE,
  COUNT,
  countKeys,
  LEASE,
  READ,
  roundKeys,
  type RoundKeys,
  TTL_SECONDS,
  UNLOCK,
} from "./redis-scripts.ts";

/** How often the leader compares its counters with the database. */
const RECONCILE_MS = 2_000;
/**
 * The leader publishes unchanged statistics again after this long. A publish reaches the other processes'
 * hosts through Redis pub/sub, and one sent while a process's subscriber is still reconnecting after a
 * Redis restart is lost; without a repeat, a projector on that process would keep an old N until the next
 * sample arrives (at the end of sampling: for good).
 */
const REPUBLISH_MS = 2_000;
/** Samples per COUNT call (and per page read from the database when rebuilding). */
const CHUNK = 2_000;
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

type Counted = [number, number];
type Read = [string[], string[], string[], (string | null)[], number, number];
type Scripted = Redis & {
  trRead(...keys: string[]): Promise<Read>;
  trCount(...keysAndArgs: string[]): Promise<Counted>;
  trComplete(meta: string, epoch: string): Promise<number>;
  trLease(key: string, node: string, ttlMs: number): Promise<number>;
  trUnlock(key: string, owner: string): Promise<number>;
};

/** A flat [field, value, …] reply as an object. */
function pairs(flat: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) o[flat[i]!] = flat[i + 1]!;
  return o;
}

/** One sample as COUNT reads it. */
export const wire = (agg: RoundAggregator, s: AcceptedSample) => [
  s.participantId,
  s.index,
  s.tokens[0]!,
  s.tokens.join(","),
  s.logProb.toPrecision(17),
  agg.firstLog2Q(s.tokens[0]!),
  s.tokens.length,
];

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
    redis.defineCommand("trCount", { numberOfKeys: 8, lua: COUNT });
    redis.defineCommand("trRead", { numberOfKeys: 6, lua: READ });
    redis.defineCommand("trComplete", { numberOfKeys: 1, lua: COMPLETE });
    redis.defineCommand("trLease", { numberOfKeys: 1, lua: LEASE });
    redis.defineCommand("trUnlock", { numberOfKeys: 1, lua: UNLOCK });
    this.redis = redis as Scripted;
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

  private count(round: RedisRound, samples: AcceptedSample[]): Promise<Counted> {
    const json = JSON.stringify(samples.map((s) => wire(round.aggregator, s)));
    return this.redis.trCount(...countKeys(roundKeys(round.id)), json, randomUUID());
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
      await this.count(round, batch); // throws while Redis is away: the batch stays pending
      st.pending.splice(0, batch.length);
      left -= batch.length;
    }
  }

  private async read(round: RedisRound): Promise<{ counters: RoundCounters; complete: boolean } | null> {
    const k = roundKeys(round.id);
    const [metaFlat, firstFlat, top, lps, distinct, contributors] = await this.redis.trRead(
      ...countKeys(k).slice(0, 6),
    );
    this.warned = false;
    const meta = pairs(metaFlat);
    const first = pairs(firstFlat);
    if (meta.n === undefined) return null;
    const topKeys = top.filter((_, i) => i % 2 === 0);
    const n = Number(meta.n);
    const counters: RoundCounters = {
      n,
      tokens: Number(meta.tokens),
      contributors,
      sumNegLog2P: Number(meta.negLog2P),
      first: {
        n,
        sumCLogC: Number(meta.fCLogC),
        sumLogQ: Number(meta.fLogQ),
        counts: Object.entries(first).map(([id, c]) => [Number(id), Number(c)]),
        distinct: Object.keys(first).length,
      },
      completions: {
        n,
        sumCLogC: Number(meta.cCLogC),
        sumLogQ: Number(meta.cLogQ),
        distinct,
        top: topKeys.map((key, i) => ({
          tokens: key.split(",").map(Number),
          count: Number(top[2 * i + 1]),
          logProb: Number(lps[i]),
        })),
      },
    };
    return { counters, complete: meta.incomplete === undefined };
  }

  /**
   * Counts every sample stored in the database into the counters (one process at a time), then marks them
   * complete, unless Redis lost them again meanwhile (another epoch): then the next tick starts over.
   */
  private async rebuild(round: RedisRound, k: RoundKeys): Promise<void> {
    const owner = randomUUID();
    if ((await this.redis.set(k.rebuild, owner, "PX", 15_000, "NX")) !== "OK") return;
    try {
      const started = performance.now();
      let read = 0;
      await this.count(round, []); // recreates the counters (incomplete) if they are gone
      const epoch = await this.redis.hget(k.meta, "epoch");
      let after: { participantId: string; index: number } | null = null;
      for (;;) {
        // Every page is read after the counters were recreated, so each stored sample that COUNT may have
        // missed (stored before Redis lost them) is in the page of its key. A short page is the end: samples
        // stored since are counted by the processes that stored them (chasing them could go on for ever).
        const page = await this.repo.roundSamplesPage(round.id, after, CHUNK);
        read += page.length;
        if (page.length > 0) await this.count(round, page);
        if (page.length < CHUNK) break;
        const last = page[page.length - 1]!;
        after = { participantId: last.participantId, index: last.index };
        await this.redis.pexpire(k.rebuild, 15_000);
      }
      const done = epoch !== null && (await this.redis.trComplete(k.meta, epoch)) === 1;
      const ms = Math.round(performance.now() - started);
      this.log?.info(
        `statistics: round ${round.id} counted from the database (${read} samples, ${ms} ms)${done ? "" : "; Redis lost them again, starting over"}`,
      );
    } finally {
      await this.redis.trUnlock(k.rebuild, owner).catch(() => undefined);
    }
  }

  /** Starts a rebuild in the background (ticks go on meanwhile); at most one per round in this process. */
  private startRebuild(round: RedisRound): void {
    const st = this.state(round);
    st.rebuilding ??= this.rebuild(round, roundKeys(round.id))
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
    if (historyMoved(st.lastHistN, c.n)) await this.recordHistory(round, c);
    const rate = st.rate.perSecond(now);
    return { stats: (w) => buildStats(c, round.aggregator.theory, w, rate) };
  }

  /** Appends a KL-vs-N point when N moved at least 2% since the last one (log-spaced, bounded). */
  private async recordHistory(round: RedisRound, c: RoundCounters): Promise<void> {
    const k = roundKeys(round.id);
    const last = await this.redis.lindex(k.hist, -1);
    const lastN = last ? (JSON.parse(last) as { n: number }).n : 0;
    if (historyMoved(lastN, c.n)) {
      const probs = round.aggregator.theory.probs;
      const point: KlPoint = {
        n: c.n,
        firstKlBits: klFromSums(c.first),
        completionKlBits: klFromSums(c.completions),
        ...(probs ? { expectedKlBits: expectedKlAt(probs, c.n) } : {}),
      };
      const length = await this.redis.rpush(k.hist, JSON.stringify(point));
      await this.redis.expire(k.hist, TTL_SECONDS);
      if (length > KL_HISTORY_MAX) {
        // the same thinning as in memory (rounds/aggregator.ts): the first, the last and every other point
        const kept = thinHistory(await this.redis.lrange(k.hist, 0, -1));
        await this.redis
          .multi()
          .del(k.hist)
          .rpush(k.hist, ...kept)
          .expire(k.hist, TTL_SECONDS)
          .exec();
      }
    }
    this.state(round).lastHistN = c.n;
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
