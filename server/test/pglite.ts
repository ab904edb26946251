/**
 * PGlite for tests: a fresh data directory copied from the migrated template that vitest's globalSetup made
 * (test/global-setup.ts), removed after the importing file's tests. Opening a copy costs a fraction of a
 * second; a new in-memory database would run initdb and every migration again (~6 s of CPU).
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, inject } from "vitest";
import "./provided-context.ts";

const made: string[] = [];
// registered while the importing file is collected: runs after that file's own afterAll hooks
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new migrated PGlite data directory of this test file's own. */
export function pgliteDataDir(prefix = "tokenroom-test-db-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(inject("pgliteTemplate"), dir, { recursive: true });
  made.push(dir);
  return dir;
}
