/** The private services tests run on: a Redis of their own that stops and comes back, a database of their own. */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, startRedis, type RedisServer } from "./services.ts";

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of opened) await o.close();
});

async function redisPing(r: RedisServer): Promise<string> {
  const { Redis } = await import("ioredis");
  const c = new Redis(r.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  try {
    c.on("error", () => undefined); // a refused connection is the expected answer while it is down
    await c.connect();
    return await c.ping();
  } finally {
    c.disconnect();
  }
}

describe("test services", () => {
  it("starts two private Redis servers on different ports; one restarts without touching the other", async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    opened.push(a, b);
    expect(a.port).not.toBe(b.port);
    expect(a.url).toBe(`redis://127.0.0.1:${a.port}`);
    await a.stop();
    await expect(redisPing(a)).rejects.toThrow();
    expect(await redisPing(b)).toBe("PONG");
    await a.start();
    expect(await redisPing(a)).toBe("PONG");
    await a.close();
    await a.close();
    await expect(redisPing(a)).rejects.toThrow();
  });

  it("creates a database of its own and drops it", async () => {
    const db = await createTestDatabase();
    expect(db.name).toMatch(/^t_[0-9a-f]+_\d+_[0-9a-f]{12}$/);
    expect(new URL(db.url).pathname).toBe(`/${db.name}`);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ d: string }>("SELECT current_database() AS d");
    expect(rows[0]!.d).toBe(db.name);
    // drop() ends open connections (WITH (FORCE)): the client is cut, the database gone
    client.on("error", () => undefined);
    await db.drop();
    await client.end().catch(() => undefined);
    const base = new pg.Client({ connectionString: db.url.replace(db.name, "postgres") });
    await base.connect();
    const left = await base.query("SELECT 1 FROM pg_database WHERE datname = $1", [db.name]);
    await base.end();
    expect(left.rowCount).toBe(0);
  });
});
