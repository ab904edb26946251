#!/usr/bin/env node
// Runs the Prisma CLI offline. With engineType = "client" nothing needs Prisma's Rust query engine,
// but some CLI commands (generate without a DATABASE_URL, migrate …) still try to download its
// library first; pointing PRISMA_QUERY_ENGINE_LIBRARY at any existing file stops that download.
// Migrations themselves run through the WASM schema engine over the adapter in prisma.config.ts.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const env = {
  ...process.env,
  PRISMA_QUERY_ENGINE_LIBRARY: fileURLToPath(new URL("../package.json", import.meta.url)),
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
};
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
