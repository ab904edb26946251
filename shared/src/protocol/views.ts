/** What the server sends: snapshots, round info, theory and live statistics. */
import type { RoundMode } from "./schemas.ts";

export interface SessionInfo {
  id: string;
  code: string;
  title: string;
  joinUrl: string;
  locked: boolean;
  ended: boolean;
  createdAt: string;
}

export interface ParticipantInfo {
  id: string;
  nickname: string;
  connected: boolean;
  removed: boolean;
}

export type RoundStatus = "open" | "revealed" | "closed";

export interface RoundInfo {
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
  /** Round seed; a participant's seed is participantSeed(seed, participantId). */
  seed: number;
  status: RoundStatus;
  startedAt: string;
}

/** The exact (theoretical) next-token distribution after the prompt, under the round's settings. */
export interface TheoryView {
  roundId: string;
  /** Most probable first tokens, probability descending (at most 30). */
  top: { id: number; token: string; p: number }[];
  /** Mass of the tokens not in `top`. */
  otherP: number;
  /** Number of tokens with probability > 0. */
  support: number;
  entropyBits: number;
}

export interface KlPoint {
  n: number;
  firstKlBits: number;
  completionKlBits: number;
}

/** Live statistics of a round. Fields that need the theory are null for students before the reveal. */
export interface RoundStats {
  roundId: string;
  n: number;
  tokens: number;
  contributors: number;
  samplesPerSecond: number;
  firstToken: {
    /** Observed first tokens, count descending (at most 30), plus the count of the rest. */
    counts: { id: number; token: string; count: number }[];
    otherCount: number;
    distinct: number;
    klBits: number | null;
    expectedKlBits: number | null;
    entropyBits: number | null;
    crossEntropyBits: number | null;
    perplexity: number | null;
  };
  completions: {
    /** Most frequent whole completions (at most 12) with their chain-rule probability. */
    top: { tokens: number[]; text: string; count: number; p: number | null }[];
    distinct: number;
    klBits: number | null;
    /** Mean of -log2 p(completion) / tokens over the samples. */
    crossEntropyBitsPerToken: number | null;
    perplexityPerToken: number | null;
  };
}

export interface HostSnapshot {
  session: SessionInfo;
  participants: ParticipantInfo[];
  round: RoundInfo | null;
  theory: TheoryView | null;
  stats: RoundStats | null;
  history: KlPoint[];
}

export interface StudentSnapshot {
  session: Pick<SessionInfo, "id" | "code" | "title" | "locked" | "ended">;
  participant: { id: string; nickname: string };
  round: RoundInfo | null;
  /** The next sample index this participant has not used in the current round (resume point). */
  nextIndex: number;
  /** Samples of this participant the server has stored in the current round. */
  acked: number;
  theory: TheoryView | null;
  stats: RoundStats | null;
}

export interface JoinResult {
  participantId: string;
  resumeToken: string;
  snapshot: StudentSnapshot;
}

export type SampleResult =
  | { index: number; status: "accepted" | "duplicate" }
  | { index: number; status: "rejected"; code: string; message: string };

export interface SubmitResult {
  results: SampleResult[];
}

export interface CreateSessionResponse {
  sessionId: string;
  code: string;
  hostKey: string;
  joinUrl: string;
}

export interface ModelSummary {
  id: string;
  name: string;
  description: string;
  hash: string;
  vocabSize: number;
  order: number | null;
  tokenizer: string;
}
