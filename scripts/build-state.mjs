// Is the production build there and newer than its sources? `pnpm start` (scripts/start.mjs) builds
// only the parts that are missing or stale: a part is stale when any of its source files (tests
// excluded) was modified after its output.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Each part of the build: its output (the file checked) and its sources, relative to the root. */
export const PARTS = {
  server: {
    outputs: [
      "server/dist/index.js",
      "server/dist/train-worker.js",
      "server/dist/model-build-worker.js",
      "server/dist/pglite-thread.js",
      "server/dist/init-pglite.mjs",
    ],
    sources: ["server/src", "shared/src", "server/package.json", "scripts/build-server.mjs"],
  },
  client: {
    outputs: ["client/dist/index.html"],
    sources: [
      "client/src",
      "client/public",
      "client/index.html",
      "client/vite.config.ts",
      "client/package.json",
      "shared/src",
    ],
  },
};

/** Not inputs of a build: tests, and Prisma's generated client (read at run time, rewritten on install). */
const IGNORED = /(\.test\.tsx?$)|(^|[\\/])(node_modules|generated|dist)$/;

/** The newest modification time (ms) under `path`, or 0 when nothing is there. */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (IGNORED.test(entry)) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** "missing", "stale" or "fresh" for one part. */
export function partState(root, part) {
  const outputs = part.outputs.map((p) => join(root, p));
  if (!outputs.every((p) => existsSync(p))) return "missing";
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const newest = Math.max(...part.sources.map((p) => newestMtime(join(root, p))));
  return newest > built ? "stale" : "fresh";
}

/** The state of every part: { server: "fresh", client: "stale" }. */
export function buildState(root) {
  return Object.fromEntries(Object.entries(PARTS).map(([name, part]) => [name, partState(root, part)]));
}
