/** REST calls: create a session, list models, look a room up. Failures become ClientErrors (`call` is shared with api/review.ts). */
import type { CreateSessionResponse, ModelSummary } from "@tokenroom/shared";
import type { ClientError, ClientResult } from "./socket.ts";
import type { HostAuth } from "./train.ts";

export interface RoomInfo {
  code: string;
  title: string;
  locked: boolean;
  ended: boolean;
}

export async function call<T>(path: string, init?: RequestInit): Promise<ClientResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { "content-type": "application/json", ...init?.headers } });
  } catch {
    return { ok: false, error: { code: "OFFLINE", message: "the server cannot be reached" } };
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // an empty or non-JSON body: handled below
  }
  if (res.ok) return { ok: true, data: body as T };
  const error = (body as { error?: ClientError } | null)?.error;
  return {
    ok: false,
    error: error ?? { code: res.status === 404 ? "NOT_FOUND" : "UNAVAILABLE", message: res.statusText },
  };
}

export const createSession = () =>
  call<CreateSessionResponse>("/api/sessions", { method: "POST", body: "{}" });

/** The shipped models, and with the host's key the models its session trained (anonymously: shipped only). */
export const listModels = (auth?: HostAuth) =>
  call<ModelSummary[]>(
    "/api/models",
    auth
      ? { headers: { authorization: `Bearer ${auth.hostKey}`, "x-session-id": auth.sessionId } }
      : undefined,
  );

export const getRoom = (code: string) => call<RoomInfo>(`/api/rooms/${encodeURIComponent(code)}`);
