/**
 * Who may read a stored session: the holder of its host key, or the instance admin (ADMIN_TOKEN).
 * Both arrive as `Authorization: Bearer <secret>` and are compared in constant time.
 * No credentials: 401. Wrong ones: 403. Neither says anything about the session's content.
 */
import { timingSafeEqual } from "node:crypto";
import { HttpError } from "../http/errors.ts";
import { hashSecret, secretMatches } from "../secrets.ts";

export const unauthorized = () =>
  new HttpError(401, "UNAUTHORIZED", "send the session's host key (or the admin token) as a Bearer token");
export const forbidden = () => new HttpError(403, "FORBIDDEN", "this key does not open that session");
export const notFound = () => new HttpError(404, "NOT_FOUND", "no such session (it may have been deleted)");

/** Constant-time comparison of a presented token with the configured admin token (both hashed first). */
export function isAdminToken(token: string, adminToken: string | undefined): boolean {
  if (!adminToken) return false;
  return timingSafeEqual(Buffer.from(hashSecret(token), "hex"), Buffer.from(hashSecret(adminToken), "hex"));
}

export type Grant = "host" | "admin";

export interface SessionAuth {
  hostKeyHash: string;
}

/**
 * Checks a request's token against a session. `session` is null when the id does not exist: that is 404
 * only for a request that carries a token (ids are random UUIDs: existence reveals nothing).
 */
export function authorize(
  token: string | null,
  session: SessionAuth | null,
  adminToken: string | undefined,
  allowAdmin: boolean,
): Grant {
  if (token === null) throw unauthorized();
  const admin = allowAdmin && isAdminToken(token, adminToken);
  if (!session) throw notFound();
  if (admin) return "admin";
  if (secretMatches(token, session.hostKeyHash)) return "host";
  throw forbidden();
}

/** The admin-only endpoints. */
export function requireAdmin(token: string | null, adminToken: string | undefined): void {
  if (token === null) throw unauthorized();
  if (!adminToken) throw new HttpError(403, "FORBIDDEN", "this server has no ADMIN_TOKEN configured");
  if (!isAdminToken(token, adminToken)) throw new HttpError(403, "FORBIDDEN", "wrong admin token");
}
