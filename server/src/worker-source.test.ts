/**
 * The worker threads' two ways to start (worker-source.ts): the suite's servers use the build that vitest's
 * globalSetup made (TOKENROOM_WORKER_DIR); `pnpm dev`, the benchmarks and any server run from source without
 * it load the TypeScript entry through tsx. This file starts the embedded database's thread both ways.
 */
import { afterEach, describe, expect, it } from "vitest";
import { pgliteDataDir } from "../test/pglite.ts";
import { readMigrations } from "./store/migrate.ts";
import { startPgliteThread } from "./store/pglite-remote.ts";
import { workerSource } from "./worker-source.ts";

const built = process.env.TOKENROOM_WORKER_DIR;
/** The template every test database copies is migrated: the thread answers with its migrations table. */
const MIGRATIONS = readMigrations().length;
afterEach(() => {
  if (built === undefined) delete process.env.TOKENROOM_WORKER_DIR;
  else process.env.TOKENROOM_WORKER_DIR = built;
});

async function answers(): Promise<unknown[]> {
  const thread = await startPgliteThread(pgliteDataDir());
  try {
    return await thread.runner.query<{ n: number }>('SELECT count(*)::int AS n FROM "_prisma_migrations"');
  } finally {
    await thread.close();
  }
}

describe("worker threads", () => {
  it("start from the test run's build of server/dist", async () => {
    expect(built).toMatch(/server[/\\]dist$/);
    const source = workerSource("pglite-thread");
    expect(source).toEqual({ code: new URL(`file://${built}/pglite-thread.js`), eval: false });
    expect(await answers()).toEqual([{ n: MIGRATIONS }]);
  });

  it("start from the TypeScript sources through tsx when there is no build to use", async () => {
    delete process.env.TOKENROOM_WORKER_DIR;
    const source = workerSource("pglite-thread");
    expect(source.eval).toBe(true);
    expect(source.code).toMatch(/tsx.*register\(\).*store\/pglite-thread\.ts/s);
    expect(await answers()).toEqual([{ n: MIGRATIONS }]);
  });
});
