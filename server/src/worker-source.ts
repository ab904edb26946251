/**
 * How to start one of the server's worker_threads entries (the training and model-building workers, the
 * embedded database's thread). Built (server/dist/index.js, scripts/build-server.mjs): the bundled
 * server/dist/<name>.js next to it, started by plain node. From source (tsx, vitest): CommonJS evaluated in
 * the worker registers tsx, then loads the TypeScript entry; tsx is resolved only then (~0.5 s per worker).
 * TOKENROOM_WORKER_DIR names a directory of built entries to use instead: the test run builds server/dist
 * once before any test (test/global-setup.ts) and points every server it boots from source there, so each
 * of the suite's many database threads starts without tsx (measured: ~0.8 s less CPU per start).
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** Each entry's source, from server/src; esbuild bundles it as server/dist/<name>.js. */
const ENTRIES = {
  "train-worker": "./models/train-worker.ts",
  "model-build-worker": "./models/model-build-worker.ts",
  "pglite-thread": "./store/pglite-thread.ts",
} as const;

export function workerSource(name: keyof typeof ENTRIES): {
  code: string | URL;
  eval: boolean;
} {
  if (import.meta.url.endsWith(".js")) return { code: new URL(`./${name}.js`, import.meta.url), eval: false };
  const built = process.env.TOKENROOM_WORKER_DIR;
  if (built) return { code: pathToFileURL(`${built}/${name}.js`), eval: false };
  const require = createRequire(import.meta.url);
  const tsxApi = new URL("dist/esm/api/index.mjs", pathToFileURL(require.resolve("tsx/package.json"))).href;
  const entry = new URL(ENTRIES[name], import.meta.url).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return { code, eval: true };
}
