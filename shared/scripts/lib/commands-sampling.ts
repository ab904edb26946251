/** `dist` and `sample`: the next-token distribution, and N seeded samples compared with it. */
import { Decoder } from "../../src/engine/decoder.ts";
import { nextTokenDistribution } from "../../src/engine/decoding.ts";
import { expectedEmpiricalKlExactBits } from "../../src/engine/expected-kl.ts";
import { empiricalKlBits, entropyBits, expectedEmpiricalKlBits } from "../../src/engine/info.ts";
import { createRng } from "../../src/engine/prng.ts";
import { generate, sequenceLogProb } from "../../src/engine/sampling.ts";
import { completionLabel, tokenLabel } from "../../src/engine/tokenizer.ts";
import type { TokenId } from "../../src/engine/types.ts";
import {
  booleanFlag,
  integerFlag,
  requiredFlag,
  settingsFromArgs,
  type CommandSpec,
  type ParsedArgs,
  type Print,
} from "./args.ts";
import { bar, percent, settingsLabel, table } from "./format.ts";
import { loadModel } from "./models.ts";
import { promptFromArgs } from "./prompt.ts";

const SHOWN = 20;
const decodingFlags = {
  model: "string",
  prompt: "string",
  temperature: "string",
  "top-k": "string",
  "top-p": "string",
  json: "boolean",
} as const;

export const distSpec: CommandSpec = { name: "dist", flags: decodingFlags };

export function runDist(args: ParsedArgs, print: Print): void {
  const model = loadModel(requiredFlag(args, "model", "toy"));
  const prompt = promptFromArgs(model, args);
  const settings = settingsFromArgs(args);
  const dist = nextTokenDistribution(model, prompt.ids, settings);
  const h = entropyBits(dist.probs);
  if (booleanFlag(args, "json")) {
    const tokens = Array.from(dist.ids, (id) => model.vocab[id]!);
    print(JSON.stringify({ tokens, probs: Array.from(dist.probs), entropyBits: h }));
    return;
  }
  print(`${model.id} · "${prompt.text}" → next token · ${settingsLabel(settings)}\n`);
  const rows = Array.from(dist.ids.slice(0, SHOWN), (id, i) => {
    const p = dist.probs[i]!;
    return [String(i + 1), tokenLabel(model, id), p.toFixed(4), bar(p)];
  });
  print(table(["#", "token", "probability", ""], rows, "rlrl"));
  const rest = dist.ids.length - SHOWN;
  if (rest > 0) {
    let mass = 0;
    for (let i = SHOWN; i < dist.probs.length; i++) mass += dist.probs[i]!;
    print(`  … and ${rest} more tokens (together ${percent(mass)})`);
  }
  print(
    `\nentropy: ${h.toFixed(3)} bits (perplexity ${(2 ** h).toFixed(2)}: like choosing among that many equally likely tokens)`,
  );
}

export const sampleSpec: CommandSpec = {
  name: "sample",
  flags: { ...decodingFlags, n: "string", seed: "string", "max-tokens": "string" },
};

export function runSample(args: ParsedArgs, print: Print): void {
  const model = loadModel(requiredFlag(args, "model", "toy"));
  const prompt = promptFromArgs(model, args);
  const settings = settingsFromArgs(args);
  const n = integerFlag(args, "n", 1000, 1, 10_000_000);
  const seed = integerFlag(args, "seed", 1, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const maxTokens = integerFlag(args, "max-tokens", 1, 1, 1000);
  const decoder = new Decoder(model, settings);
  const counts = new Map<string, { ids: TokenId[]; count: number }>();
  for (let i = 0; i < n; i++) {
    const { tokens } = generate(model, prompt.ids, settings, createRng(seed, i), maxTokens, decoder);
    const key = tokens.join(" ");
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { ids: tokens, count: 1 });
  }
  const entries = [...counts.values()].sort((a, b) => b.count - a.count || compareIds(a.ids, b.ids));
  const theory = (ids: TokenId[]): number =>
    Math.exp(sequenceLogProb(model, prompt.ids, ids, settings, decoder));
  const klBits = empiricalKlBits(
    entries.map((e) => [e.ids, e.count] as const),
    theory,
  );
  // [EKL2] the exact expected KL of n samples by chance alone; [EKL1] the first-order shortcut (one token only)
  const first = maxTokens === 1 ? decoder.distribution(prompt.ids) : null;
  const expected = first && {
    expectedKlBits: expectedEmpiricalKlExactBits(first.probs, n),
    shortcutKlBits: expectedEmpiricalKlBits(first.ids.length, n),
    k: first.ids.length,
  };
  if (booleanFlag(args, "json")) {
    const out: Record<string, number> = {};
    for (const e of entries) out[completionLabel(model, e.ids)] = e.count;
    const extra = expected
      ? { expectedKlBits: expected.expectedKlBits, shortcutKlBits: expected.shortcutKlBits }
      : {};
    print(JSON.stringify({ n, counts: out, klBits, ...extra }));
    return;
  }
  print(
    `${model.id} · "${prompt.text}" · ${settingsLabel(settings)} · ${n} samples of ≤ ${maxTokens} tokens · seed ${seed}\n`,
  );
  const rows = entries
    .slice(0, SHOWN)
    .map((e) => [
      String(e.count),
      percent(e.count / n),
      percent(theory(e.ids)),
      completionLabel(model, e.ids),
    ]);
  print(table(["count", "sampled", "theory", "completion"], rows, "rrrl"));
  if (entries.length > SHOWN) print(`  … and ${entries.length - SHOWN} more distinct completions`);
  if (maxTokens > 1 && settings.temperature !== 1) {
    print(
      "  theory = the chain rule of the per-step sampler: temperature applies to each next-token step, " +
        "which is not p(completion)^(1/T) renormalised over whole completions",
    );
  }
  print(`\nKL(empirical ‖ theory) = ${klBits.toFixed(5)} bits`);
  if (expected) {
    print(
      `expected by chance at N = ${n}: ${expected.expectedKlBits.toFixed(5)} bits (exact, from the binomial counts)`,
    );
    print(
      `shortcut (k−1)/(2N ln 2) = ${expected.shortcutKlBits.toFixed(5)} bits for k = ${expected.k} possible tokens: ` +
        `first order, close only once every N·p is large`,
    );
  }
}

function compareIds(a: readonly TokenId[], b: readonly TokenId[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
