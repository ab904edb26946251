/**
 * Round statistics across server processes. Each process adds the samples it stored to counters in
 * Redis once per tick (one Lua script: atomic, one round trip); one process per round holds a lease
 * and publishes the statistics it reads back. When the lease holder dies the lease expires and another
 * process with the round live takes over. If Redis lost the counters (a restart: it keeps nothing on
 * disk), the leader rebuilds them from the database, which holds every stored sample exactly once.
 */
import type { Redis } from "ioredis";
import type { KlPoint } from "@tokenroom/shared";
import { type AcceptedSample, RateMeter } from "../rounds/aggregator.ts";
import { buildStats, expectedKlAt, klFromSums, type RoundCounters } from "../rounds/stats.ts";
import type { HubRound, RoundView, StatsHub } from "../rounds/stats-hub.ts";
import type { Repository } from "../store/repository.ts";

const TTL_SECONDS = 2 * 24 * 3600;

const FLUSH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local d = cjson.decode(ARGV[1])
local L2 = math.log(2)
local function clogc(c) if c <= 0 then return 0 end return c * math.log(c) / L2 end
local function f(x) return string.format('%.17g', x) end
local fS, cS = 0, 0
for i = 1, #d.f, 2 do
  local k = d.f[i + 1]
  local v = redis.call('HINCRBY', KEYS[2], d.f[i], k)
  fS = fS + clogc(v) - clogc(v - k)
end
for i = 1, #d.c, 3 do
  local key, k = d.c[i], d.c[i + 1]
  local v = redis.call('HINCRBY', KEYS[3], key, k)
  cS = cS + clogc(v) - clogc(v - k)
  if v == k then redis.call('HSET', KEYS[4], key, d.c[i + 2]) end
  redis.call('ZINCRBY', KEYS[5], k, key)
end
redis.call('HINCRBY', KEYS[1], 'n', d.n)
redis.call('HINCRBY', KEYS[1], 'tokens', d.t)
redis.call('HINCRBYFLOAT', KEYS[1], 'negLog2P', f(d.nl))
redis.call('HINCRBYFLOAT', KEYS[1], 'fLogQ', f(d.fq))
redis.call('HINCRBYFLOAT', KEYS[1], 'cLogQ', f(d.cq))
redis.call('HINCRBYFLOAT', KEYS[1], 'fCLogC', f(fS))
redis.call('HINCRBYFLOAT', KEYS[1], 'cCLogC', f(cS))
for i = 1, #d.p do redis.call('SADD', KEYS[6], d.p[i]) end
for i = 2, 6 do redis.call('EXPIRE', KEYS[i], ${TTL_SECONDS}) end
return 1
`;

const LEASE = `
local cur = redis.call('GET', KEYS[1])
if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
`;

interface RedisRound extends HubRound {
  redis?: {
    pending: AcceptedSample[];
    lastN: number;
    rate: RateMeter;
    lastHistN: number;
    /** Last reconciliation with the database: when, and the counts seen. */
    check: { at: number; db: number; n: number };
  };
}

/** How often the leader compares its counters with the database. */
const RECONCILE_MS = 2_000;

const keys = (roundId: string) => {
  const p = `tr:r:{${roundId}}:`;
  return {
    meta: `${p}meta`,
    first: `${p}first`,
    comp: `${p}comp`,
    complp: `${p}complp`,
    top: `${p}top`,
    contrib: `${p}contrib`,
    hist: `${p}hist`,
    leader: `${p}leader`,
    rebuild: `${p}rebuild`,
  };
};

type Scripted = Redis & {
  trFlush(
    k1: string,
    k2: string,
    k3: string,
    k4: string,
    k5: string,
    k6: string,
    delta: string,
  ): Promise<number>;
  trLease(key: string, node: string, ttlMs: number): Promise<number>;
};

export class RedisStatsHub implements StatsHub {
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    private readonly repo: Repository,
    private readonly nodeId: string,
    private readonly leaseMs: number,
  ) {
    redis.defineCommand("trFlush", { numberOfKeys: 6, lua: FLUSH });
    redis.defineCommand("trLease", { numberOfKeys: 1, lua: LEASE });
    this.redis = redis as Scripted;
  }

  private state(round: RedisRound) {
    return (round.redis ??= {
      pending: [],
      lastN: -1,
      rate: new RateMeter(),
      lastHistN: 0,
      check: { at: 0, db: -1, n: -1 },
    });
  }

  async started(round: RedisRound): Promise<void> {
    const k = keys(round.id);
    await this.redis
      .multi()
      .hset(k.meta, { n: 0, tokens: 0, negLog2P: 0, fLogQ: 0, cLogQ: 0, fCLogC: 0, cCLogC: 0 })
      .expire(k.meta, TTL_SECONDS)
      .exec();
  }

  accepted(round: RedisRound, samples: AcceptedSample[]): void {
    this.state(round).pending.push(...samples);
  }

  /** Adds this process's new samples to the shared counters; keeps them for the next tick if Redis is down. */
  private async flush(round: RedisRound): Promise<void> {
    const st = this.state(round);
    if (st.pending.length === 0) return;
    const batch = st.pending;
    st.pending = [];
    const agg = round.aggregator;
    const first = new Map<number, number>();
    const comp = new Map<string, { k: number; lp: number }>();
    let tokens = 0,
      nl = 0,
      fq = 0,
      cq = 0;
    for (const s of batch) {
      const t0 = s.tokens[0]!;
      first.set(t0, (first.get(t0) ?? 0) + 1);
      const key = s.tokens.join(",");
      const c = comp.get(key);
      if (c) c.k++;
      else comp.set(key, { k: 1, lp: s.logProb });
      tokens += s.tokens.length;
      nl += -s.logProb / Math.LN2;
      fq += agg.firstLog2Q(t0);
      cq += s.logProb / Math.LN2;
    }
    const delta = {
      n: batch.length,
      t: tokens,
      nl,
      fq,
      cq,
      f: [...first].flat(),
      c: [...comp].flatMap(([key, { k, lp }]) => [key, k, lp.toPrecision(17)]),
      p: [...new Set(batch.map((s) => s.participantId))],
    };
    const k = keys(round.id);
    try {
      // 0: the counters are gone (Redis restarted); the leader rebuilds them from the database, which has these samples
      await this.redis.trFlush(k.meta, k.first, k.comp, k.complp, k.top, k.contrib, JSON.stringify(delta));
    } catch {
      st.pending = batch.concat(st.pending);
    }
  }

  private async read(round: RedisRound): Promise<RoundCounters | null> {
    const k = keys(round.id);
    const r = await this.redis
      .multi()
      .hgetall(k.meta)
      .hgetall(k.first)
      .zrevrange(k.top, 0, 11, "WITHSCORES")
      .hlen(k.comp)
      .scard(k.contrib)
      .exec();
    if (!r) return null;
    const [meta, first, top, distinct, contributors] = r.map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as [Record<string, string>, Record<string, string>, string[], number, number];
    if (meta.n === undefined) return null;
    const topKeys = top.filter((_, i) => i % 2 === 0);
    const lps = topKeys.length ? await this.redis.hmget(k.complp, ...topKeys) : [];
    const n = Number(meta.n);
    return {
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
  }

  /** Rebuilds the round's counters from the database (one process at a time). */
  private async rebuild(round: RedisRound): Promise<void> {
    const k = keys(round.id);
    if ((await this.redis.set(k.rebuild, this.nodeId, "PX", 30_000, "NX")) !== "OK") return;
    try {
      const agg = round.aggregator.emptyCopy();
      const logProbs = new Map<string, number>();
      for (const s of await this.repo.roundSamples(round.id)) {
        agg.add({ participantId: s.participantId, tokens: s.tokens, logProb: s.logProb });
        logProbs.set(s.tokens.join(","), s.logProb);
      }
      const c = agg.counters();
      const m = this.redis.multi().del(k.meta, k.first, k.comp, k.complp, k.top, k.contrib);
      const counts = agg.completions.counts;
      if (c.first.counts.length) m.hset(k.first, Object.fromEntries(c.first.counts));
      if (counts.size) {
        m.hset(k.comp, Object.fromEntries(counts));
        m.hset(k.complp, Object.fromEntries([...logProbs].map(([key, lp]) => [key, lp.toPrecision(17)])));
        m.zadd(k.top, ...[...counts].flatMap(([key, count]) => [count, key]));
      }
      const contributors = await this.repo.roundContributors(round.id);
      if (contributors.length) m.sadd(k.contrib, ...contributors);
      m.hset(k.meta, {
        n: c.n,
        tokens: c.tokens,
        negLog2P: c.sumNegLog2P,
        fLogQ: c.first.sumLogQ,
        cLogQ: c.completions.sumLogQ,
        fCLogC: c.first.sumCLogC,
        cCLogC: c.completions.sumCLogC,
      });
      for (const key of [k.meta, k.first, k.comp, k.complp, k.top, k.contrib]) m.expire(key, TTL_SECONDS);
      await m.exec();
    } finally {
      await this.redis.del(k.rebuild);
    }
  }

  private async counters(round: RedisRound): Promise<RoundCounters> {
    let c = await this.read(round);
    if (!c) {
      await this.rebuild(round);
      c = await this.read(round);
    }
    return c ?? round.aggregator.counters();
  }

  async view(round: RedisRound, now: number): Promise<RoundView> {
    await this.flush(round);
    const c = await this.counters(round);
    const hist = await this.redis.lrange(keys(round.id).hist, 0, -1);
    const rate = this.state(round).rate.perSecond(now);
    return {
      stats: (w) => buildStats(c, round.aggregator.theory, w, rate),
      history: hist.map((h) => JSON.parse(h) as KlPoint),
    };
  }

  async tick(round: RedisRound, now: number): Promise<RoundView | null> {
    const st = this.state(round);
    await this.flush(round);
    const k = keys(round.id);
    const leader = (await this.redis.trLease(k.leader, this.nodeId, this.leaseMs)) === 1;
    if (!leader) {
      st.lastN = -1; // publish at once if this process becomes the leader later
      return null;
    }
    let c = await this.counters(round);
    if (now - st.check.at >= RECONCILE_MS) {
      // The database holds every sample exactly once. More counted than stored cannot be right; fewer is
      // normal while samples are in flight, but not when nothing moved for a whole period (counters lost
      // a flush around a Redis restart). Either way: rebuild from the database.
      const db = await this.repo.countSamples(round.id);
      const stuck = c.n < db && db === st.check.db && c.n === st.check.n;
      st.check = { at: now, db, n: c.n };
      if (c.n > db || stuck) {
        await this.redis.del(k.meta);
        await this.rebuild(round);
        c = await this.counters(round);
      }
    }
    if (c.n === st.lastN && !round.dirty) return null;
    round.dirty = false;
    if (st.lastN >= 0) st.rate.note(now, c.n - st.lastN);
    st.lastN = c.n;
    if (c.n > 0 && c.n >= st.lastHistN * 1.02 && c.n !== st.lastHistN) {
      const last = await this.redis.lindex(k.hist, -1);
      const lastN = last ? (JSON.parse(last) as { n: number }).n : 0;
      if (c.n >= lastN * 1.02 && c.n !== lastN) {
        await this.redis
          .multi()
          .rpush(
            k.hist,
            JSON.stringify({
              n: c.n,
              firstKlBits: klFromSums(c.first),
              completionKlBits: klFromSums(c.completions),
              ...(round.aggregator.theory.probs
                ? { expectedKlBits: expectedKlAt(round.aggregator.theory.probs, c.n) }
                : {}),
            }),
          )
          .ltrim(k.hist, -1000, -1)
          .expire(k.hist, TTL_SECONDS)
          .exec();
      }
      st.lastHistN = c.n;
    }
    const rate = st.rate.perSecond(now);
    return { stats: (w) => buildStats(c, round.aggregator.theory, w, rate) };
  }

  async close(): Promise<void> {
    // nothing pending is lost: every pending sample is already in the database
  }
}
