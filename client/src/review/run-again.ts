/** "Run again": a new live session whose host page opens with a stored round's settings in its setup. */
import type { ReviewRound } from "@tokenroom/shared";
import { createSession } from "../api/http.ts";
import type { ClientError } from "../api/socket.ts";
import { setupFromRound, setupPrefill } from "../host/setup-prefill.ts";
import { navigate } from "../lib/router.ts";
import { hostCredentials } from "../lib/storage.ts";

/** Creates the session, stores its host key and the round's settings, and opens its host page; null when done. */
export async function runAgain(round: ReviewRound): Promise<ClientError | null> {
  const r = await createSession();
  if (!r.ok) return r.error;
  const { sessionId, hostKey, code } = r.data;
  hostCredentials.set({ sessionId, hostKey, code });
  setupPrefill.store(sessionId, setupFromRound(round));
  navigate(`/host/${encodeURIComponent(sessionId)}`);
  return null;
}
