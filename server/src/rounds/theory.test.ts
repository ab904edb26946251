import { describe, expect, it } from "vitest";
import { createToyModel, encodeText, nextTokenDistribution, type TheoryView } from "@tokenroom/shared";
import { roundTheory, withModelView } from "./theory.ts";

const toy = createToyModel();
const the = encodeText(toy, "the");
const theory = (temperature: number, topK: number, topP = 1) => {
  const settings = { temperature, topK, topP };
  return roundTheory("r1", toy, the, settings, nextTokenDistribution(toy, the, settings));
};

describe("round theory: the sampler, the model beside it, ties at the cut", () => {
  it("[MS1] no model view when the sampler is the model (T = 1, no cut)", () => {
    const t = theory(1, 0);
    expect(t.model).toBeNull();
    expect(t.cutTie).toBeNull();
    expect(t.top.map((x) => x.token)).toEqual(["mouse", "cheese", "ball", "ate", "the"]);
  });

  it("[MS1] the model's own distribution and entropy beside the sampler's at T = 0.5", () => {
    const t = theory(0.5, 0);
    expect(t.model?.top.map((x) => x.p)).toEqual(theory(1, 0).top.map((x) => x.p));
    expect(t.model?.entropyBits).toBeCloseTo(1.784, 4); // H(0.38, 0.33, 0.25, 0.02, 0.02)
    expect(t.entropyBits).toBeLessThan(t.model!.entropyBits); // T < 1 sharpens the sampler, not the model
  });

  it("[CUT1] top-k 4 after “the” keeps “ate” and drops “the” (both 0.02): “ate” is marked tied", () => {
    const t = theory(1, 4);
    expect(t.cutTie).toEqual({ kept: ["ate"], dropped: ["the"], modelP: expect.closeTo(0.02, 15) as number });
    expect(t.top.filter((x) => x.tied).map((x) => x.token)).toEqual(["ate"]);
    expect(t.model?.support).toBe(5);
    expect(t.support).toBe(4);
  });

  it("[MS1] a stored theory without the model view gets it from the model; a stored one is kept", () => {
    const settings = { temperature: 1, topK: 4, topP: 1 };
    const { model: _model, cutTie: _tie, ...old } = theory(1, 4);
    const old2: TheoryView = { ...old, top: old.top.map(({ tied: _t, ...x }) => x) };
    const filled = withModelView(old2, toy, the, settings);
    expect(filled).toEqual(theory(1, 4));
    expect(withModelView(old2, null, the, settings)).toBe(old2);
    const stored = theory(0.5, 0);
    expect(withModelView(stored, toy, the, settings)).toBe(stored);
  });
});
