/**
 * REST for stored sessions (docs/review.md): the sessions list, the admin list, the review, renaming and
 * deleting. Every call but the lookup carries `Authorization: Bearer <host key or admin token>`.
 */
import {
  REVIEW_LIMITS,
  type SessionLookupResponse,
  type SessionPage,
  type SessionReview,
  type SessionSummary,
} from "@tokenroom/shared";
import { call } from "./http.ts";
import type { ClientResult } from "./socket.ts";

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const sessionPath = (id: string) => `/api/sessions/${encodeURIComponent(id)}`;

/** The summaries the keys open, newest first, and the ids the server does not know (any number of keys). */
export async function lookupSessions(
  keys: readonly { sessionId: string; hostKey: string }[],
): Promise<ClientResult<SessionLookupResponse>> {
  const sessions: SessionSummary[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < keys.length; i += REVIEW_LIMITS.lookupMax) {
    const chunk = keys
      .slice(i, i + REVIEW_LIMITS.lookupMax)
      .map((k) => ({ sessionId: k.sessionId, hostKey: k.hostKey }));
    const r = await call<SessionLookupResponse>("/api/sessions/lookup", {
      method: "POST",
      body: JSON.stringify({ sessions: chunk }),
    });
    if (!r.ok) return r;
    sessions.push(...r.data.sessions);
    unknown.push(...r.data.unknown);
  }
  sessions.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  return { ok: true, data: { sessions, unknown } };
}

export function adminSessions(token: string, cursor: string | null): Promise<ClientResult<SessionPage>> {
  const query = new URLSearchParams({ limit: String(REVIEW_LIMITS.adminPageDefault) });
  if (cursor) query.set("cursor", cursor);
  return call<SessionPage>(`/api/admin/sessions?${query.toString()}`, { headers: bearer(token) });
}

/** The whole review (rounds and the first page of students), or with `studentsCursor` the next page of students only. */
export function getReview(
  id: string,
  secret: string,
  studentsCursor?: string,
): Promise<ClientResult<SessionReview>> {
  const query = new URLSearchParams();
  if (studentsCursor) {
    query.set("studentsCursor", studentsCursor);
    query.set("rounds", "0");
  }
  const qs = query.size ? `?${query.toString()}` : "";
  return call<SessionReview>(`${sessionPath(id)}/review${qs}`, { headers: bearer(secret) });
}

export function renameSession(
  id: string,
  hostKey: string,
  title: string,
): Promise<ClientResult<SessionSummary>> {
  return call<SessionSummary>(sessionPath(id), {
    method: "PATCH",
    headers: bearer(hostKey),
    body: JSON.stringify({ title }),
  });
}

export function deleteSession(id: string, secret: string): Promise<ClientResult<null>> {
  return call<null>(sessionPath(id), { method: "DELETE", headers: bearer(secret) });
}

export type ExportKind = "samples" | "guesses" | "json";

export function exportPath(id: string, kind: ExportKind): string {
  return kind === "json" ? `${sessionPath(id)}/export.json` : `${sessionPath(id)}/export.csv?kind=${kind}`;
}

export const authHeader = bearer;
