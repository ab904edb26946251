/**
 * The application factory: express + socket.io on one HTTP server, wired to the services.
 * `index.ts` only reads the environment and listens; tests boot this on port 0.
 */
import { createServer, type Server as HttpServer } from "node:http";
import express from "express";
import { Redis } from "ioredis";
import { Server } from "socket.io";
import {
  type ClientToServerEvents,
  ErrorCode,
  handshakeSchema,
  LIMITS,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
} from "@tokenroom/shared";
import { type Clock, systemClock } from "./clock.ts";
import { defaultLimits, defaultPublicUrl, type ServerConfig } from "./config.ts";
import { apiErrorHandler, notFound } from "./http/errors.ts";
import { memoryRoute } from "./http/memory-route.ts";
import { modelRouter } from "./http/model-routes.ts";
import { apiRouter, healthRoute } from "./http/routes.ts";
import { eventLoopDebugEnabled, eventLoopDebugRoute } from "./http/event-loop-debug.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { trainRouter } from "./http/train-routes.ts";
import { type TrustProxy, trustFunction } from "./limits/client-ip.ts";
import { type LimitsConfig, Limits } from "./limits/limiter.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { ModelRegistry } from "./models/registry.ts";
import { type Broadcaster, roomOf, rooms, roomsOf } from "./realtime/broadcaster.ts";
import { originAllowed } from "./realtime/origin.ts";
import { registerHandlers, type SocketData } from "./realtime/handlers.ts";
import { reviewRouter } from "./review/routes.ts";
import { SampleService } from "./realtime/sample-service.ts";
import { Trainer } from "./models/trainer.ts";
import { BeModelService } from "./realtime/be-model-service.ts";
import { DecoderWarmup } from "./realtime/decoder-warmup.ts";
import { GuessService } from "./realtime/guess-service.ts";
import { SocketLimits } from "./realtime/socket-limits.ts";
import { createLiveLayer, type LiveLayer } from "./realtime/live-layer.ts";
import { sweepIntervalMs } from "./realtime/live-memory.ts";
import { noSync } from "./realtime/sync-bus.ts";
import { LocalStatsHub } from "./rounds/stats-hub.ts";
import { setupScale } from "./scale/index.ts";
import type { Database } from "./store/database.ts";
import { Repository } from "./store/repository.ts";
import { scheduleRetention } from "./store/retention.ts";
import { DEFAULT_GROUP_COMMIT_MS, SampleWriter } from "./store/sample-writer.ts";

export interface AppComponents {
  db: Database;
  models: ModelRegistry;
  config: Pick<
    ServerConfig,
    "publicUrl" | "verifyFraction" | "statsIntervalMs" | "sampleRatePerSecond" | "sampleBurst"
  > & {
    redisUrl?: string | undefined;
    /** ADMIN_TOKEN: opens every stored session for review, export and deletion. */
    adminToken?: string;
    /** ALLOWED_ORIGINS: browser origins besides this server's own that may open sockets. */
    allowedOrigins?: string[];
    /** TRUST_PROXY (default: none; the peer address is the client's). */
    trustProxy?: TrustProxy;
    /** [L1]–[L7] (default: the defaults of an empty environment, config.ts). */
    limits?: LimitsConfig;
    /** SESSION_IDLE_MINUTES (default 120): idle live sessions leave memory (realtime/live-memory.ts). */
    sessionIdleMinutes?: number;
    /** RETENTION_DAYS: ended sessions older than this are deleted daily (store/retention.ts); unset or 0: never. */
    retentionDays?: number;
    /** [FAN1] STATS_FANOUT_SOCKETS (default 250): a larger class's phones hear the statistics in turns. */
    statsFanoutSockets?: number;
    /** SAMPLE_GROUP_COMMIT_MS (default 20): under load, one sample INSERT starts at most this often. */
    sampleGroupCommitMs?: number;
    /** [WARM1] DECODER_WARMUP_TOKENS (default here 0, off: the server's config turns it on, 24,000). */
    decoderWarmupTokens?: number;
  };
  clock?: Clock;
  log?: Logger;
  /** Serves the built web app (client/dist) when given. */
  staticDir?: string;
  /** Extra express setup (the client's dev middleware, static files). */
  mountClient?: (app: express.Express) => void;
}

export interface Application {
  httpServer: HttpServer;
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  /** The live layer's rooms: sessions, participants, rounds, ticker (realtime/live-layer.ts). */
  realtime: LiveLayer;
  writer: SampleWriter;
  /** [L1]–[L7] The rate limits (shared through Redis when REDIS_URL is set). */
  limits: Limits;
  /** Stops timers, closes sockets and the HTTP server (the database is the caller's). */
  close(): Promise<void>;
}

export function createApplication(c: AppComponents): Application {
  const clock = c.clock ?? systemClock;
  const log = c.log ?? createLogger();
  const app = express();
  app.disable("x-powered-by");
  const trust = trustFunction(c.config.trustProxy ?? false);
  app.set("trust proxy", trust); // req.ip and req.protocol agree with the limits' client address
  app.use(securityHeaders());
  const httpServer = createServer(app);
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(
    httpServer,
    {
      maxHttpBufferSize: LIMITS.maxMessageBytes,
      serveClient: false,
      cors: { origin: false },
      // [H3] a browser page on another site may not open a socket here
      allowRequest: (req, callback) =>
        callback(null, originAllowed(req, c.config.publicUrl, c.config.allowedOrigins ?? [])),
    },
  );

  const publicUrl = () => c.config.publicUrl ?? defaultPublicUrl(httpServer.address());

  const broadcaster: Broadcaster = {
    emit: (to, event, ...args) => void io.to(roomsOf(to)).emit(event, ...args),
    emitVolatile: (to, event, ...args) => void io.to(roomsOf(to)).volatile.emit(event, ...args),
    disconnectParticipant: (participantId) =>
      void io.in(rooms.participant(participantId)).disconnectSockets(true),
    // the adapter's own rooms: this process's sockets only, with or without the Redis adapter
    localSockets: (to) => io.of("/").adapter.rooms.get(roomOf(to))?.size ?? 0,
  };
  // [L1]–[L7] counts shared through Redis when several processes serve the class
  const limitRedis = c.config.redisUrl
    ? new Redis(c.config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : null;
  limitRedis?.on("error", () => undefined); // the limits fall back to memory; scale/ logs Redis outages
  const limits = new Limits(
    c.config.limits ?? defaultLimits(),
    limitRedis ? { kind: "redis", client: limitRedis } : { kind: "memory" },
  );
  const socketLimits = new SocketLimits(limits, trust, log);
  const repo = new Repository(c.db.prisma, c.db.sql);
  const writer = new SampleWriter(repo, undefined, c.config.sampleGroupCommitMs ?? DEFAULT_GROUP_COMMIT_MS);
  const scale = c.config.redisUrl
    ? setupScale(c.config.redisUrl, io, repo, log, c.config.statsIntervalMs)
    : null;
  const stats = scale?.stats ?? new LocalStatsHub();
  const presence = scale
    ? async (sessionId: string) => {
        const sockets = await io.in(rooms.students(sessionId)).fetchSockets();
        return new Set(sockets.map((s) => s.data.participantId).filter((id): id is string => !!id));
      }
    : undefined;
  const guesses = new GuessService(repo);
  // one pool of training workers for custom models and the "be the model" held-out models
  const trainer = new Trainer();
  const realtime = createLiveLayer({
    guesses,
    beModel: new BeModelService(repo, c.models, undefined, trainer),
    repo,
    models: c.models,
    clock,
    broadcaster,
    publicUrl,
    stats,
    sync: scale?.sync ?? noSync,
    presence,
    maxStudents: limits.config.maxStudentsPerSession,
    statsFanoutSockets: c.config.statsFanoutSockets,
    warmup: new DecoderWarmup({ tokens: c.config.decoderWarmupTokens ?? 0 }),
  });
  const { sessions } = realtime;
  scale?.onSync((sessionId, kind) => {
    realtime
      .refresh(sessionId, kind)
      .catch((error: unknown) => log.error(`sync ${kind} of ${sessionId} failed`, error));
  });
  const samples = new SampleService(
    writer,
    stats,
    clock,
    {
      verifyFraction: c.config.verifyFraction,
      ratePerSecond: c.config.sampleRatePerSecond,
      burst: c.config.sampleBurst,
    },
    repo,
  );

  app.get("/healthz", healthRoute(c.db, scale?.nodeId));
  if (eventLoopDebugEnabled()) app.get("/debug/event-loop", eventLoopDebugRoute());
  app.get("/api/admin/memory", memoryRoute(sessions, c.models, c.config.adminToken));
  app.use(
    "/api",
    reviewRouter({
      prisma: c.db.prisma,
      models: c.models,
      live: sessions,
      writer,
      adminToken: c.config.adminToken,
      log,
    }),
  );
  app.use(
    "/api",
    trainRouter({
      prisma: c.db.prisma,
      sql: c.db.sql,
      models: c.models,
      log,
      trainer,
      limits: { limits, trust },
    }),
  );
  app.use(
    "/api",
    modelRouter({ prisma: c.db.prisma, models: c.models, adminToken: c.config.adminToken, log }),
  );
  app.use("/api", apiRouter({ sessions, models: c.models, log, limits, trust }));
  c.mountClient?.(app);
  // [H1] no Express HTML page, stack or path: unknown routes and every error answer JSON
  app.use(notFound);
  app.use(apiErrorHandler(log));

  io.use((socket, next) => {
    const auth = handshakeSchema.safeParse(socket.handshake.auth);
    if (!auth.success || auth.data.protocol !== PROTOCOL_VERSION) {
      const error = new Error(
        `protocol ${PROTOCOL_VERSION} required; reload the page to get the current app`,
      ) as Error & {
        data: unknown;
      };
      error.data = { code: ErrorCode.PROTOCOL_MISMATCH };
      return next(error);
    }
    next();
  });
  socketLimits.install(io);
  io.on("connection", (socket) => registerHandlers(socket, realtime, samples, log, socketLimits));

  const timer = realtime.ticker.start(c.config.statsIntervalMs, log);

  // [MEM1] ended and idle sessions leave memory; they come back from the database on next use
  const idleMs = (c.config.sessionIdleMinutes ?? 120) * 60_000;
  let sweeping = false;
  const sweeper = clock.setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    c.models.trim(); // [MEM2] decoders grew since they were last measured
    sessions
      .evictIdle(idleMs)
      .then((r) => {
        if (r.evicted > 0) log.info(`memory: ${r.evicted} sessions left memory, ${r.live} live`);
      })
      .catch((error: unknown) => log.error("memory sweep failed", error))
      .finally(() => (sweeping = false));
  }, sweepIntervalMs(idleMs));

  // [MEM3] ended sessions past RETENTION_DAYS are deleted, shortly after start and then daily
  const retention = scheduleRetention(
    {
      prisma: c.db.prisma,
      clock,
      days: c.config.retentionDays ?? 0,
      forgetSession: (id) => sessions.forget(id),
      forgetModel: (id) => c.models.remove(id),
    },
    log,
  );

  return {
    httpServer,
    io,
    realtime,
    writer,
    limits,
    async close() {
      timer.cancel();
      sweeper.cancel();
      retention.cancel();
      await writer.idle();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await scale?.close();
      limitRedis?.disconnect();
    },
  };
}
