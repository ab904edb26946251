/**
 * The model beside the sampler (SPEC [MS1], [CUT1]) as the interface shows it: rows in the model's order, each
 * with the sampler's probability (0 when a cut removed the token) and the model's, and the marks of a tie
 * that the cut split. One shape for the projector (a round's TheoryView), the phone's "why this word" (the
 * worker) and the round setup (the host's engine).
 */
import type { TheoryView } from "@tokenroom/shared";

export interface SideView {
  entries: { id: number; label: string; p: number }[];
  otherP: number;
  support: number;
  entropyBits: number;
}

export interface ModelSamplerView {
  sampler: SideView;
  /** The model itself (T = 1, no cut); null when the settings change nothing. */
  model: SideView | null;
  /** A cut between tokens of equal probability: the labels kept and dropped, and their model probability. */
  tie: { kept: string[]; dropped: string[]; modelP: number } | null;
}

export interface PairRow {
  key: number;
  label: string;
  sampler: number;
  model: number | null;
  /** "kept" / "dropped": the token sits in a tie that the cut split. */
  tie: "kept" | "dropped" | null;
}

const side = (v: Pick<TheoryView, "top" | "otherP" | "support" | "entropyBits">): SideView => ({
  entries: v.top.map((t) => ({ id: t.id, label: t.token, p: t.p })),
  otherP: v.otherP,
  support: v.support,
  entropyBits: v.entropyBits,
});

/** A round's theory as the pair; rounds stored before [MS1] have no `model` (shown as the sampler alone). */
export function fromTheory(theory: TheoryView): ModelSamplerView {
  return {
    sampler: side(theory),
    model: theory.model ? side(theory.model) : null,
    tie: theory.cutTie ?? null,
  };
}

/** Rows in the model's order (the sampler keeps a prefix of it), at most `maxRows`. */
export function pairRows(view: ModelSamplerView, maxRows: number): PairRow[] {
  const kept = new Set(view.tie?.kept ?? []);
  const dropped = new Set(view.tie?.dropped ?? []);
  const tie = (label: string) => (kept.has(label) ? "kept" : dropped.has(label) ? "dropped" : null);
  if (!view.model) {
    return view.sampler.entries
      .slice(0, maxRows)
      .map((e) => ({ key: e.id, label: e.label, sampler: e.p, model: null, tie: tie(e.label) }));
  }
  const sampler = new Map(view.sampler.entries.map((e) => [e.id, e.p]));
  return view.model.entries.slice(0, maxRows).map((e) => ({
    key: e.id,
    label: e.label,
    sampler: sampler.get(e.id) ?? 0,
    model: e.p,
    tie: tie(e.label),
  }));
}
