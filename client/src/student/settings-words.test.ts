import { describe, expect, it } from "vitest";
import i18next from "../i18n/index.ts";
import { describeSettings } from "./settings-words.ts";

const base = { temperature: 1, topK: 0, topP: 1, maxTokens: 5 };
const words = (s: Partial<typeof base>) => describeSettings({ ...base, ...s }, i18next.t);

describe("describeSettings", () => {
  it("names the temperature in words", () => {
    expect(words({ temperature: 0 })[0]).toMatch(/always the most likely/);
    expect(words({ temperature: 0.7 })[0]).toBe(
      "Temperature 0.7: a bit more predictable than the model itself.",
    );
    expect(words({ temperature: 1 })[0]).toMatch(/exactly the model's own/);
    expect(words({ temperature: 2 })[0]).toMatch(/more random than the model/);
  });

  it("describes top-k and top-p, and the length with plurals", () => {
    expect(words({ topK: 3 })).toContain("Only the 3 most likely words can come next (top-k).");
    expect(words({ topP: 0.9 })[1]).toMatch(/90% of the probability/);
    expect(words({ maxTokens: 1 }).at(-1)).toBe("Each completion has up to 1 word.");
  });
});
