/**
 * A round's counters in Redis, as the statistics hub (redis-stats-hub.ts) uses them: the scripted commands
 * (redis-scripts.ts), counting samples in (COUNT), reading the counters back as RoundCounters, the KL-vs-N
 * history list, and counting every stored sample in again from the database after Redis lost them.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { KlPoint } from "@tokenroom/shared";
import type { Logger } from "../logger.ts";
import {
  type AcceptedSample,
  historyMoved,
  KL_HISTORY_MAX,
  type RoundAggregator,
  thinHistory,
} from "../rounds/aggregator.ts";
import { expectedKlAt, klFromSums, type RoundCounters } from "../rounds/stats.ts";
import type { HubRound } from "../rounds/stats-hub.ts";
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

/** Samples per COUNT call (and per page read from the database when rebuilding). */
export const CHUNK = 2_000;

type Counted = [number, number];
type Read = [string[], string[], string[], (string | null)[], number, number];
export type Scripted = Redis & {
  trRead(...keys: string[]): Promise<Read>;
  trCount(...keysAndArgs: string[]): Promise<Counted>;
  trComplete(meta: string, epoch: string): Promise<number>;
  trLease(key: string, node: string, ttlMs: number): Promise<number>;
  trUnlock(key: string, owner: string): Promise<number>;
};

/** The client with the hub's scripts defined on it (the same client, typed). */
export function scripted(redis: Redis): Scripted {
  redis.defineCommand("trCount", { numberOfKeys: 8, lua: COUNT });
  redis.defineCommand("trRead", { numberOfKeys: 6, lua: READ });
  redis.defineCommand("trComplete", { numberOfKeys: 1, lua: COMPLETE });
  redis.defineCommand("trLease", { numberOfKeys: 1, lua: LEASE });
  redis.defineCommand("trUnlock", { numberOfKeys: 1, lua: UNLOCK });
  return redis as Scripted;
}

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

/** Counts samples into the round's counters (each (participant, index) once; recreates them if gone). */
export function countSamples(redis: Scripted, round: HubRound, samples: AcceptedSample[]): Promise<Counted> {
  const json = JSON.stringify(samples.map((s) => wire(round.aggregator, s)));
  return redis.trCount(...countKeys(roundKeys(round.id)), json, randomUUID());
}

/** The round's counters, and whether they hold every sample; null when Redis has none. */
export async function readCounters(
  redis: Scripted,
  roundId: string,
): Promise<{ counters: RoundCounters; complete: boolean } | null> {
  const k = roundKeys(roundId);
  const [metaFlat, firstFlat, top, lps, distinct, contributors] = await redis.trRead(
    ...countKeys(k).slice(0, 6),
  );
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
export async function rebuildCounters(
  redis: Scripted,
  repo: Repository,
  round: HubRound,
  log: Logger | undefined,
): Promise<void> {
  const k: RoundKeys = roundKeys(round.id);
  const owner = randomUUID();
  if ((await redis.set(k.rebuild, owner, "PX", 15_000, "NX")) !== "OK") return;
  try {
    const started = performance.now();
    let read = 0;
    await countSamples(redis, round, []); // recreates the counters (incomplete) if they are gone
    const epoch = await redis.hget(k.meta, "epoch");
    let after: { participantId: string; index: number } | null = null;
    for (;;) {
      // Every page is read after the counters were recreated, so each stored sample that COUNT may have
      // missed (stored before Redis lost them) is in the page of its key. A short page is the end: samples
      // stored since are counted by the processes that stored them (chasing them could go on for ever).
      const page = await repo.roundSamplesPage(round.id, after, CHUNK);
      read += page.length;
      if (page.length > 0) await countSamples(redis, round, page);
      if (page.length < CHUNK) break;
      const last = page[page.length - 1]!;
      after = { participantId: last.participantId, index: last.index };
      await redis.pexpire(k.rebuild, 15_000);
    }
    const done = epoch !== null && (await redis.trComplete(k.meta, epoch)) === 1;
    const ms = Math.round(performance.now() - started);
    log?.info(
      `statistics: round ${round.id} counted from the database (${read} samples, ${ms} ms)${done ? "" : "; Redis lost them again, starting over"}`,
    );
  } finally {
    await redis.trUnlock(k.rebuild, owner).catch(() => undefined);
  }
}

/** Appends a KL-vs-N point when N moved at least 2% since the last one (log-spaced, bounded). */
export async function appendHistory(redis: Scripted, round: HubRound, c: RoundCounters): Promise<void> {
  const k = roundKeys(round.id);
  const last = await redis.lindex(k.hist, -1);
  const lastN = last ? (JSON.parse(last) as { n: number }).n : 0;
  if (historyMoved(lastN, c.n)) {
    const probs = round.aggregator.theory.probs;
    const point: KlPoint = {
      n: c.n,
      firstKlBits: klFromSums(c.first),
      completionKlBits: klFromSums(c.completions),
      ...(probs ? { expectedKlBits: expectedKlAt(probs, c.n) } : {}),
    };
    const length = await redis.rpush(k.hist, JSON.stringify(point));
    await redis.expire(k.hist, TTL_SECONDS);
    if (length > KL_HISTORY_MAX) {
      // the same thinning as in memory (rounds/aggregator.ts): the first, the last and every other point
      const kept = thinHistory(await redis.lrange(k.hist, 0, -1));
      await redis
        .multi()
        .del(k.hist)
        .rpush(k.hist, ...kept)
        .expire(k.hist, TTL_SECONDS)
        .exec();
    }
  }
}
