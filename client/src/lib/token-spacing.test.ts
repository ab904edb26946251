import { charTokenizer, wordTokenizer } from "@tokenroom/shared";
import { describe, expect, it } from "vitest";
import { joinTokens, spacesBefore } from "./token-spacing.ts";

describe("token spacing", () => {
  it("joins Chinese characters without spaces, as the char tokenizer's detokenize does", () => {
    const tokens = charTokenizer.tokenize("今天天气很好，我们去公园。");
    const spaces = spacesBefore(charTokenizer, tokens);
    expect(spaces.every((s) => !s)).toBe(true);
    expect(joinTokens(tokens, spaces)).toBe("今天天气很好，我们去公园。");
  });

  it("keeps English spacing and punctuation rules", () => {
    const tokens = ["once", "upon", "a", "time", ",", "there", "was", '"', "hi", '"', "."];
    const spaces = spacesBefore(wordTokenizer, tokens);
    expect(joinTokens(tokens, spaces)).toBe(wordTokenizer.detokenize(tokens));
    expect(spaces).toEqual([false, true, true, true, false, true, true, true, false, false, false]);
  });

  it("spaces Latin words inside Chinese text only between the words", () => {
    const tokens = charTokenizer.tokenize("我喜欢 machine learning 课");
    expect(joinTokens(tokens, spacesBefore(charTokenizer, tokens))).toBe(charTokenizer.detokenize(tokens));
  });

  it("falls back to single spaces without spacing information", () => {
    expect(joinTokens(["a", "b"])).toBe("a b");
    expect(joinTokens([])).toBe("");
  });
});
