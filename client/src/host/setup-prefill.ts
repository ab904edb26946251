/**
 * "Run again" from a review: the round's settings handed to the new session's host page through localStorage
 * (`setup:<sessionId>`). The host page reads them as the round setup's first values, then forgets them.
 */
import { decodingOf, type ModelSummary, type ReviewRound } from "@tokenroom/shared";
import { readJson, removeKey, writeJson } from "../lib/storage.ts";
import { clampCandidates, GUESS_CANDIDATES, type SetupValues } from "./setup-values.ts";

const key = (sessionId: string) => `setup:${sessionId}`;

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export function isSetupValues(v: unknown): v is SetupValues {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.modelId === "string" &&
    typeof o.prompt === "string" &&
    isNumber(o.temperature) &&
    isNumber(o.topK) &&
    isNumber(o.topP) &&
    isNumber(o.maxTokens) &&
    (o.mode === "sample" || o.mode === "guess") &&
    typeof o.showClassChart === "boolean" &&
    isNumber(o.guessCandidates)
  );
}

/** The number of candidates of a stored guess round (`{ ids, tokens, truth }`), else the default. */
export function storedCandidateCount(candidates: unknown): number {
  const ids =
    typeof candidates === "object" && candidates !== null ? (candidates as { ids?: unknown }).ids : null;
  return Array.isArray(ids) && ids.length > 0 ? clampCandidates(ids.length) : GUESS_CANDIDATES.default;
}

/** A stored round's settings as the setup form's values. */
export function setupFromRound(round: ReviewRound): SetupValues {
  return {
    modelId: round.modelId,
    prompt: round.prompt,
    ...decodingOf(round),
    maxTokens: round.maxTokens,
    mode: round.mode,
    showClassChart: round.showClassChart,
    hideUntilReveal: round.hideUntilReveal ?? true,
    guessCandidates: storedCandidateCount(round.candidates),
  };
}

/** The values when they name a model this server lists (else the form starts from its defaults). */
export function usablePrefill(
  values: SetupValues | null,
  models: readonly ModelSummary[],
): SetupValues | null {
  return values && models.some((m) => m.id === values.modelId) ? values : null;
}

export const setupPrefill = {
  store: (sessionId: string, values: SetupValues) => writeJson(key(sessionId), values),
  read: (sessionId: string) => readJson(key(sessionId), isSetupValues),
  clear: (sessionId: string) => removeKey(key(sessionId)),
};
