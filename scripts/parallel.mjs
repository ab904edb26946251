// Runs shell commands at the same time, prints each one's output when it ends, and fails if any failed.
// `pnpm test` uses it for typecheck and lint: both are single-threaded, and the machine has two cores.
import { spawn } from "node:child_process";

const commands = process.argv.slice(2);
const results = await Promise.all(
  commands.map(
    (command) =>
      new Promise((resolve) => {
        const child = spawn(command, { shell: true, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("close", (code) => {
          process.stdout.write(`$ ${command}\n${output}`);
          resolve(code ?? 1);
        });
      }),
  ),
);
const failed = commands.filter((_, i) => results[i] !== 0);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exit(1);
}
