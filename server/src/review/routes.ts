/**
 * REST for reviewing, editing, deleting and exporting stored sessions (docs/review.md).
 * Every handler: authenticate (401/403) → validate → query → respond. Errors never carry row data.
 */
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { REVIEW_LIMITS, sessionLookupSchema, sessionTitleSchema } from "@tokenroom/shared";
import type { Logger } from "../logger.ts";
import type { ModelRegistry } from "../models/registry.ts";
import type { Sessions } from "../realtime/sessions.ts";
import { secretMatches } from "../secrets.ts";
import type { SampleWriter } from "../store/sample-writer.ts";
import { deleteSession } from "../store/session-delete.ts";
import type { PrismaClient } from "../generated/prisma/index.js";
import { bearerToken, HttpError, problem, sendHttpError } from "../http/errors.ts";
import { authorize, requireAdmin } from "./auth.ts";
import { type ExportDeps, writeGuessesCsv, writeJsonExport, writeSamplesCsv } from "./export.ts";
import { ExportQueries } from "../store/export-pages.ts";
import { RoundStore } from "../store/rounds.ts";
import { SessionQueries } from "../store/review-sessions.ts";
import { decodeCursor, encodeCursor, sessionReview } from "./session-review.ts";
import { ClientGone, StreamOut } from "./stream-out.ts";

export interface ReviewRouterDeps {
  prisma: PrismaClient;
  models: ModelRegistry;
  /** The live sessions: a deleted or renamed session must leave them too. */
  live: Sessions;
  writer: SampleWriter;
  adminToken: string | undefined;
  log: Logger;
}

const sessionId = z.string().min(1).max(64);
const exportKind = z.enum(["samples", "guesses"]);
const pageQuery = (def: number, max: number) =>
  z.coerce.number().int().min(1).max(max).optional().default(def);

const badRequest = (message: string) => new HttpError(400, "BAD_REQUEST", message);

function cursorOf(value: unknown) {
  const cursor = decodeCursor(typeof value === "string" ? value : undefined);
  if (cursor === "invalid") throw badRequest("that cursor is not one this server gave out");
  return cursor;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? "invalid request");
  return parsed.data;
}

export function reviewRouter(deps: ReviewRouterDeps): Router {
  const sessions = new SessionQueries(deps.prisma);
  const rounds = new RoundStore(deps.prisma);
  const exportDeps: ExportDeps = {
    sessions,
    rounds,
    exports: new ExportQueries(deps.prisma),
    models: deps.models,
  };
  const router = express.Router();

  const route =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response): void => {
      res.setHeader("Cache-Control", "no-store");
      fn(req, res).catch((error: unknown) => fail(res, error));
    };

  function fail(res: Response, error: unknown): void {
    if (error instanceof ClientGone) return;
    if (res.headersSent) {
      // mid-stream: cut the connection so a truncated export never looks complete
      deps.log.error("review: a streamed response failed", error);
      res.destroy();
    } else if (error instanceof HttpError) {
      sendHttpError(res, error);
    } else {
      deps.log.error("review: request failed", error);
      problem(res, 503, "UNAVAILABLE", "the database is not answering");
    }
  }

  /** Authenticates a request for the session in the path; returns its id. */
  async function authorized(req: Request, allowAdmin: boolean): Promise<string> {
    const token = bearerToken(req);
    const id = parse(sessionId, req.params.id);
    authorize(token, token === null ? null : await sessions.auth(id), deps.adminToken, allowAdmin);
    return id;
  }

  router.post(
    "/sessions/lookup",
    express.json({ limit: "64kb" }),
    route(async (req, res) => {
      const body = parse(sessionLookupSchema, req.body ?? {});
      const keys = new Map(body.sessions.map((s) => [s.sessionId, s.hostKey]));
      const opened = (await sessions.authMany([...keys.keys()]))
        .filter((s) => secretMatches(keys.get(s.id) ?? "", s.hostKeyHash))
        .map((s) => s.id);
      const open = new Set(opened);
      res.json({
        sessions: await sessions.summaries(opened),
        unknown: [...keys.keys()].filter((id) => !open.has(id)),
      });
    }),
  );

  router.get(
    "/admin/sessions",
    route(async (req, res) => {
      requireAdmin(bearerToken(req), deps.adminToken);
      const limit = parse(
        pageQuery(REVIEW_LIMITS.adminPageDefault, REVIEW_LIMITS.adminPageMax),
        req.query.limit,
      );
      const page = await sessions.page(cursorOf(req.query.cursor), limit);
      res.json({ sessions: page.sessions, nextCursor: page.next ? encodeCursor(page.next) : null });
    }),
  );

  router.patch(
    "/sessions/:id",
    express.json({ limit: "4kb" }),
    route(async (req, res) => {
      const id = await authorized(req, false);
      const { title } = parse(sessionTitleSchema, req.body ?? {});
      await sessions.setTitle(id, title);
      await deps.live.changed(id);
      res.json(await sessions.summaries([id]).then((s) => s[0]));
    }),
  );

  router.delete(
    "/sessions/:id",
    route(async (req, res) => {
      const id = await authorized(req, true);
      // ended first: its sockets hear session:ended and no write races the delete
      await deps.live
        .endBeforeDelete(id)
        .catch((error: unknown) => deps.log.warn(`ending ${id} before delete: ${String(error)}`));
      await deps.writer.idle();
      const { models } = await deleteSession(deps.prisma, id);
      for (const m of models) deps.models.remove(m);
      deps.live.deleted(id);
      res.status(204).end();
    }),
  );

  router.get(
    "/sessions/:id/review",
    route(async (req, res) => {
      const started = performance.now();
      const id = await authorized(req, true);
      const limit = parse(
        pageQuery(REVIEW_LIMITS.studentsPageDefault, REVIEW_LIMITS.studentsPageMax),
        req.query.studentsLimit,
      );
      const withRounds = parse(z.enum(["0", "1"]).optional().default("1"), req.query.rounds) === "1";
      const review = await sessionReview(
        { sessions, prisma: deps.prisma, models: deps.models },
        id,
        { after: cursorOf(req.query.studentsCursor), limit },
        withRounds,
      );
      if (!review) throw new HttpError(404, "NOT_FOUND", "no such session (it may have been deleted)");
      res.setHeader("Server-Timing", `review;dur=${(performance.now() - started).toFixed(1)}`);
      res.json(review);
    }),
  );

  router.get(
    "/sessions/:id/export.csv",
    route(async (req, res) => {
      const id = await authorized(req, true);
      const kind = parse(exportKind.optional().default("samples"), req.query.kind);
      const summary = await sessions.summary(id);
      if (!summary) throw new HttpError(404, "NOT_FOUND", "no such session (it may have been deleted)");
      res.setHeader("Content-Type", "text/csv; charset=utf-8; header=present");
      res.setHeader("Content-Disposition", `attachment; filename="tokenroom-${summary.code}-${kind}.csv"`);
      res.setHeader("X-Content-Type-Options", "nosniff");
      const out = new StreamOut(res);
      await (kind === "samples" ? writeSamplesCsv : writeGuessesCsv)(out, exportDeps, id);
      out.end();
    }),
  );

  router.get(
    "/sessions/:id/export.json",
    route(async (req, res) => {
      const id = await authorized(req, true);
      const s = await sessions.summary(id);
      if (!s) throw new HttpError(404, "NOT_FOUND", "no such session (it may have been deleted)");
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="tokenroom-${s.code}.json"`);
      res.setHeader("X-Content-Type-Options", "nosniff");
      const out = new StreamOut(res);
      const session = {
        id,
        code: s.code,
        title: s.title,
        locked: s.locked,
        createdAt: s.createdAt,
        endedAt: s.endedAt,
      };
      await writeJsonExport(out, exportDeps, session);
      out.end();
    }),
  );

  return router;
}
