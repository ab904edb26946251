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
import type { SyncBus, SyncKind } from "../realtime/session-service.ts";
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
  const sub = pub.duplicate();
  const cmd = pub.duplicate();
  const syncSub = pub.duplicate();
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
  io.adapter(createAdapter(pub, sub));

  const handlers: ((sessionId: string, kind: SyncKind) => void)[] = [];
  void syncSub.subscribe(SYNC_CHANNEL);
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
    stats: new RedisStatsHub(cmd, repo, nodeId, Math.max(2_000, statsIntervalMs * 8)),
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
