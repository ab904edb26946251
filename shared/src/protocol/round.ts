/**
 * The one shape of a round: what the host fixed at `round:start` and what the server drew for it. Every other
 * shape is cut from it with Pick/Omit: `RoundInfo` (sent live), `ReviewRound` (reviewed), the server's stored
 * row, the client's round setup values and the sampling worker's round spec.
 */
import type { DecodingSettings } from "../engine/types.ts";
import type { RoundMode } from "./schemas.ts";

export interface RoundFields {
  id: string;
  seq: number;
  modelId: string;
  modelHash: string;
  prompt: string;
  promptTokens: number[];
  temperature: number;
  topK: number;
  topP: number;
  maxTokens: number;
  mode: RoundMode;
  showClassChart: boolean;
  /** [RV1] The exact distribution is shown only after the reveal (projector and phone dialogs). */
  hideUntilReveal: boolean;
  /** [TM1] The round's timer in seconds, or null (no timer). */
  timerSeconds: number | null;
  /** Round seed; a participant's seed is participantSeed(seed, participantId). */
  seed: number;
}

/** A round's decoding settings (temperature, top-k, top-p), as the engine's Decoder takes them. */
export function decodingOf(round: DecodingSettings): DecodingSettings {
  return { temperature: round.temperature, topK: round.topK, topP: round.topP };
}
