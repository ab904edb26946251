/** `train`, `models` and `eval`: building, listing and measuring model artifacts. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { gzipSync } from "node:zlib";
import { MODEL_ID_PATTERN, serializeArtifact } from "../../src/engine/artifact.ts";
import { evaluateText } from "../../src/engine/evaluate.ts";
import { builtinModels } from "../../src/engine/models.ts";
import { trainNgram } from "../../src/engine/ngram-train.ts";
import {
  booleanFlag,
  integerFlag,
  requiredFlag,
  stringFlag,
  type CommandSpec,
  type ParsedArgs,
  type Print,
} from "./args.ts";
import { UserError } from "./errors.ts";
import { kilobytes, table } from "./format.ts";
import { artifactFiles, loadModel, readArtifact } from "./models.ts";

function readText(path: string, what: string): string {
  if (!existsSync(path)) throw new UserError(`${what} ${path} does not exist`, "check the path");
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UserError(`cannot read ${what} ${path}`, "check the path and its permissions");
  }
}

export const trainSpec: CommandSpec = {
  name: "train",
  flags: {
    out: "string",
    order: "string",
    tokenizer: "string",
    id: "string",
    name: "string",
    description: "string",
    "held-out-every": "string",
  },
  positionals: ["corpus.txt"],
};

export function runTrain(args: ParsedArgs, print: Print): void {
  const corpus = args.positionals[0]!;
  const text = readText(corpus, "corpus file");
  const out = requiredFlag(args, "out", "shared/models/my-model.json");
  const id = stringFlag(args, "id") ?? basename(out, extname(out));
  if (!MODEL_ID_PATTERN.test(id)) {
    throw new UserError(
      `model id "${id}" is not lower-case letters, digits and dashes`,
      "pass --id my-model",
    );
  }
  const tokenizer = stringFlag(args, "tokenizer") ?? "word";
  if (tokenizer !== "word" && tokenizer !== "char") {
    throw new UserError(`unknown tokenizer "${tokenizer}"`, "use --tokenizer word or --tokenizer char");
  }
  const order = integerFlag(args, "order", 3, 1, 8);
  const heldOutEvery = integerFlag(args, "held-out-every", 10, 0, 1_000_000);
  if (heldOutEvery === 1)
    throw new UserError("--held-out-every 1 would hold out every line", "use 0 (off) or >= 2");
  const started = performance.now();
  let artifact;
  try {
    artifact = trainNgram(text, {
      id,
      name: stringFlag(args, "name") ?? id,
      description: stringFlag(args, "description") ?? `${order}-gram Kneser-Ney model of ${basename(corpus)}`,
      order,
      tokenizer,
      heldOutEvery,
    });
  } catch (error) {
    throw new UserError((error as Error).message, "check the corpus and the options");
  }
  const file = serializeArtifact(artifact);
  writeFileSync(out, file);
  const t = artifact.training;
  print(
    `trained ${artifact.id} (${artifact.order}-gram, ${artifact.tokenizer} tokens) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  print(`  corpus       ${t.lines} lines, ${t.tokens} tokens`);
  print(`  vocabulary   ${t.vocabSize} (with </s>, <s>, <unk>)`);
  print(`  n-grams      ${artifact.counts.length / (artifact.order + 1)} of order ${artifact.order}`);
  print(
    `  discounts    ${artifact.discounts.map((d) => d.toFixed(3)).join(", ")} (orders 1..${artifact.order})`,
  );
  if (t.heldOut) {
    const h = t.heldOut;
    print(
      `  held out     ${h.lines} lines, ${h.tokens} tokens scored, ${h.oov} OOV: ${h.crossEntropyBits.toFixed(3)} bits/token, perplexity ${h.perplexity.toFixed(1)}`,
    );
  }
  print(
    `  file         ${out}: ${kilobytes(Buffer.byteLength(file))}, ${kilobytes(gzipSync(file).length)} gzipped`,
  );
  print(`  hash         ${artifact.hash}`);
}

export const modelsSpec: CommandSpec = { name: "models", flags: {} };

export function runModels(_args: ParsedArgs, print: Print): void {
  const rows: string[][] = builtinModels.map((m) => {
    const model = m.create();
    return [
      m.id,
      m.name,
      String(model.vocab.length),
      String(m.order ?? "-"),
      model.hash.slice(0, 12),
      "built in",
    ];
  });
  for (const file of artifactFiles()) {
    try {
      const a = readArtifact(file);
      rows.push([a.id, a.name, String(a.vocab.length), String(a.order), a.hash.slice(0, 12), basename(file)]);
    } catch (error) {
      rows.push([
        basename(file, ".json"),
        `(invalid: ${(error as Error).message})`,
        "",
        "",
        "",
        basename(file),
      ]);
    }
  }
  print(table(["id", "name", "vocab", "order", "hash", "source"], rows, "llrrll"));
}

export const evalSpec: CommandSpec = {
  name: "eval",
  flags: { model: "string", json: "boolean" },
  positionals: ["heldout.txt"],
};

export function runEval(args: ParsedArgs, print: Print): void {
  const model = loadModel(requiredFlag(args, "model", "tiny-stories"));
  const path = args.positionals[0]!;
  const result = evaluateText(model, readText(path, "text file"));
  if (booleanFlag(args, "json")) {
    print(JSON.stringify(result));
    return;
  }
  print(`${model.id} on ${path}:`);
  print(
    `  scored tokens   ${result.tokens} (words and one </s> per line; ${result.oov} out-of-vocabulary skipped)`,
  );
  print(`  cross-entropy   ${result.crossEntropyBits.toFixed(3)} bits per token`);
  print(`  perplexity      ${result.perplexity.toFixed(2)}`);
}
