/**
 * The engine CLI: `pnpm engine <command>` (docs/engine.md "CLI"). Errors are one line on stderr, exit code 1.
 */
import { parseArgs, type CommandSpec, type ParsedArgs } from "./lib/args.ts";
import { evalSpec, modelsSpec, runEval, runModels, runTrain, trainSpec } from "./lib/commands-models.ts";
import { distSpec, runDist, runSample, sampleSpec } from "./lib/commands-sampling.ts";
import { runDemo } from "./lib/demo.ts";
import { errorLine, UserError } from "./lib/errors.ts";

const USAGE = `usage: pnpm engine <command> [options]

  dist   --model <id|file> --prompt "<text>" [--temperature T] [--top-k K] [--top-p P] [--json]
         the next-token distribution (top 20) and its entropy
  sample --model <id|file> --prompt "<text>" [--n N (1000)] [--seed S (1)] [--max-tokens M (1)]
         [--temperature T] [--top-k K] [--top-p P] [--json]
         N seeded completions, their counts, and KL(empirical ‖ theory)
  train  <corpus.txt> --out <file.json> [--order N (3)] [--tokenizer word|char] [--id X] [--name Y]
         [--description Z] [--held-out-every K (10)]
         train a Kneser-Ney n-gram artifact (one sequence per line)
  eval   --model <id|file> <heldout.txt> [--json]
         cross-entropy (bits/token) and perplexity on held-out text
  models the shipped models
  demo   a short tour (what pnpm start runs)

models: a built-in id (toy), the id of shared/models/<id>.json, or a path to an artifact file.`;

const COMMANDS: Record<string, { spec: CommandSpec; run: (args: ParsedArgs) => void }> = {
  dist: { spec: distSpec, run: runDist },
  sample: { spec: sampleSpec, run: runSample },
  train: { spec: trainSpec, run: runTrain },
  eval: { spec: evalSpec, run: runEval },
  models: { spec: modelsSpec, run: runModels },
  demo: { spec: { name: "demo", flags: {} }, run: runDemo },
};

function main(argv: readonly string[]): void {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UserError("missing command", 'run "pnpm engine help" for usage');
  if (name === "help" || name === "--help" || name === "-h") {
    console.log(USAGE);
    return;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    throw new UserError(`unknown command "${name}"`, `commands: ${Object.keys(COMMANDS).join(", ")}, help`);
  }
  command.run(parseArgs(command.spec, rest));
}

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0); // e.g. piped into head
  throw error;
});

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${errorLine(error)}\n`);
  process.exitCode = 1;
}
