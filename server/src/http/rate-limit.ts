/**
 * [L1]–[L7] HTTP side of the limits: `429 Too Many Requests` with `Retry-After` (whole seconds) and the API's
 * error body `{ error: { code: "RATE_LIMITED", message } }`, the message saying what to do next.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ErrorCode } from "@tokenroom/shared";
import { clientAddress, ipKey, type TrustFunction } from "../limits/client-ip.ts";
import { inTime, type LimitName, type Limits, type Refusal } from "../limits/limiter.ts";
import type { Logger } from "../logger.ts";
import { problem } from "./errors.ts";

export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The message of a refusal: `what` is the refused action ("creating sessions"), `per` whose allowance it is. */
export const refusalMessage = (refusal: Refusal, what: string, per = "network address") =>
  `too many requests: ${what} is limited to ${refusal.rate} per ${per}; try again ${inTime(refusal.retryAfterMs)}`;

/** Answers 429 RATE_LIMITED with Retry-After. */
export function tooMany(res: Response, refusal: Refusal, what: string, per?: string): void {
  res.setHeader("Retry-After", String(retryAfterSeconds(refusal.retryAfterMs)));
  problem(res, 429, ErrorCode.RATE_LIMITED, refusalMessage(refusal, what, per));
}

/** The per-IP key of a request, under TRUST_PROXY. */
export const requestIp = (req: Request, trust: TrustFunction) => ipKey(clientAddress(req, trust));

/** Middleware: takes one `name` action from the request's IP, or answers 429. */
export function limitPerIp(
  limits: Limits,
  name: LimitName,
  trust: TrustFunction,
  what: string,
  log: Logger,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    limits.take(name, requestIp(req, trust)).then(
      (refusal) => (refusal ? tooMany(res, refusal, what) : next()),
      (error: unknown) => {
        log.error(`rate limit ${name} failed`, error);
        next(); // a broken limiter must not lock everyone out
      },
    );
  };
}
