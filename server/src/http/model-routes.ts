/**
 * GET /api/models, GET /api/models/:id, DELETE /api/models/:id (docs/protocol.md, docs/security.md).
 *
 * Shipped models (the built-in toy and shared/models) are public. A custom model (trained from a host's text,
 * custom-models.ts) is visible only to:
 * - the host of a session that trained it: `Authorization: Bearer <hostKey>` + `X-Session-Id: <sessionId>`
 *   (lists, downloads, deletes it for that session);
 * - a participant of a session while a round of that session that is not closed uses it:
 *   `Authorization: Bearer <resumeToken>` + `X-Participant-Id: <participantId>` (downloads it);
 * - the instance admin: `Authorization: Bearer <ADMIN_TOKEN>` alone (lists, downloads, deletes every one).
 * Anonymous requests see shipped models only. A custom id the caller may not see answers 404 whether or not it
 * exists, so that nobody learns which texts other sessions trained.
 */
import express, { type Request, type Response, type Router } from "express";
import type { PrismaClient } from "../generated/prisma/index.js";
import type { Logger } from "../logger.ts";
import { CUSTOM_ID_PATTERN } from "../models/custom-models.ts";
import type { ListedModel, ModelRegistry } from "../models/registry.ts";
import { sendArtifact } from "./compressed-artifact.ts";
import { isAdminToken } from "../review/auth.ts";
import { bearerToken, HttpError, problem, sendHttpError } from "./errors.ts";
import { secretMatches } from "../secrets.ts";
import { CustomModelStore } from "../store/models.ts";
import { Repository } from "../store/repository.ts";

export interface ModelRouteDeps {
  prisma: PrismaClient;
  models: ModelRegistry;
  adminToken: string | undefined;
  log: Logger;
}

/** Who is asking, from the request's credentials. */
export type ModelViewer =
  | { kind: "anonymous" }
  | { kind: "admin" }
  | { kind: "host"; sessionId: string }
  | { kind: "student"; sessionId: string };

const CREDENTIALS =
  "send Authorization: Bearer <hostKey> with X-Session-Id: <sessionId> (the session's host), " +
  "Authorization: Bearer <resumeToken> with X-Participant-Id: <participantId> (a student), " +
  "or the admin token alone";
const headerId = (value: string | undefined): string | null => {
  const v = value?.trim();
  return v && v.length <= 64 ? v : null;
};

export function modelRouter({ prisma, models, adminToken, log }: ModelRouteDeps): Router {
  const store = new CustomModelStore(prisma);
  const repo = new Repository(prisma);
  const router = express.Router();

  /** The caller: anonymous without Authorization; 403 for credentials that open nothing. */
  async function viewer(req: Request): Promise<ModelViewer> {
    if (req.headers.authorization === undefined) return { kind: "anonymous" };
    const token = bearerToken(req);
    if (token === null) throw new HttpError(401, "UNAUTHORIZED", CREDENTIALS);
    const sessionId = headerId(req.get("x-session-id"));
    const participantId = headerId(req.get("x-participant-id"));
    if (sessionId) {
      const session = await repo.getSession(sessionId);
      if (!session || !secretMatches(token, session.hostKeyHash))
        throw new HttpError(403, "FORBIDDEN", "this key does not open that session; use the host link again");
      return { kind: "host", sessionId: session.id };
    }
    if (participantId) {
      const p = await repo.getParticipant(participantId);
      if (!p || p.removedAt || !secretMatches(token, p.resumeTokenHash))
        throw new HttpError(
          403,
          "FORBIDDEN",
          "this token does not belong to that participant; join the room again",
        );
      return { kind: "student", sessionId: p.sessionId };
    }
    if (isAdminToken(token, adminToken)) return { kind: "admin" };
    throw new HttpError(403, "FORBIDDEN", `a Bearer token alone must be the admin token; ${CREDENTIALS}`);
  }

  async function customIds(who: ModelViewer): Promise<string[]> {
    if (who.kind === "admin") return store.ids();
    if (who.kind === "host") return store.owned(who.sessionId);
    return [];
  }

  async function maySee(who: ModelViewer, id: string): Promise<boolean> {
    if (who.kind === "admin") return true;
    if (who.kind === "host") return store.owns(who.sessionId, id);
    if (who.kind === "student") return store.inOpenRound(who.sessionId, id);
    return false;
  }

  const hidden = (id: string) =>
    new HttpError(
      404,
      "UNKNOWN_MODEL",
      `no model "${id}" for this session: a model trained from a host's text is visible to that session only`,
    );

  const route =
    (name: string, fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response): void => {
      fn(req, res).catch((error: unknown) => {
        if (error instanceof HttpError) return sendHttpError(res, error);
        log.error(`${name} failed`, error);
        problem(res, 503, "UNAVAILABLE", "the database is not answering; try again");
      });
    };

  /** A public model of this process (never a custom one), or undefined; never loads one (a stranger's request). */
  const shipped = (id: string) => {
    const entry = models.cached(id);
    return entry && !entry.summary.custom ? entry : undefined;
  };

  router.get(
    "/models",
    route("GET /api/models", async (req, res) => {
      const who = await viewer(req);
      const listed: ListedModel[] = models.list().filter((m) => !m.custom);
      for (const id of await customIds(who)) {
        const entry = await models.resolve(id);
        if (entry) listed.push(entry.summary);
      }
      // the answer depends on who asks: never from a shared cache
      res.setHeader("Cache-Control", who.kind === "anonymous" ? "no-cache" : "private, no-store");
      res.json(listed);
    }),
  );

  router.get(
    "/models/:id",
    route("GET /api/models/:id", async (req, res) => {
      const id = String(req.params.id);
      let entry = shipped(id);
      const custom = !entry && CUSTOM_ID_PATTERN.test(id);
      if (custom) {
        const who = await viewer(req);
        if (who.kind === "anonymous")
          throw new HttpError(401, "UNAUTHORIZED", `model "${id}": ${CREDENTIALS}`);
        if (!(await maySee(who, id))) throw hidden(id);
        entry = await models.resolve(id);
      }
      if (!entry) throw new HttpError(404, "UNKNOWN_MODEL", `no model "${id}"`);
      if (!entry.artifactJson) throw new HttpError(404, "BUILTIN_MODEL", "this model is built into the app");
      const etag = `"${entry.summary.hash}"`;
      res.setHeader("ETag", etag);
      // a URL that names the hash never changes content; a custom model is never kept by a shared cache
      const scope = custom ? "private" : "public";
      res.setHeader(
        "Cache-Control",
        req.query.v === entry.summary.hash ? `${scope}, max-age=31536000, immutable` : `${scope}, no-cache`,
      );
      if (req.headers["if-none-match"] === etag) return void res.status(304).end();
      await sendArtifact(req, res, entry, entry.artifactJson);
    }),
  );

  router.delete(
    "/models/:id",
    route("DELETE /api/models/:id", async (req, res) => {
      const id = String(req.params.id);
      if (shipped(id))
        throw new HttpError(403, "FORBIDDEN", "shipped models cannot be deleted; only models trained here");
      if (!CUSTOM_ID_PATTERN.test(id)) throw new HttpError(404, "UNKNOWN_MODEL", `no model "${id}"`);
      const who = await viewer(req);
      if (who.kind === "anonymous") throw new HttpError(401, "UNAUTHORIZED", `model "${id}": ${CREDENTIALS}`);
      if (who.kind === "student")
        throw new HttpError(403, "FORBIDDEN", "only the session's host (or the admin) deletes a model");
      let deleted: boolean;
      if (who.kind === "admin") {
        deleted = await store.remove(id);
        if (!deleted) throw new HttpError(404, "UNKNOWN_MODEL", `no model "${id}"`);
      } else {
        const result = await store.disown(id, who.sessionId);
        if (!result.owned) throw hidden(id);
        deleted = result.deleted;
      }
      if (deleted) models.remove(id);
      res.setHeader("Cache-Control", "no-store");
      // storageDeleted: false when another session trained the same text and keeps it
      res.json({ id, storageDeleted: deleted });
    }),
  );

  return router;
}
