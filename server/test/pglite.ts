/**
 * PGlite for tests: a fresh data directory copied from the migrated template that vitest's globalSetup made
 * (test/global-setup.ts), removed after the test file that made it (file-end.ts). Opening a copy costs a fraction of a
 * second; a new in-memory database would run initdb and every migration again (~6 s of CPU).
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { atFileEnd } from "./file-end.ts";
import "./provided-context.ts";

/** A new migrated PGlite data directory of this test file's own. */
export function pgliteDataDir(prefix = "tokenroom-test-db-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(inject("pgliteTemplate"), dir, { recursive: true });
  atFileEnd(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
