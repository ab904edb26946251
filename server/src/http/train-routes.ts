/**
 * "Train from your own text" (docs/engine.md): POST /api/models/train, host only. Checks → dedupe by id →
 * train in a worker → store → register. The body is read as bytes (a Content-Length over the limit is refused
 * before reading, a stream that passes it as soon as it does) and checked in a training worker (Trainer.check:
 * decode, parse, validate, normalize, id): the event loop never decodes, parses or scans the text. The answer streams NDJSON (`application/x-ndjson`): progress lines
 * `{"stage","progress"}`, then `{"model": summary}` or `{"error": {code, message}}`. Everything that is wrong
 * with the request or the text is a plain JSON error with a 4xx status before the stream starts.
 *
 * The model becomes visible to the caller's session (custom_model_owners), also when the same text was trained
 * before by another session: it is stored once, listed per session (model-routes.ts).
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { HttpErrorCode } from "@tokenroom/shared";
import type { PrismaClient } from "../generated/prisma/index.js";
import type { TrustFunction } from "../limits/client-ip.ts";
import { Concurrency, type Limits } from "../limits/limiter.ts";
import type { Logger } from "../logger.ts";
import {
  customEntry,
  customModelLoader,
  HELD_OUT_EVERY,
  type TrainingInput,
} from "../models/custom-models.ts";
import type { ModelRegistry } from "../models/registry.ts";
import { BODY_MESSAGES, TEXT_MESSAGES, TRAIN_LIMITS } from "../models/text-check.ts";
import { type TrainOutcome, Trainer } from "../models/trainer.ts";
import { secretMatches } from "../secrets.ts";
import { CustomModelStore } from "../store/models.ts";
import type { SqlRunner } from "../store/migrate.ts";
import { Repository } from "../store/repository.ts";
import { bearerToken, problem } from "./errors.ts";
import { requestIp, retryAfterSeconds, tooMany } from "./rate-limit.ts";

export interface TrainRouteDeps {
  prisma: PrismaClient;
  /** The driver without Prisma (Database.sql): a trained artifact is stored through it (CustomModelStore). */
  sql?: SqlRunner;
  models: ModelRegistry;
  log: Logger;
  trainer?: Trainer;
  /** [L5] Trainings per session and per IP (none when absent). */
  limits?: { limits: Limits; trust: TrustFunction };
}

/** [L5] How long a session training a second model at once is told to wait. */
export const TRAINING_BUSY_RETRY_MS = 10_000;

const HOST_ONLY =
  "only a session's host may train models: send Authorization: Bearer <hostKey> and X-Session-Id: <sessionId>";

const describe = ({ tokenizer, order }: Omit<TrainingInput, "text">): string =>
  `A ${tokenizer === "char" ? "character" : "word"}-level ${order}-gram (interpolated Kneser-Ney) ` +
  `trained on text a host provided.`;

type Failure = Exclude<Exclude<TrainOutcome, { ok: true }>["reason"], "cancelled">;
const FAILURE: Record<Failure, [status: number, code: HttpErrorCode]> = {
  rejected: [400, "BAD_REQUEST"],
  busy: [503, "UNAVAILABLE"],
  failed: [500, "INTERNAL"],
};

export function trainRouter({
  prisma,
  sql,
  models,
  log,
  trainer = new Trainer(),
  limits,
}: TrainRouteDeps): Router {
  // [L5] one training at a time per session (per process)
  const training = new Concurrency(1);
  const store = new CustomModelStore(prisma, sql);
  const repo = new Repository(prisma, sql);
  models.setLoader(customModelLoader(store));
  const router = express.Router();

  /** Authorization: Bearer <hostKey> + X-Session-Id, checked before the (large) body is read. */
  const hostOnly = (req: Request, res: Response, next: NextFunction): void => {
    const token = bearerToken(req);
    const sessionId = req.get("x-session-id")?.trim();
    if (!token || !sessionId || sessionId.length > 64) return problem(res, 401, "UNAUTHORIZED", HOST_ONLY);
    repo.getSession(sessionId).then(
      (session) => {
        if (!session || !secretMatches(token, session.hostKeyHash))
          return problem(res, 403, "FORBIDDEN", `${HOST_ONLY} (this key does not open that session)`);
        res.locals.sessionId = session.id;
        next();
      },
      (error: unknown) => {
        log.error("POST /api/models/train: session lookup failed", error);
        problem(res, 503, "UNAVAILABLE", "the database is not answering; try again in a moment");
      },
    );
  };

  router.post(
    "/models/train",
    hostOnly,
    utfCharset,
    // bytes, as express.json would read them (type, size limit, Content-Encoding), but neither decoded nor parsed
    express.raw({ type: "application/json", limit: TRAIN_LIMITS.maxBodyBytes }),
    (req: Request, res: Response) => {
      train(req, res).catch((error: unknown) => {
        log.error("POST /api/models/train failed", error);
        if (!res.headersSent)
          problem(res, 503, "UNAVAILABLE", "the database is not answering; try again in a moment");
        else
          endStream(res, {
            error: { code: "UNAVAILABLE", message: "the model could not be saved; try again" },
          });
      });
    },
  );

  async function train(req: Request, res: Response): Promise<void> {
    const body: unknown = req.body;
    if (!Buffer.isBuffer(body)) return problem(res, 400, "BAD_REQUEST", BODY_MESSAGES.sendJson);
    const left = new AbortController();
    const onClose = () => left.abort();
    res.on("close", onClose);
    const checked = await trainer.check(body, charsetOf(req), left.signal);
    res.off("close", onClose);
    if (!checked.ok) {
      if ("problem" in checked)
        return problem(res, checked.problem.status, "BAD_REQUEST", checked.problem.message);
      if (checked.reason === "cancelled") return;
      if (checked.detail) log.error(`checking a training request failed: ${checked.detail}`);
      return problem(res, 500, "INTERNAL", checked.message);
    }
    const { id, name, tokenizer, order, text } = checked.request;
    const input = { tokenizer, order };
    const sessionId = String(res.locals.sessionId);
    const known = await models.resolve(id);
    if (known) {
      if (await store.own(id, sessionId)) return endStream(startStream(res), { model: known.summary });
      models.remove(id); // deleted meanwhile (by another process): train it again
    }

    // [L5] a model already trained above costs nothing; a new training counts per session and per IP
    const release = training.acquire(sessionId);
    if (!release) {
      res.setHeader("Retry-After", String(retryAfterSeconds(TRAINING_BUSY_RETRY_MS)));
      return problem(
        res,
        429,
        "RATE_LIMITED",
        "this session is already training a model: wait for that one to finish, then try again",
      );
    }
    res.on("close", release);
    if (limits) {
      const bySession = await limits.limits.take("trainingsPerSession", sessionId);
      if (bySession) return tooMany(res, bySession, "training models", "session");
      const byIp = await limits.limits.take("trainingsPerIp", requestIp(req, limits.trust));
      if (byIp) return tooMany(res, byIp, "training models");
    }

    const cancel = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) cancel.abort(); // the client left: stop the worker
    });
    const outcome = await trainer.train(
      { ...input, text, id, name, description: describe(input), heldOutEvery: HELD_OUT_EVERY },
      (event) => {
        if (event.type === "accepted") startStream(res);
        else writeLine(res, { stage: event.stage, progress: event.progress });
      },
      cancel.signal,
    );
    if (!outcome.ok) {
      if (outcome.reason === "cancelled") return;
      if (outcome.detail) log.error(`training ${id} failed: ${outcome.detail}`);
      const [status, code] = FAILURE[outcome.reason];
      if (!res.headersSent) return problem(res, status, code, outcome.message);
      return endStream(res, { error: { code, message: outcome.message } });
    }
    const row = await store.insert({
      id,
      hash: outcome.summary.hash,
      name,
      artifact: outcome.artifactJson,
      createdBySession: sessionId,
    });
    if (!(await store.own(id, sessionId)))
      throw new Error(`custom model ${id} was deleted while it was stored`);
    // a concurrent identical upload may have stored (and registered) it first: keep theirs
    const entry =
      models.cached(id) ??
      models.add(customEntry(row.artifact, row.hash === outcome.summary.hash ? outcome.summary : undefined));
    log.info(`trained custom model ${id} (${entry.summary.vocabSize} words, order ${input.order})`);
    endStream(res, { model: entry.summary });
  }

  // a body over the limit, or not JSON
  router.use("/models/train", (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = error as { type?: unknown; status?: unknown };
    if (typeof e?.status !== "number" || e.status >= 500 || res.headersSent) return next(error);
    if (e.type === "entity.too.large") return problem(res, 413, "BAD_REQUEST", TEXT_MESSAGES.tooLarge);
    problem(res, 400, "BAD_REQUEST", BODY_MESSAGES.notJson);
  });
  return router;
}

/** The charset of a JSON body: its Content-Type's, else UTF-8. */
function charsetOf(req: Request): string {
  return (
    /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.get("content-type") ?? "")?.[1]?.toLowerCase() ?? "utf-8"
  );
}

/** As express.json: a JSON body in a charset that is not UTF-* is refused (as not valid JSON) before it is read. */
function utfCharset(req: Request, res: Response, next: NextFunction): void {
  if (req.is("application/json") && !charsetOf(req).startsWith("utf-"))
    return problem(res, 400, "BAD_REQUEST", BODY_MESSAGES.notJson);
  next();
}

function startStream(res: Response): Response {
  res.status(200);
  res.setHeader("Content-Type", "application/x-ndjson; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Accel-Buffering", "no"); // nginx: pass each line on as it comes
  res.flushHeaders();
  return res;
}

function writeLine(res: Response, value: unknown): void {
  if (!res.writableEnded) res.write(`${JSON.stringify(value)}\n`);
}

function endStream(res: Response, value: unknown): void {
  writeLine(res, value);
  res.end();
}
