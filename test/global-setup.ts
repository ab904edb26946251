/**
 * vitest globalSetup, once before any test file runs:
 * - `pnpm build` (server and client): tests that start server processes (restarts, several processes, nginx,
 *   SIGTERM, the browser tests, the production install) run the built `server/dist/index.js` with plain
 *   node and serve the built `client/dist`, as production does;
 *   the worker threads of servers the tests boot from source start from that build too (TOKENROOM_WORKER_DIR);
 * - makes one migrated PGlite data directory, the template every PGlite test copies (server/test/pglite.ts).
 *   A copy opens in a fraction of a second; initdb plus the migrations cost each open ~6 s of CPU, which on
 *   a 2-core machine running three test files at a time was a large share of the suite's wall time.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../server/src/store/database.ts";
import "../server/test/provided-context.ts";

/** Runs a build step in `root`; rejects with its output when it fails. */
function build(root: string, command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build
    const child = spawn(command, args, { cwd: root, env: { ...process.env, NODE_ENV: "production" } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(" ")} failed (building for the tests):\n${output}`)),
    );
  });
}

async function pgliteTemplate(dir: string): Promise<void> {
  // initdb runs in a child process (store/adapters.ts); the migrations run here, then it is closed
  const db = await openDatabase({ kind: "pglite", dataDir: dir });
  await db.close();
}

interface Prepared {
  template: string;
  teardown: () => void;
}
/**
 * Both integration projects (vitest.config.ts) name this globalSetup and vitest runs it once per project: the
 * first call builds and makes the template, the other waits for it (one build, one template, in this process).
 */
const shared = globalThis as { tokenroomPrepared?: Promise<Prepared> };

async function prepare(): Promise<Prepared> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const template = join(mkdtempSync(join(tmpdir(), "tokenroom-pglite-template-")), "data");
  await Promise.all([build(root, "pnpm", ["build"]), pgliteTemplate(template)]);
  // servers booted from source in the tests start their worker threads from this build (server/src/worker-source.ts)
  process.env.TOKENROOM_WORKER_DIR = join(root, "server", "dist");
  const teardown = () => {
    // forgotten too: a vitest that restarts in this process (watch mode, after a config change) prepares again
    delete shared.tokenroomPrepared;
    rmSync(join(template, ".."), { recursive: true, force: true });
  };
  return { template, teardown };
}

export default async function setup(project: TestProject): Promise<() => void> {
  const prepared = await (shared.tokenroomPrepared ??= prepare());
  project.provide("pgliteTemplate", prepared.template);
  return prepared.teardown; // idempotent: the second project's teardown finds nothing left
}
