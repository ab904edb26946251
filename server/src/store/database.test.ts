/**
 * The PostgreSQL pool's two waits (database.ts): a query queued behind a busy pool waits for a connection (a burst
 * of requests is served late, not failed), while opening a connection to a database that does not answer fails
 * after a few seconds. Against the real PostgreSQL, on a database of this file's own.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/services.ts";
import { type Database, openDatabase } from "./database.ts";

describe("the PostgreSQL pool", () => {
  let testDb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({ kind: "postgres", url: testDb.url });
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it("queues a query behind a busy pool for longer than a connect may take, and answers it", async () => {
    // the 10 connections of the pool each hold a statement for 6 s: longer than the 5 s bound on connecting,
    // which until now was also how long a queued query waited before it failed ("timeout exceeded when trying
    // to connect")
    const busy = Array.from({ length: 10 }, () => db.sql.query("SELECT pg_sleep(6)"));
    const queued = db.sql.query<{ one: number }>("SELECT 1 AS one");
    expect(await queued).toEqual([{ one: 1 }]);
    await Promise.all(busy);
  }, 60_000);
});

describe("a database that accepts connections and never answers", () => {
  let server: Server;
  const held: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => void held.push(socket)); // reads the startup message, says nothing
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("fails to open after the connect bound (5 s), not the queue's minute", async () => {
    const port = (server.address() as { port: number }).port;
    const started = Date.now();
    await expect(
      openDatabase({ kind: "postgres", url: `postgres://postgres@127.0.0.1:${port}/none` }),
    ).rejects.toThrow(/timeout/i);
    // 5 s and the machine's delay; the pool's queue bound (60 s) or no bound at all would be far past this
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 90_000);
});
