/** The messages between the page and the engine worker (structured-clone friendly, no classes). */
import type { RoundFields } from "@tokenroom/shared";

/**
 * What proves the caller may download a custom model (docs/protocol.md): the session's host, or a participant
 * of a session whose current round uses it. Shipped models need none.
 */
export type ModelCredentials =
  { sessionId: string; hostKey: string } | { participantId: string; resumeToken: string };

export interface ModelRef {
  id: string;
  hash: string;
  /** Sent when the artifact is downloaded (not part of the cache key). */
  auth?: ModelCredentials;
}

/** What the worker needs of a round to reproduce the server's samples. */
export interface RoundSpec extends Pick<
  RoundFields,
  "promptTokens" | "temperature" | "topK" | "topP" | "maxTokens" | "seed"
> {
  model: ModelRef;
}

export interface GeneratedSample {
  index: number;
  tokens: number[];
  /** probs[i] = P(tokens[i] | prompt, tokens before i) under the round's settings. */
  probs: number[];
  labels: string[];
  /** spaceBefore[i]: the model's tokenizer puts a space before labels[i] (never between Chinese characters). */
  spaceBefore?: boolean[];
}

export interface DistributionEntry {
  id: number;
  label: string;
  p: number;
}

export interface DistributionView {
  entries: DistributionEntry[];
  /** Mass of the tokens not listed. */
  otherP: number;
  /** Tokens with probability > 0. */
  support: number;
  entropyBits: number;
}

/** The sampler's distribution at a context, the model's own beside it when they differ, a tie at the cut. */
export interface InspectView {
  sampler: DistributionView;
  model: DistributionView | null;
  tie: { kept: string[]; dropped: string[]; modelP: number } | null;
}

export interface ModelInfo {
  vocabSize: number;
}

export type WorkerRequest =
  | { id: number; type: "load"; model: ModelRef }
  | { id: number; type: "generate"; round: RoundSpec; participantId: string; start: number; count: number }
  | { id: number; type: "distribution"; round: RoundSpec; context: number[]; top: number };

export interface WorkerResults {
  load: ModelInfo;
  generate: GeneratedSample[];
  distribution: InspectView;
}

export type WorkerResponse =
  | { id: number; ok: true; result: WorkerResults[keyof WorkerResults] }
  | { id: number; ok: false; message: string };
