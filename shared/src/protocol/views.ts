/** What the server sends: snapshots, round info, theory and live statistics. */
import type { RoundFields } from "./round.ts";

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

export interface RoundInfo extends RoundFields {
  status: RoundStatus;
  startedAt: string;
  /** [TM1] When the timer runs out, epoch ms on the server's clock (startedAt + timerSeconds), or null. */
  endsAt: number | null;
  /**
   * [TM1] The server's clock (epoch ms) when it built this message: a client estimates the server's clock as
   * `serverNow + (its own now − its now at receipt)`, so the countdown does not depend on the phone's clock.
   */
  serverNow: number;
  /** Guess rounds: the candidate tokens (shuffled; "something else" is implied last); null otherwise. */
  candidates: { id: number; token: string }[] | null;
  /** Guess rounds: "open" until the host locks guesses (or reveals); null otherwise. */
  guessPhase: "open" | "locked" | null;
  /** "Be the model" rounds: which word of which series this round is (0-based `step` of `words`); null otherwise. */
  beModel: { seriesId: string; step: number; words: number } | null;
}

/** A student's own guess and, after the reveal, how it scored. */
export interface GuessResult {
  roundId: string;
  probs: number[];
  /** After the reveal: the truth collapsed onto the candidates + "something else", KL(truth ‖ guess) and points. */
  truth: number[] | null;
  klBits: number | null;
  points: number | null;
  /** "Be the model" rounds, after the reveal: the model's loss on the same word (SPEC [BM3]); `klBits` is the student's loss. */
  modelLossBits?: number | null;
}

export interface LeaderboardEntry {
  participantId: string;
  nickname: string;
  /** Points over the whole session (every revealed guess round). */
  total: number;
  /** Points in this round, if the participant guessed. */
  points: number | null;
  rounds: number;
  /** Competition ranking: ties share a rank (1, 2, 2, 4). */
  rank: number;
}

/** What the host sees of a guess round: progress, and after the reveal the class against the truth. */
export interface GuessSummary {
  roundId: string;
  submitted: number;
  truth: number[] | null;
  averageGuess: number[] | null;
  /** KL(truth ‖ guess) of every guess, for the histogram. */
  scoresBits: number[];
  leaderboard: LeaderboardEntry[];
}

/** One revealed word of a "be the model" series. */
export interface BeModelWord {
  roundId: string;
  step: number;
  /** The candidates in the round's order, then "something else" is implied. */
  candidates: string[];
  trueIndex: number;
  trueToken: string;
  /** The model's probability of each candidate and of the rest ([BM2]); sums to 1. */
  modelProbs: number[];
  modelLossBits: number;
  /** The class's mean loss on this word ([BM5]); null when nobody stands yet. */
  classLossBits: number | null;
  /** How many students answered this word. */
  answered: number;
}

export interface BeModelStanding {
  participantId: string;
  nickname: string;
  /** One loss per revealed word ([BM1], or [BM4] for a skipped word). */
  lossesBits: number[];
  answered: number;
  averageBits: number;
  perplexity: number;
  rank: number;
}

/** What the host sees of a "be the model" series: progress on the current word, the revealed words, the standings. */
export interface BeModelSummary {
  roundId: string;
  seriesId: string;
  step: number;
  words: number;
  /** Answers to the current word so far. */
  submitted: number;
  /** Revealed words of the series, in order (the current one once it is revealed). */
  history: BeModelWord[];
  standings: BeModelStanding[];
  classAverage: { bits: number; perplexity: number } | null;
  modelAverage: { bits: number; perplexity: number } | null;
}

/** A next-token distribution as shown: the most probable tokens, the rest's mass, the support, the entropy. */
export interface DistributionView {
  /** Most probable tokens, probability descending (at most 30). */
  top: { id: number; token: string; p: number }[];
  /** Mass of the tokens not in `top`. */
  otherP: number;
  /** Number of tokens with probability > 0. */
  support: number;
  entropyBits: number;
}

/**
 * The exact next-token distribution after the prompt of the **sampler**: the model under the round's
 * temperature, top-k and top-p (SPEC [D1]). `top[i].tied` marks tokens kept by a cut that split a tie ([CUT1]).
 */
export interface TheoryView extends DistributionView {
  roundId: string;
  top: { id: number; token: string; p: number; tied?: boolean }[];
  /**
   * [MS1] The model's own distribution (T = 1, no cut) when the settings change anything; null when the
   * sampler is the model. Absent in rounds stored before it existed.
   */
  model?: DistributionView | null;
  /** [CUT1] A cut between tokens of equal probability: the dropped tied tokens and that probability (the model's). */
  cutTie?: { kept: string[]; dropped: string[]; modelP: number } | null;
}

export interface KlPoint {
  n: number;
  firstKlBits: number;
  completionKlBits: number;
  /** Exact expected KL of n samples of the first token by chance alone ([EKL2]), for the reference curve. */
  expectedKlBits?: number;
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
    /** Exact expected KL by chance alone at this N ([EKL2]; right for small N too). */
    expectedKlBits: number | null;
    /** The first-order approximation (k − 1) / (2 N ln 2) with k = the theory's support ([EKL1]). */
    expectedKlFirstOrderBits?: number | null;
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
  guess: GuessSummary | null;
  beModel: BeModelSummary | null;
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
  /**
   * The lowest sample index not yet stored for this participant in the current round (resume point): the server
   * takes fresh samples only from here on, in order ([SW1]: indices in [nextIndex, nextIndex + LIMITS.sampleWindow)).
   */
  nextIndex: number;
  /** Samples of this participant the server has stored in the current round. */
  acked: number;
  theory: TheoryView | null;
  stats: RoundStats | null;
  guess: GuessResult | null;
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
  /** n-gram models: what the model was trained on and how well it predicts held-out lines of its corpus. */
  card?: {
    vocabSize: number;
    order: number;
    trainingTokens: number;
    trainingLines: number;
    /** Null when no line was held out (a very short corpus). */
    heldOut: { tokens: number; oov: number; crossEntropyBits: number; perplexity: number } | null;
  };
}
