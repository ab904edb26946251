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
} as const;
