/** `demo` (what `pnpm start` runs for now): a short, friendly tour of the engine. */
import { Decoder } from "../../src/engine/decoder.ts";
import { nextTokenDistribution } from "../../src/engine/decoding.ts";
import { entropyBits } from "../../src/engine/info.ts";
import { createRng } from "../../src/engine/prng.ts";
import { generate } from "../../src/engine/sampling.ts";
import { decodeTokens, encodeText, tokenLabel } from "../../src/engine/tokenizer.ts";
import { createToyModel } from "../../src/engine/toy.ts";
import type { DecodingSettings, LanguageModel } from "../../src/engine/types.ts";
import type { ParsedArgs, Print } from "./args.ts";
import { bar, settingsLabel, table } from "./format.ts";
import { knownModelIds, loadModel } from "./models.ts";

function showDistribution(
  model: LanguageModel,
  prompt: string,
  settings: DecodingSettings,
  print: Print,
): void {
  const dist = nextTokenDistribution(model, encodeText(model, prompt), settings);
  const rows = Array.from(dist.ids.slice(0, 8), (id, i) => [
    tokenLabel(model, id),
    dist.probs[i]!.toFixed(3),
    bar(dist.probs[i]!),
  ]);
  print(
    `\n  "${prompt}" → ?   (${settingsLabel(settings)}, entropy ${entropyBits(dist.probs).toFixed(2)} bits)`,
  );
  print(table(["token", "p", ""], rows, "lrl"));
}

export function runDemo(_args: ParsedArgs, print: Print): void {
  print("Tokenroom engine demo: a language model is a probability distribution over the next token.");
  const toy = createToyModel();
  print(`\n1. The lecture's toy model knows five words: ${toy.vocab.join(", ")}.`);
  showDistribution(toy, "the mouse", { temperature: 1, topK: 0, topP: 1 }, print);
  print("\n   At temperature 0 decoding is greedy: all the mass goes to the most likely token.");
  showDistribution(toy, "the mouse", { temperature: 0, topK: 0, topP: 1 }, print);

  print("\n2. A Kneser-Ney trigram model trained on short children's stories writes (T = 0.8, top-p 0.9):\n");
  if (!knownModelIds().includes("tiny-stories")) {
    print("   (shared/models/tiny-stories.json is not built yet: see docs/engine.md)");
  } else {
    const story = loadModel("tiny-stories");
    const settings: DecodingSettings = { temperature: 0.8, topK: 0, topP: 0.9 };
    const decoder = new Decoder(story, settings);
    const prompt = encodeText(story, "once upon a time");
    for (let i = 0; i < 4; i++) {
      const { tokens } = generate(story, prompt, settings, createRng(2024, i), 25, decoder);
      const ending = tokens.at(-1) === story.eosId ? "" : " …";
      print(`   ${decodeTokens(story, [...prompt, ...tokens])}${ending}`);
    }
    print("\n   Each line is reproducible: sample i uses the seeded generator createRng(seed, i).");
  }

  print(`
3. Measuring surprise, in bits:
   - entropy H(p) = −Σ p log2 p: how uncertain the model is about the next token (0 = certain).
   - cross-entropy on real text: the average −log2 P(actual next token); lower means better predictions.
   - perplexity = 2^cross-entropy: "as confused as choosing uniformly among this many tokens".

Try: pnpm engine dist --model tiny-stories --prompt "the little dog" --top-k 5
     pnpm engine sample --model toy --prompt "the mouse" --n 1000 --seed 1
     pnpm engine help`);
}
