/** REST: create sessions, health, room lookup. (Models: model-routes.ts and train-routes.ts.) */
import express, { type Request, type Response, type Router } from "express";
import { createSessionSchema, roomCodeSchema } from "@tokenroom/shared";
import { ServiceError } from "../errors.ts";
import type { TrustFunction } from "../limits/client-ip.ts";
import type { Limits } from "../limits/limiter.ts";
import type { Logger } from "../logger.ts";
import type { ModelRegistry } from "../models/registry.ts";
import type { Sessions } from "../realtime/sessions.ts";
import type { Database } from "../store/database.ts";
import { problem } from "./errors.ts";
import { limitPerIp, requestIp, tooMany } from "./rate-limit.ts";

export interface RouteDeps {
  sessions: Sessions;
  models: ModelRegistry;
  log: Logger;
  limits: Limits;
  trust: TrustFunction;
}

export function apiRouter({ sessions, log, limits, trust }: RouteDeps): Router {
  const router = express.Router();
  router.use(express.json({ limit: "16kb" }));

  // [L1] anyone may create a session, but not thousands
  const sessionLimit = limitPerIp(limits, "sessionsPerIp", trust, "creating sessions", log);
  router.post("/sessions", sessionLimit, (req: Request, res: Response) => {
    const parsed = createSessionSchema.safeParse(req.body ?? {});
    if (!parsed.success)
      return void problem(res, 400, "BAD_REQUEST", parsed.error.issues[0]?.message ?? "invalid body");
    sessions.create(parsed.data.title).then(
      (created) => res.status(201).json(created),
      (error: unknown) => {
        log.error("POST /api/sessions failed", error);
        problem(res, 503, "UNAVAILABLE", "could not create the session; is the database reachable?");
      },
    );
  });

  // [L2] every lookup counts per IP; a code that is not found is also a failed join of that IP (taken before
  // the lookup, given back when the room exists), so codes cannot be enumerated
  const lookupLimit = limitPerIp(limits, "roomLookupsPerIp", trust, "looking up rooms", log);
  router.get("/rooms/:code", lookupLimit, (req: Request, res: Response) => {
    const code = roomCodeSchema.safeParse(req.params.code);
    if (!code.success) return void problem(res, 400, "BAD_REQUEST", "a room code is 6 letters/digits");
    const ip = requestIp(req, trust);
    const lookup = async () => {
      const refusal = await limits.take("failedJoinsPerIp", ip);
      if (refusal) return tooMany(res, refusal, "trying room codes that do not exist");
      const room = await sessions.byCode(code.data);
      if (!room) return void problem(res, 404, "NOT_FOUND", `no session has the code ${code.data}`);
      await limits.giveBack("failedJoinsPerIp", ip);
      res.json(room);
    };
    lookup().catch((error: unknown) => {
      log.error("GET /api/rooms/:code failed", error);
      if (!res.headersSent) problem(res, 503, "UNAVAILABLE", "the database is not answering");
    });
  });

  router.use((_req, res) => void problem(res, 404, "NOT_FOUND", "no such API route"));
  return router;
}

export function healthRoute(db: Database, node: string | undefined) {
  return (_req: Request, res: Response) => {
    void db
      .ping()
      .then((up) =>
        res.status(up ? 200 : 503).json({ ok: up, database: db.kind, ...(node ? { node } : {}) }),
      );
  };
}

export { ServiceError };
