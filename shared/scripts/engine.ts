/**
 * The engine CLI: `pnpm engine <command>` (docs/engine.md "CLI"; the commands are lib/cli.ts). Errors are one line
 * on stderr, exit code 1.
 */
import { runEngine } from "./lib/cli.ts";

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0); // e.g. piped into head
  throw error;
});

process.exitCode = runEngine(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => process.stderr.write(text),
});
