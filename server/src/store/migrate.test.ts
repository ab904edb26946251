import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pgliteDataDir } from "../../test/pglite.ts";
import { applyMigrations, type Migration, readMigrations, type SqlRunner } from "./migrate.ts";

let pg: PGlite;
let runner: SqlRunner;
beforeAll(async () => {
  // one database per file, a copy of the migrated template (a new one takes seconds); emptied before each test
  pg = new PGlite(pgliteDataDir());
  await pg.waitReady;
  runner = {
    exec: async (sql) => void (await pg.exec(sql)),
    query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows,
  };
});
beforeEach(() => pg.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"));
afterAll(() => pg.close());

const m1: Migration[] = [
  { name: "0001_a", sql: "CREATE TABLE a (x int);", checksum: "c1" },
  { name: "0002_b", sql: "CREATE TABLE b (y int);", checksum: "c2" },
];

describe("applyMigrations", () => {
  it("applies each migration once, in order, and records it as Prisma does", async () => {
    expect(await applyMigrations(runner, m1)).toEqual(["0001_a", "0002_b"]);
    expect(await applyMigrations(runner, m1)).toEqual([]);
    const rows = await runner.query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
    }>(
      `SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
    );
    expect(rows).toEqual([
      { migration_name: "0001_a", checksum: "c1", applied_steps_count: 1 },
      { migration_name: "0002_b", checksum: "c2", applied_steps_count: 1 },
    ]);
  });

  it("refuses a migration edited after it was applied (checksum drift), naming it", async () => {
    await applyMigrations(runner, m1);
    const edited = [m1[0]!, { ...m1[1]!, sql: "CREATE TABLE b (y bigint);", checksum: "c2-edited" }];
    await expect(applyMigrations(runner, edited)).rejects.toThrow(
      "migration 0002_b was edited after it was applied (checksum differs): add a new migration instead",
    );
    // nothing ran, and the lock was released: the unedited list still passes
    expect(await applyMigrations(runner, m1)).toEqual([]);
  });

  it("rolls a failing migration back and leaves no record of it", async () => {
    const broken = [...m1, { name: "0003_bad", sql: "CREATE TABLE c (z int); SELEC 1;", checksum: "c3" }];
    await expect(applyMigrations(runner, broken)).rejects.toThrow(
      /migration 0003_bad failed and was rolled back/,
    );
    const tables = await runner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'c'`,
    );
    expect(tables[0]!.n).toBe(0);
    expect(await applyMigrations(runner, m1)).toEqual([]);
  });

  it("stops at a migration that failed earlier and was not resolved", async () => {
    await applyMigrations(runner, m1);
    await runner.exec(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'c9', '0009_half')`,
    );
    await expect(applyMigrations(runner, m1)).rejects.toThrow(
      /migration 0009_half failed earlier .* prisma migrate resolve --rolled-back 0009_half/,
    );
  });

  it("the ownership migration gives each stored custom model to the session that trained it, if it still exists", async () => {
    const all = readMigrations();
    const at = all.findIndex((m) => m.name.endsWith("_custom_model_owners"));
    expect(at).toBeGreaterThan(0);
    await applyMigrations(runner, all.slice(0, at));
    await runner.exec(`
      INSERT INTO sessions (id, code, host_key_hash) VALUES ('s1', 'AAAAAA', 'h');
      INSERT INTO custom_models (id, hash, name, artifact, created_by_session) VALUES
        ('custom-000000000001', 'x1', 'kept', '{}', 's1'),
        ('custom-000000000002', 'x2', 'session deleted', '{}', 'gone'),
        ('custom-000000000003', 'x3', 'no session', '{}', NULL);`);
    expect(await applyMigrations(runner, all)).toEqual(all.slice(at).map((m) => m.name));
    expect(await runner.query(`SELECT model_id, session_id FROM custom_model_owners`)).toEqual([
      { model_id: "custom-000000000001", session_id: "s1" },
    ]);
    // the session's deletion takes its ownership with it; the model stays stored
    await runner.exec(`DELETE FROM sessions WHERE id = 's1'`);
    expect(await runner.query(`SELECT model_id FROM custom_model_owners`)).toEqual([]);
    expect(await runner.query(`SELECT count(*)::int AS n FROM custom_models`)).toEqual([{ n: 3 }]);
  });

  it("reads migration folders in name order with sha-256 checksums of their SQL", () => {
    const dir = mkdtempSync(join(tmpdir(), "migrations-"));
    try {
      for (const [name, sql] of [
        ["20260102_second", "SELECT 2;"],
        ["20260101_first", "SELECT 1;"],
      ]) {
        mkdirSync(join(dir, name!));
        writeFileSync(join(dir, name!, "migration.sql"), sql!);
      }
      mkdirSync(join(dir, "not_a_migration"));
      writeFileSync(join(dir, "migration_lock.toml"), "");
      expect(readMigrations(dir)).toEqual([
        {
          name: "20260101_first",
          sql: "SELECT 1;",
          // sha256sum of the file's bytes, computed outside Node
          checksum: "17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a",
        },
        {
          name: "20260102_second",
          sql: "SELECT 2;",
          checksum: "8e7003d62f9d8cbd28da2f243bb0d215bfd4622c716be09be89a8764d9f4c7cb",
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
