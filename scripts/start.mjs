#!/usr/bin/env node
// `pnpm start`: runs the built server (server/dist/index.js) with plain node, in this process. Builds
// first only what is missing or older than its sources (scripts/build-state.mjs): the first start of a
// fresh clone builds, later starts skip straight to the server (most of their few seconds is PGlite
// opening its directory). With a production install
// (`pnpm install --prod`, no esbuild or Vite) a stale build is reported and started as it is.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildState } from "./build-state.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The command that builds each part (the same as its package's `build` script), if its tools are installed. */
function builder(part) {
  try {
    if (part === "server") {
      createRequire(join(root, "server/package.json")).resolve("esbuild");
      return { args: [join(root, "scripts/build-server.mjs")], cwd: root };
    }
    const vite = createRequire(join(root, "client/package.json")).resolve("vite/package.json");
    return {
      args: [join(vite, "..", "bin", "vite.js"), "build", "--logLevel", "warn"],
      cwd: join(root, "client"),
    };
  } catch {
    return null;
  }
}

for (const [part, state] of Object.entries(buildState(root))) {
  if (state === "fresh") continue;
  const build = builder(part);
  if (build === null) {
    if (state === "missing") {
      console.error(
        `Tokenroom: the ${part} is not built and the build tools are not installed: run pnpm install, then pnpm build`,
      );
      process.exit(1);
    }
    console.error(
      `Tokenroom: the ${part} build is older than its sources (no build tools in a production install); starting it as it is`,
    );
    continue;
  }
  console.log(
    `Tokenroom: building the ${part} (${state === "missing" ? "first start" : "sources changed"})…`,
  );
  const r = spawnSync(process.execPath, build.args, { cwd: build.cwd, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// stack traces in the log point into server/src (the bundle has a source map)
process.setSourceMapsEnabled(true);
await import(pathToFileURL(join(root, "server/dist/index.js")).href);
