// Runs shell commands at the same time and fails if any failed. `pnpm test` runs vitest beside typecheck
// and lint: the suite spends much of its time waiting on servers, browsers and Redis, and the two checks
// fill that time instead of running first (about a minute less on a 2-core machine).
// `--stream` before the first command: its output goes straight to the terminal as it runs (vitest's
// progress); the others' output is printed, whole, once everything has ended.
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";

const {
  values: { stream },
  positionals: commands,
} = parseArgs({ options: { stream: { type: "boolean", default: false } }, allowPositionals: true });

const results = await Promise.all(
  commands.map(
    (command, i) =>
      new Promise((resolve) => {
        const live = stream && i === 0;
        const child = spawn(command, {
          shell: true,
          stdio: live ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout?.on("data", (d) => (output += d));
        child.stderr?.on("data", (d) => (output += d));
        child.on("close", (code) => resolve({ command, code: code ?? 1, output, live }));
      }),
  ),
);
for (const r of results) if (!r.live) process.stdout.write(`$ ${r.command}\n${r.output}`);
const failed = results.filter((r) => r.code !== 0).map((r) => r.command);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exit(1);
}
