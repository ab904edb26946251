/**
 * POST /api/models/train: the host's own text becomes a model. The answer streams NDJSON: progress lines
 * `{stage, progress}`, then `{model}` or `{error: {code, message}}`; a refused request is a plain JSON
 * `{error}` with a 4xx/5xx status. Every way this can end is a TrainOutcome; nothing throws.
 */
import type { ModelSummary } from "@tokenroom/shared";
import { NdjsonError, readNdjson } from "./ndjson.ts";

export type TrainTokenizer = "word" | "char";

export interface TrainRequest {
  text: string;
  tokenizer: TrainTokenizer;
  order: number;
  name?: string;
}

/** What proves the caller hosts a session (the host page has both). */
export interface HostAuth {
  sessionId: string;
  hostKey: string;
}

/**
 * The client's own codes besides the server's: OFFLINE (no answer), CANCELLED (the host cancelled),
 * STREAM_ENDED (the stream stopped before its last line), BAD_RESPONSE (not the protocol above).
 */
export interface TrainError {
  code: string;
  message: string;
}

export type TrainOutcome = { ok: true; model: ModelSummary } | { ok: false; error: TrainError };

export type TrainMessage =
  | { type: "progress"; stage: string; progress: number }
  | { type: "model"; model: ModelSummary }
  | { type: "error"; error: TrainError };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

function asError(v: unknown): TrainError | null {
  if (!isObject(v) || typeof v.code !== "string" || typeof v.message !== "string") return null;
  return { code: v.code, message: v.message };
}

function asModel(v: unknown): ModelSummary | null {
  if (!isObject(v) || typeof v.id !== "string" || typeof v.name !== "string" || typeof v.hash !== "string")
    return null;
  return v as unknown as ModelSummary;
}

/** One line of the stream, or null when it is none of the three kinds. */
export function parseTrainMessage(value: unknown): TrainMessage | null {
  if (!isObject(value)) return null;
  if ("model" in value) {
    const model = asModel(value.model);
    return model ? { type: "model", model } : null;
  }
  if ("error" in value) {
    const error = asError(value.error);
    return error ? { type: "error", error } : null;
  }
  if (
    typeof value.stage === "string" &&
    typeof value.progress === "number" &&
    Number.isFinite(value.progress)
  ) {
    return { type: "progress", stage: value.stage, progress: Math.min(1, Math.max(0, value.progress)) };
  }
  return null;
}

const fail = (code: string, message: string): TrainOutcome => ({ ok: false, error: { code, message } });

async function refusal(res: Response): Promise<TrainOutcome> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: described by the status below
  }
  const error = isObject(body) ? asError(body.error) : null;
  return {
    ok: false,
    error: error ?? { code: "BAD_RESPONSE", message: `HTTP ${res.status} ${res.statusText}`.trim() },
  };
}

export async function trainModel(
  request: TrainRequest,
  auth: HostAuth,
  onProgress: (stage: string, progress: number) => void,
  signal?: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<TrainOutcome> {
  let res: Response;
  try {
    res = await fetchImpl("/api/models/train", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${auth.hostKey}`,
        "x-session-id": auth.sessionId,
      },
      body: JSON.stringify(request),
      signal,
    });
  } catch {
    return signal?.aborted ? fail("CANCELLED", "cancelled") : fail("OFFLINE", "the server cannot be reached");
  }
  if (!res.ok) return refusal(res);
  if (!res.body) return fail("BAD_RESPONSE", "the answer has no body");
  try {
    for await (const value of readNdjson(res.body)) {
      const message = parseTrainMessage(value);
      if (message?.type === "progress") onProgress(message.stage, message.progress);
      else if (message?.type === "model") return { ok: true, model: message.model };
      else if (message?.type === "error") return { ok: false, error: message.error };
    }
  } catch (error) {
    if (signal?.aborted) return fail("CANCELLED", "cancelled");
    if (error instanceof NdjsonError) return fail("BAD_RESPONSE", error.message);
    return fail("STREAM_ENDED", "the connection closed before the model was ready");
  }
  return fail("STREAM_ENDED", "the stream ended before the model was ready");
}
