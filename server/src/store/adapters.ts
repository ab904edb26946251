/** Where the data lives: PostgreSQL when DATABASE_URL is set, else embedded PGlite in a data directory. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

export type DatabaseTarget =
  | { kind: "postgres"; url: string }
  /** dataDir undefined: in memory (tests). */
  | { kind: "pglite"; dataDir: string | undefined };

export function databaseTarget(env: NodeJS.ProcessEnv): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error(
        `DATABASE_URL must start with postgres:// or postgresql:// (got "${url.split(":")[0]}:")`,
      );
    }
    return { kind: "postgres", url };
  }
  const dataDir = env.DATA_DIR?.trim() || "data/pglite";
  return { kind: "pglite", dataDir: dataDir === ":memory:" ? undefined : dataDir };
}

/** PGlite's defaults plus a smaller shared_buffers (128 MB → 16 MB): the WASM heap is the process's RSS. */
const PGLITE_START_PARAMS = [
  ...["--single", "-F", "-O", "-j"],
  ...["-c", "search_path=public", "-c", "exit_on_error=false", "-c", "log_checkpoints=false"],
  ...[
    "-c",
    "max_worker_processes=0",
    "-c",
    "max_parallel_workers=0",
    "-c",
    "max_parallel_workers_per_gather=0",
  ],
  ...["-c", "io_method=sync", "-c", "max_parallel_maintenance_workers=0", "-c", "shared_buffers=16MB"],
];

export function openPglite(dataDir: string | undefined): PGlite {
  if (dataDir === undefined) return new PGlite({ startParams: PGLITE_START_PARAMS });
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    // first run: initdb in a child process, so its memory does not stay with the server
    const script = fileURLToPath(new URL("./init-pglite.mjs", import.meta.url));
    const r = spawnSync(process.execPath, [script, dataDir], { stdio: "inherit" });
    if (r.status !== 0)
      throw new Error(`could not create the database in ${dataDir} (initdb exited with ${r.status})`);
  }
  return new PGlite(dataDir, { startParams: PGLITE_START_PARAMS });
}

/** For prisma.config.ts: the Prisma CLI (`pnpm db:migrate`) migrates through this adapter. */
export function createMigrationAdapter(env: NodeJS.ProcessEnv) {
  const target = databaseTarget(env);
  if (target.kind === "postgres") return Promise.resolve(new PrismaPg({ connectionString: target.url }));
  return Promise.resolve(new PrismaPGlite(openPglite(target.dataDir)));
}
