/**
 * REDIS_URL set: several server processes share rooms and statistics.
 * - socket.io's Redis adapter (pub/sub) carries room broadcasts between processes. Pub/sub rather than
 *   the streams adapter: broadcasts here are either periodic statistics (the next tick repairs a lost
 *   one) or state changes that every client also gets in its snapshot on (re)connect, and pub/sub adds
 *   no per-message storage in Redis.
 * - A sync channel tells the other processes which session changed (round, lock, participants), and
 *   they reload that part from the database, the source of truth.
 * - Round counters live in Redis with a per-round publishing leader (redis-stats-hub.ts).
 */
import { randomUUID } from "node:crypto";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import type { Server } from "socket.io";
import type { Logger } from "../logger.ts";
import type { SyncBus, SyncKind } from "../realtime/sync-bus.ts";
import type { Repository } from "../store/repository.ts";
import { RedisStatsHub } from "./redis-stats-hub.ts";

const SYNC_CHANNEL = "tokenroom:sync";

export interface Scale {
  nodeId: string;
  stats: RedisStatsHub;
  sync: SyncBus;
  /** Called for changes made by other processes. */
  onSync(handler: (sessionId: string, kind: SyncKind) => void): void;
  close(): Promise<void>;
}

/** Makes every `publish` of this client handle its own rejection (the promise is still returned). */
export function quietPublish(client: Redis): void {
  const publish = client.publish.bind(client);
  const quiet = (channel: string, message: string): Promise<number> => {
    const p = publish(channel, message);
    p.catch(() => undefined);
    return p;
  };
  Object.assign(client, { publish: quiet });
}

export function setupScale(
  redisUrl: string,
  io: Server,
  repo: Repository,
  log: Logger,
  statsIntervalMs: number,
): Scale {
  const nodeId = randomUUID();
  const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false };
  const pub = new Redis(redisUrl, options);
  // The statistics client fails fast while Redis is away (no offline queue, no replay of commands that were
  // in flight when the connection dropped): the hub keeps its samples and tries again next tick, and a replay
  // could never reach Redis in a state it was not written for.
  const cmd = pub.duplicate({ enableOfflineQueue: false, autoResendUnfulfilledCommands: false });
  // subscribers only (re)subscribe: those commands wait for Redis instead of failing (ioredis resubscribes
  // on reconnect by itself), so a Redis that is away at start-up cannot reject them unhandled
  const sub = pub.duplicate({ maxRetriesPerRequest: null });
  const syncSub = pub.duplicate({ maxRetriesPerRequest: null });
  let down = false;
  for (const c of [pub, sub, cmd, syncSub]) {
    c.on("error", (e: Error) => {
      if (!down) log.warn(`redis: ${e.message} (retrying)`);
      down = true;
    });
    c.on("ready", () => {
      if (down) log.info("redis: connected again");
      down = false;
    });
  }
  // The adapter publishes without handling a rejection, and while Redis is away ioredis rejects queued
  // commands (maxRetriesPerRequest): an unhandled rejection would end the process. A lost broadcast is
  // harmless here (statistics come again next tick; state changes reach clients in their snapshots).
  quietPublish(pub);
  io.adapter(createAdapter(pub, sub));

  const handlers: ((sessionId: string, kind: SyncKind) => void)[] = [];
  syncSub
    .subscribe(SYNC_CHANNEL)
    .catch((e: unknown) => log.warn(`redis: sync subscribe failed: ${String(e)}`));
  syncSub.on("message", (_channel: string, message: string) => {
    try {
      const m = JSON.parse(message) as { node: string; sessionId: string; kind: SyncKind };
      if (m.node !== nodeId) for (const h of handlers) h(m.sessionId, m.kind);
    } catch {
      log.warn("redis: ignored a malformed sync message");
    }
  });

  return {
    nodeId,
    stats: new RedisStatsHub(cmd, repo, nodeId, Math.max(2_000, statsIntervalMs * 8), log),
    sync: {
      publish: (sessionId, kind) =>
        void cmd
          .publish(SYNC_CHANNEL, JSON.stringify({ node: nodeId, sessionId, kind }))
          .catch(() => undefined),
    },
    onSync: (h) => void handlers.push(h),
    async close() {
      await Promise.all([pub, sub, cmd, syncSub].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
