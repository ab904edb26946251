/**
 * Colours for token probabilities (Okabe-Ito, safe for the common colour-vision deficiencies),
 * from likely (blue) to surprising (vermillion). Each bin has a text colour with AA contrast.
 */

export interface ProbBin {
  /** Lower bound of the bin (inclusive). */
  min: number;
  background: string;
  text: string;
}

export const PROB_BINS: readonly ProbBin[] = [
  { min: 0.5, background: "#0072B2", text: "#FFFFFF" },
  { min: 0.2, background: "#56B4E9", text: "#000000" },
  { min: 0.05, background: "#F0E442", text: "#000000" },
  { min: 0.01, background: "#E69F00", text: "#000000" },
  { min: 0, background: "#D55E00", text: "#000000" },
];

export function probBin(p: number): ProbBin {
  return PROB_BINS.find((b) => p >= b.min) ?? PROB_BINS[PROB_BINS.length - 1]!;
}

/** Series colours of the charts (Okabe-Ito). */
export const SERIES = {
  empirical: "#E69F00",
  theory: "#0072B2",
  firstKl: "#D55E00",
  completionKl: "#009E73",
  reference: "#000000",
  /** KL charts: the exact expected KL by chance ([EKL2]), and its lighter large-N approximation ([EKL1]). */
  expectedKl: "#444444",
  approximateKl: "#888888",
  scores: "#CC79A7",
} as const;

/**
 * Colours of a guess's outcomes (Okabe-Ito, cycled), each with an AA text colour; "something else" is grey.
 * Segments also carry their token as text, so colour is never the only cue.
 */
const OUTCOMES: readonly { background: string; text: string }[] = [
  { background: "#0072B2", text: "#FFFFFF" },
  { background: "#E69F00", text: "#000000" },
  { background: "#009E73", text: "#000000" },
  { background: "#CC79A7", text: "#000000" },
  { background: "#56B4E9", text: "#000000" },
  { background: "#F0E442", text: "#000000" },
  { background: "#D55E00", text: "#000000" },
];
export const SOMETHING_ELSE_COLOR = { background: "#BBBBBB", text: "#000000" } as const;

export function outcomeColor(index: number, outcomes: number): { background: string; text: string } {
  return index === outcomes - 1 ? SOMETHING_ELSE_COLOR : OUTCOMES[index % OUTCOMES.length]!;
}
