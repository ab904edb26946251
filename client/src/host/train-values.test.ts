import { describe, expect, it } from "vitest";
import {
  defaultOrder,
  MAX_TEXT_BYTES,
  starterFromText,
  suggestTokenizer,
  utf8Bytes,
} from "./train-values.ts";

describe("training from the host's text", () => {
  it("counts the size limit in UTF-8 bytes (a Chinese character is 3)", () => {
    expect(utf8Bytes("abc")).toBe(3);
    expect(utf8Bytes("今天")).toBe(6);
    expect(MAX_TEXT_BYTES).toBe(2 * 1024 * 1024);
  });

  it("defaults to order 3 for words and 4 for characters", () => {
    expect(defaultOrder("word")).toBe(3);
    expect(defaultOrder("char")).toBe(4);
  });

  it("suggests characters for Chinese text and words for English", () => {
    expect(suggestTokenizer("今天天气很好，我们去公园玩。Tokenroom 很有趣。")).toBe("char");
    expect(suggestTokenizer("Once upon a time there was a little fox.")).toBe("word");
    expect(suggestTokenizer("")).toBe("word");
  });

  it("starts the prompt with the first tokens of the first non-empty line", () => {
    expect(starterFromText("\n\n今天天气很好。\n明天下雨。", "char")).toBe("今天天气");
    expect(starterFromText("Once upon a time, a fox.\nThe end.", "word")).toBe("once upon a");
  });
});
