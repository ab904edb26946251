/** REST: create sessions, health, room lookup. (Models: model-routes.ts and train-routes.ts.) */
import express, { type Request, type Response, type Router } from "express";
import { createSessionSchema, roomCodeSchema } from "@tokenroom/shared";
import { ServiceError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { ModelRegistry } from "../models/registry.ts";
import type { SessionService } from "../realtime/session-service.ts";
import type { Database } from "../store/database.ts";

export interface RouteDeps {
  sessions: SessionService;
  models: ModelRegistry;
  log: Logger;
}

const problem = (res: Response, status: number, code: string, message: string) =>
  res.status(status).json({ error: { code, message } });

export function apiRouter({ sessions, log }: RouteDeps): Router {
  const router = express.Router();
  router.use(express.json({ limit: "16kb" }));

  router.post("/sessions", (req: Request, res: Response) => {
    const parsed = createSessionSchema.safeParse(req.body ?? {});
    if (!parsed.success)
      return void problem(res, 400, "BAD_REQUEST", parsed.error.issues[0]?.message ?? "invalid body");
    sessions.createSession(parsed.data.title).then(
      (created) => res.status(201).json(created),
      (error: unknown) => {
        log.error("POST /api/sessions failed", error);
        problem(res, 503, "UNAVAILABLE", "could not create the session; is the database reachable?");
      },
    );
  });

  router.get("/rooms/:code", (req: Request, res: Response) => {
    const code = roomCodeSchema.safeParse(req.params.code);
    if (!code.success) return void problem(res, 400, "BAD_REQUEST", "a room code is 6 letters/digits");
    sessions.deps.repo.getSessionByCode(code.data).then(
      (s) => {
        if (!s) return void problem(res, 404, "NOT_FOUND", `no session has the code ${code.data}`);
        res.json({ code: s.code, title: s.title, locked: s.locked, ended: s.endedAt !== null });
      },
      () => problem(res, 503, "UNAVAILABLE", "the database is not answering"),
    );
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
