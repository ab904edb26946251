#!/usr/bin/env node
// Builds the server for production: server/src/index.ts and the worker_threads entries
// (server/src/models/{train-worker,model-build-worker}.ts) bundled by esbuild into server/dist/*.js, run by
// plain node. Why esbuild: it is already in the tree (Vite and tsx use it), bundles the TypeScript
// sources and @tokenroom/shared (which exports .ts files node cannot load) in well under a second, and
// type checking stays with `pnpm typecheck`; tsc would emit one file per module and leave shared's .ts
// imports unresolvable, tsup would be one more dependency around the same esbuild.
// What stays outside the bundle, read at run time by path:
// - the server's npm dependencies (node_modules, installed by `pnpm install --prod`);
// - Prisma's generated client (server/src/generated/prisma, written by `prisma generate` on install):
//   it loads its WebAssembly query compiler from its own directory;
// - shared/models/*.json, shared/corpora/*.txt, prisma/migrations and client/dist (server/src/paths.ts);
// - init-pglite.mjs, the child process that creates a PGlite directory: copied next to the bundle.
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const server = fileURLToPath(new URL("../server/", import.meta.url));
const { build } = createRequire(`${server}package.json`)("esbuild");
const pkg = JSON.parse(readFileSync(`${server}package.json`, "utf8"));
const external = Object.entries(pkg.dependencies)
  .filter(([, version]) => !version.startsWith("workspace:"))
  .flatMap(([name]) => [name, `${name}/*`]);

/** `../generated/prisma/index.js` from any module under server/src: the generated client, from server/dist. */
const prismaClient = {
  name: "prisma-client",
  setup(b) {
    b.onResolve({ filter: /\/generated\/prisma\/index\.js$/ }, () => ({
      path: "../src/generated/prisma/index.js",
      external: true,
    }));
  },
};

const started = performance.now();
rmSync(`${server}dist`, { recursive: true, force: true });
await build({
  entryPoints: {
    index: `${server}src/index.ts`,
    "train-worker": `${server}src/models/train-worker.ts`,
    "pglite-thread": `${server}src/store/pglite-thread.ts`,
    "model-build-worker": `${server}src/models/model-build-worker.ts`,
  },
  outdir: `${server}dist`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  external,
  plugins: [prismaClient],
  sourcemap: true,
  logLevel: "warning",
});
copyFileSync(`${server}src/store/init-pglite.mjs`, `${server}dist/init-pglite.mjs`);
console.log(`server built into server/dist in ${Math.round(performance.now() - started)} ms`);
