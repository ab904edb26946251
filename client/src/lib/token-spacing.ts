/**
 * Where a tokenizer's detokenize puts spaces between tokens, so a completion drawn as separate (coloured)
 * tokens reads like its text: "once upon a time" keeps its spaces, "今天天气很好" has none.
 */
import type { Tokenizer } from "@tokenroom/shared";

/**
 * spaces[i] is true when detokenize puts a space before tokens[i] (never before the first). Each prefix is
 * detokenized in turn (detokenize is a left fold, so a prefix's text is a prefix of the whole text): O(n²)
 * for the ≤ 40 tokens of a completion.
 */
export function spacesBefore(tokenizer: Pick<Tokenizer, "detokenize">, tokens: readonly string[]): boolean[] {
  const spaces: boolean[] = [];
  let length = 0;
  for (let i = 0; i < tokens.length; i++) {
    const text = tokenizer.detokenize(tokens.slice(0, i + 1));
    spaces.push(i > 0 && text.length > length + tokens[i]!.length);
    length = text.length;
  }
  return spaces;
}

/** The tokens as one line of text; without `spaces`, tokens are separated by a space (the word tokenizer's default). */
export function joinTokens(tokens: readonly string[], spaces?: readonly boolean[]): string {
  return tokens.map((token, i) => (i > 0 && (spaces?.[i] ?? true) ? ` ${token}` : token)).join("");
}
