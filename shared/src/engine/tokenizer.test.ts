import { describe, expect, it } from "vitest";
import { createRng } from "./prng.ts";
import {
  charTokenizer,
  completionLabel,
  decodeTokens,
  encodeText,
  tokenizerFor,
  tokenLabel,
  wordTokenizer,
} from "./tokenizer.ts";
import { createToyModel } from "./toy.ts";
import type { LanguageModel, Tokenizer } from "./types.ts";

/** A random sequence of `length` tokens from `pool`, driven by a seeded Rng. */
function randomTokens(pool: readonly string[], seed: number, stream: number): string[] {
  const rng = createRng(seed, stream);
  const length = Math.floor(rng.next() * 25);
  return Array.from({ length }, () => pool[Math.floor(rng.next() * pool.length)]!);
}

function fuzzRoundTrip(tokenizer: Tokenizer, pool: readonly string[], seed: number): void {
  for (const token of pool) expect(tokenizer.tokenize(token)).toEqual([token]); // the pool is tokenizable
  for (let i = 0; i < 2000; i++) {
    const tokens = randomTokens(pool, seed, i);
    const text = tokenizer.detokenize(tokens);
    const back = tokenizer.tokenize(text);
    if (JSON.stringify(back) !== JSON.stringify(tokens))
      expect({ text, back }).toEqual({ text, back: tokens });
  }
}

describe("wordTokenizer", () => {
  it("[TOK1] lower-cases, keeps inner apostrophes, splits punctuation, drops whitespace", () => {
    expect(wordTokenizer.tokenize("  Don't touch Lily's BALL!\n(Okay?)  ")).toEqual([
      "don't",
      "touch",
      "lily's",
      "ball",
      "!",
      "(",
      "okay",
      "?",
      ")",
    ]);
    expect(wordTokenizer.tokenize("'quoted' rock'n'roll 3.5 e-mail")).toEqual([
      "'",
      "quoted",
      "'",
      "rock'n'roll",
      "3",
      ".",
      "5",
      "e",
      "-",
      "mail",
    ]);
    expect(wordTokenizer.tokenize("Café naïve Ünïcode 東京")).toEqual(["café", "naïve", "ünïcode", "東京"]);
    expect(wordTokenizer.tokenize("   \t\n")).toEqual([]);
  });

  it("[TOK1] straightens the curly quotes phones type", () => {
    expect(wordTokenizer.tokenize("“Don’t,” she said.")).toEqual([
      '"',
      "don't",
      ",",
      '"',
      "she",
      "said",
      ".",
    ]);
  });

  it("[TOK2] [TOK3] detokenizes canonical lower-case text exactly", () => {
    for (const text of [
      'once upon a time, there was a little girl. "hello!" she said.',
      "she said, \"let's go (now) to lily's house; ok?\" and they went: [quickly] {yes}!",
      '"a" "b" c',
    ]) {
      expect(wordTokenizer.detokenize(wordTokenizer.tokenize(text))).toBe(text);
    }
  });

  it("[TOK3] round-trips any token sequence it can produce (seeded fuzz)", () => {
    const pool = [
      "the",
      "mouse",
      "don't",
      "lily's",
      "3",
      "x",
      "é",
      "東京",
      ".",
      ",",
      "!",
      "?",
      ";",
      ":",
      "'",
      '"',
      "(",
      ")",
      "[",
      "]",
      "{",
      "}",
      "-",
      "…",
      "*",
      "/",
      "🙂",
    ];
    fuzzRoundTrip(wordTokenizer, pool, 324);
  });
});

describe("charTokenizer", () => {
  it("[TOK4] splits CJK per character and keeps Latin words whole", () => {
    expect(charTokenizer.tokenize("今天天气很好, We go to the PARK。")).toEqual([
      "今",
      "天",
      "天",
      "气",
      "很",
      "好",
      ",",
      "we",
      "go",
      "to",
      "the",
      "park",
      "。",
    ]);
    expect(charTokenizer.tokenize("他说：“你好！”ok3")).toEqual([
      "他",
      "说",
      "：",
      "“",
      "你",
      "好",
      "！",
      "”",
      "ok3",
    ]);
  });

  it("[TOK4] treats every quotation mark U+2018–U+201F, —, … and · as CJK punctuation: one token, no spaces", () => {
    for (let cp = 0x2018; cp <= 0x201f; cp++) {
      const mark = String.fromCodePoint(cp);
      expect(charTokenizer.tokenize(`a${mark}b`)).toEqual(["a", mark, "b"]);
      expect(charTokenizer.detokenize(["好", mark, "好"])).toBe(`好${mark}好`);
    }
    for (const mark of ["—", "…", "·"])
      expect(charTokenizer.tokenize(`你${mark}好`)).toEqual(["你", mark, "好"]);
  });

  it("[TOK4] round-trips mixed text", () => {
    for (const text of [
      "今天天气很好, we go to the park。",
      "我喜欢cs324和ai。",
      "他说：“你好！”then we left (quickly).",
    ]) {
      expect(charTokenizer.detokenize(charTokenizer.tokenize(text))).toBe(text);
    }
  });

  it("[TOK3] round-trips any token sequence it can produce (seeded fuzz)", () => {
    const pool = [
      "今",
      "天",
      "。",
      "，",
      "“",
      "”",
      "、",
      "we",
      "park",
      "don't",
      "42",
      ".",
      ",",
      "'",
      '"',
      "(",
      ")",
      "-",
    ];
    fuzzRoundTrip(charTokenizer, pool, 7);
  });
});

describe("tokenizerFor", () => {
  it("maps kinds to tokenizers", () => {
    expect(tokenizerFor("word")).toBe(wordTokenizer);
    expect(tokenizerFor("char")).toBe(charTokenizer);
  });
});

describe("encodeText / decodeTokens", () => {
  const withUnk: LanguageModel = {
    ...createToyModel(),
    id: "toy-eos",
    vocab: ["</s>", "<s>", "<unk>", "the", "mouse", "ate", "."],
    eosId: 0,
    unkId: 2,
  };

  it("[TOK5] maps words to ids and unknown words to <unk>", () => {
    expect(encodeText(withUnk, "The mouse ate the elephant.")).toEqual([3, 4, 5, 3, 2, 6]);
  });

  it("[TOK5] throws a clear error naming the word when the model has no <unk>", () => {
    expect(() => encodeText(createToyModel(), "the elephant")).toThrow(
      /"elephant" is not in the vocabulary of model "toy"/,
    );
  });

  it("[TOK5] decodes ids to text, showing EOS as nothing (and as ⏎ in labels)", () => {
    expect(decodeTokens(withUnk, [3, 4, 5, 6, 0])).toBe("the mouse ate.");
    expect(tokenLabel(withUnk, 0)).toBe("⏎");
    expect(tokenLabel(withUnk, 4)).toBe("mouse");
    expect(completionLabel(withUnk, [5, 0])).toBe("ate ⏎");
    expect(() => decodeTokens(withUnk, [99])).toThrow(RangeError);
  });
});
