/**
 * [H1] Every error of the HTTP API answers `{ error: { code, message } }` as JSON: never Express's HTML error
 * page, a stack trace or an install path. Bad percent-encoding, malformed or oversized bodies get their 4xx;
 * anything else is logged here and answers 500 INTERNAL.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ErrorCode, type HttpErrorCode } from "@tokenroom/shared";
import type { Logger } from "../logger.ts";

/** An error a route throws to answer `status` with `{ error: { code, message } }` (sent by sendHttpError). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The one way an HTTP error is answered: `status` with `{ error: { code, message } }`. A 401 also names the
 * scheme the API takes (`WWW-Authenticate: Bearer`).
 */
export function problem(res: Response, status: number, code: HttpErrorCode, message: string): void {
  if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="tokenroom"');
  res.status(status).json({ error: { code, message } });
}

/** Answers a thrown HttpError. */
export const sendHttpError = (res: Response, error: HttpError): void =>
  problem(res, error.status, error.code, error.message);

/** The token of `Authorization: Bearer <token>` (up to 512 characters), or null when there is none. */
export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer[ ]+(\S{1,512})\s*$/i.exec(header);
  return match?.[1] ?? null;
}

interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
}

/** The status and client-facing message of an error Express or body-parser raised, or null when it is ours to log. */
export function clientError(error: unknown): { status: number; message: string } | null {
  if (error instanceof URIError)
    return { status: 400, message: "the URL is not valid percent-encoding (UTF-8); check the link" };
  const e = (error ?? {}) as HttpLikeError;
  const status =
    typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : 0;
  if (status < 400 || status >= 500) return null;
  switch (e.type) {
    case "entity.parse.failed":
      return { status, message: "the body is not valid JSON" };
    case "entity.too.large":
      return { status, message: "the body is too large" };
    case "encoding.unsupported":
    case "charset.unsupported":
      return { status, message: "send the body as UTF-8 JSON" };
    default:
      return { status, message: "the request could not be read" };
  }
}

/** The last error handler: client errors answer their 4xx, everything else is logged and answers 500. */
export function apiErrorHandler(log: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error); // Express closes the connection; nothing else can be said
    const known = clientError(error);
    if (known) return problem(res, known.status, ErrorCode.BAD_REQUEST, known.message);
    log.error(`${req.method} ${req.path} failed`, error);
    problem(res, 500, ErrorCode.INTERNAL, "something went wrong on the server; try again in a moment");
  };
}

/** Unknown routes: JSON 404 under /api, a short plain-text 404 elsewhere. */
export const notFound: RequestHandler = (req, res) => {
  if (req.path.startsWith("/api/") || req.path === "/api")
    return problem(res, 404, ErrorCode.NOT_FOUND, "no such API route");
  res.status(404).type("text/plain").send("not found");
};
