/**
 * [L1]–[L7] Limits on what a stranger can do (docs/security.md): named rate limits ("N per window" per key)
 * over rate-limiter-flexible, in memory for one process or in Redis (REDIS_URL) so several processes share one
 * count; plus per-process concurrency counters (sockets per IP, trainings per session).
 *
 * The Redis store falls back to an in-memory limiter of the same rate while Redis is unreachable: a Redis outage
 * loosens limits to per process, it never blocks honest clients.
 */
import type { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import { describeRate, type Rate } from "./rate.ts";

/** Every rate-limited action, with the key it is counted by. */
export const LIMIT_NAMES = [
  "sessionsPerIp",
  "roomLookupsPerIp",
  "failedJoinsPerIp",
  "failedJoinsPerSocket",
  "guessesPerParticipant",
  "trainingsPerSession",
  "trainingsPerIp",
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface LimitsConfig {
  /** null: that limit is off. */
  rates: Record<LimitName, Rate | null>;
  /** Students one session admits ([L3]). */
  maxStudentsPerSession: number;
  /** Open sockets one IP may hold on one process ([L6]). */
  maxSocketsPerIp: number;
}

/** An action refused: how long until it may be tried again. */
export interface Refusal {
  retryAfterMs: number;
  /** The limit in words, e.g. "30 per 10 minutes". */
  rate: string;
}

/** Where a count lives: per process, unless several processes share Redis. */
export type LimitStore = { kind: "memory" } | { kind: "redis"; client: Redis };

export class Limits {
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();

  constructor(
    readonly config: LimitsConfig,
    private readonly store: LimitStore = { kind: "memory" },
  ) {
    for (const name of LIMIT_NAMES) {
      const rate = config.rates[name];
      if (!rate) continue;
      const options = { points: rate.points, duration: rate.seconds, keyPrefix: `tokenroom:limit:${name}` };
      // a socket lives on one process: its count needs no sharing
      const shared = store.kind === "redis" && name !== "failedJoinsPerSocket";
      this.limiters.set(
        name,
        shared
          ? new RateLimiterRedis({
              ...options,
              storeClient: store.client,
              rejectIfRedisNotReady: true,
              insuranceLimiter: new RateLimiterMemory(options),
            })
          : new RateLimiterMemory(options),
      );
    }
  }

  /** Resolves once counts are shared (Redis connected); at once in memory. Until then each process counts alone. */
  shared(): Promise<void> {
    const { store } = this;
    if (store.kind === "memory" || store.client.status === "ready") return Promise.resolve();
    return new Promise((resolve) => store.client.once("ready", () => resolve()));
  }

  /** Takes one action from `key`'s allowance: null when it may go ahead, else the refusal. */
  async take(name: LimitName, key: string): Promise<Refusal | null> {
    const limiter = this.limiters.get(name);
    if (!limiter) return null;
    try {
      await limiter.consume(key);
      return null;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return {
        retryAfterMs: Math.max(1, rejection.msBeforeNext),
        rate: describeRate(this.config.rates[name]!),
      };
    }
  }

  /** Gives back an action taken with `take` (a join that succeeded is not a failed join). */
  async giveBack(name: LimitName, key: string): Promise<void> {
    await this.limiters.get(name)?.reward(key, 1);
  }

  /** Forgets a key (a socket that closed). */
  async forget(name: LimitName, key: string): Promise<void> {
    await this.limiters.get(name)?.delete(key);
  }
}

/** In-process counts of things held open (sockets per IP, trainings per session): acquire, then release once. */
export class Concurrency {
  private readonly held = new Map<string, number>();

  constructor(readonly max: number) {}

  /** A release function when `key` holds fewer than max, else null. */
  acquire(key: string): (() => void) | null {
    const n = this.held.get(key) ?? 0;
    if (n >= this.max) return null;
    this.held.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left <= 0) this.held.delete(key);
      else this.held.set(key, left);
    };
  }

  count(key: string): number {
    return this.held.get(key) ?? 0;
  }
}

/** "in 12 s" / "in 3 min" for messages. */
export function inTime(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 120 ? `in ${s} s` : `in ${Math.ceil(s / 60)} min`;
}
