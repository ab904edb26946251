/**
 * vitest globalSetup: builds the server once before any test file runs. Tests that start server processes
 * (restarts, several processes, nginx, SIGTERM, the browser tests) run the built `server/dist/index.js`
 * with plain node, as production does, instead of transpiling the sources with tsx at every start.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const r = spawnSync(process.execPath, ["scripts/build-server.mjs"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`building the server for the tests failed:\n${r.stdout}${r.stderr}`);
}
