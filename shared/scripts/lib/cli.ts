/**
 * The engine CLI's commands (docs/engine.md "CLI"), apart from the process they run in: `pnpm engine` (engine.ts)
 * wires them to stdout, stderr and the exit code; the tests and `pnpm docs:engine` run them in-process.
 */
import { parseArgs, type CommandSpec, type ParsedArgs, type Print } from "./args.ts";
import { evalSpec, modelsSpec, runEval, runModels, runTrain, trainSpec } from "./commands-models.ts";
import { distSpec, runDist, runSample, sampleSpec } from "./commands-sampling.ts";
import { runDemo } from "./demo.ts";
import { errorLine, UserError } from "./errors.ts";

export const USAGE = `usage: pnpm engine <command> [options]

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

const COMMANDS: Record<string, { spec: CommandSpec; run: (args: ParsedArgs, print: Print) => void }> = {
  dist: { spec: distSpec, run: runDist },
  sample: { spec: sampleSpec, run: runSample },
  train: { spec: trainSpec, run: runTrain },
  eval: { spec: evalSpec, run: runEval },
  models: { spec: modelsSpec, run: runModels },
  demo: { spec: { name: "demo", flags: {} }, run: runDemo },
};

/** What a command writes: `out` gets its output lines, `err` the one error line (with its newline). */
export interface CliIo {
  readonly out: Print;
  readonly err: (text: string) => void;
}

/** Runs `pnpm engine <argv>`; returns the exit code (0, or 1 after one error line on `err`). */
export function runEngine(argv: readonly string[], io: CliIo): number {
  try {
    const [name, ...rest] = argv;
    if (name === undefined) throw new UserError("missing command", 'run "pnpm engine help" for usage');
    if (name === "help" || name === "--help" || name === "-h") {
      io.out(USAGE);
      return 0;
    }
    const command = COMMANDS[name];
    if (command === undefined) {
      throw new UserError(`unknown command "${name}"`, `commands: ${Object.keys(COMMANDS).join(", ")}, help`);
    }
    command.run(parseArgs(command.spec, rest), io.out);
    return 0;
  } catch (error) {
    io.err(`${errorLine(error)}\n`);
    return 1;
  }
}
