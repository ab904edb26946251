/** "Train from your own text": the client-side limits and defaults, and the first prompt for the new model. */
import { charTokenizer, wordTokenizer } from "@tokenroom/shared";
import type { TrainTokenizer } from "../api/train.ts";

/** The server refuses texts over 2 MB of UTF-8; the client says so before uploading them. */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;
export const ORDERS = [1, 2, 3, 4, 5] as const;

export const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

/** 3 for words; 4 for characters, which carry less each. */
export const defaultOrder = (tokenizer: TrainTokenizer): number => (tokenizer === "char" ? 4 : 3);

const HAN = /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}/gu;
const LETTER = /\p{L}/gu;

/** Characters when most letters of the text's start are Chinese or Japanese, else words. */
export function suggestTokenizer(text: string): TrainTokenizer {
  const head = text.slice(0, 5_000);
  const letters = head.match(LETTER)?.length ?? 0;
  const cjk = head.match(HAN)?.length ?? 0;
  return letters > 0 && cjk / letters > 0.5 ? "char" : "word";
}

/** A prompt the new model knows: the first few tokens of the text's first non-empty line. */
export function starterFromText(text: string, tokenizer: TrainTokenizer): string {
  const t = tokenizer === "char" ? charTokenizer : wordTokenizer;
  const line = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  return t.detokenize(t.tokenize(line).slice(0, tokenizer === "char" ? 4 : 3));
}
