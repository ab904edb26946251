import { describe, expect, it } from "vitest";
import { compareCatalogues, leaves, variables } from "./compare.ts";
import { en } from "./en.ts";
import { detectLanguage } from "./languages.ts";
import { zh } from "./zh.ts";

describe("the catalogues", () => {
  it("have the same keys and the same interpolation variables in English and Chinese", () => {
    expect(compareCatalogues(en, zh, ["en", "zh"])).toEqual([]);
  });

  it("pair every plural: _one with _other", () => {
    for (const key of leaves(en).keys()) {
      if (key.endsWith("_one")) expect(leaves(en).has(key.replace(/_one$/, "_other")), key).toBe(true);
    }
  });

  it("translate the interface: no Chinese string is left in English", () => {
    // strings that may stay the same: names, symbols, formulas, and settings written as code
    const same =
      /^(app\.name|student\.sampleNumber|legend\.bin[1-3]|setup\.top[KP]|live\.(temperature|topK|topP)|card\.missing)$/;
    const untranslated = [...leaves(en)]
      .filter(([key, text]) => !same.test(key) && leaves(zh).get(key) === text)
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
  });
});

describe("the comparison", () => {
  it("finds a key missing from either side, deep in the tree", () => {
    expect(compareCatalogues({ a: { b: "x", c: "y" } }, { a: { b: "x" } }, ["en", "zh"])).toEqual([
      "a.c: missing from zh",
    ]);
    expect(compareCatalogues({ a: "x" }, { a: "x", d: { e: "z" } }, ["en", "zh"])).toEqual([
      "d.e: missing from en",
    ]);
  });

  it("finds differing interpolation variables, ignoring their formats", () => {
    expect(variables("{{count, number}} of {{ total }}, {{count}}")).toEqual(["count", "total"]);
    expect(compareCatalogues({ k: "{{count}} samples" }, { k: "{{count, number}} 个样本" })).toEqual([]);
    expect(compareCatalogues({ k: "Room {{code}}" }, { k: "房间 {{room}}" })).toEqual([
      "k: variables {code} in a but {room} in b",
    ]);
  });
});

describe("language detection", () => {
  it("takes the first of the browser's languages that the app has", () => {
    expect(detectLanguage(["zh-CN", "en-US"])).toBe("zh");
    expect(detectLanguage(["zh-Hant-TW"])).toBe("zh");
    expect(detectLanguage(["zh"])).toBe("zh");
    expect(detectLanguage(["en-GB", "zh-CN"])).toBe("en");
    expect(detectLanguage(["fr-FR", "zh_CN"])).toBe("zh");
    expect(detectLanguage(["fr-FR", "de"])).toBe("en");
    expect(detectLanguage([])).toBe("en");
  });
});
