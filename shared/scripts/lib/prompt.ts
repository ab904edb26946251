/** The --prompt flag as token ids, with friendly errors. */
import { encodeText } from "../../src/engine/tokenizer.ts";
import type { LanguageModel, TokenId } from "../../src/engine/types.ts";
import { requiredFlag, type ParsedArgs } from "./args.ts";
import { UserError } from "./errors.ts";

export function promptFromArgs(model: LanguageModel, args: ParsedArgs): { text: string; ids: TokenId[] } {
  const text = requiredFlag(args, "prompt", '"the mouse"');
  if (model.tokenizer.tokenize(text).length === 0) {
    throw new UserError("the prompt is empty", 'give a few words, e.g. --prompt "the mouse"');
  }
  try {
    return { text, ids: encodeText(model, text) };
  } catch (error) {
    const small = model.vocab.length <= 20 ? `use only: ${model.vocab.join(", ")}` : "try other words";
    throw new UserError((error as Error).message, small);
  }
}
