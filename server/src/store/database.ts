/** Opens the database (PGlite or PostgreSQL), applies migrations, and returns a Prisma client over it. */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/index.js";
import type { DatabaseTarget } from "./adapters.ts";
import { applyMigrations, type SqlRunner } from "./migrate.ts";
import { startPgliteThread } from "./pglite-remote.ts";

type AdapterOption = NonNullable<ConstructorParameters<typeof PrismaClient>[0]>["adapter"];

export interface Database {
  readonly kind: DatabaseTarget["kind"];
  readonly prisma: PrismaClient;
  /**
   * The driver itself, without Prisma: the hot sample insert goes through it (no query plan, no result mapping).
   * PGlite: messages to its thread; PostgreSQL: the same pool as Prisma's.
   */
  readonly sql: SqlRunner;
  /** Migrations applied by this open. */
  readonly applied: string[];
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Connections to PostgreSQL per server process. */
const POOL_SIZE = 10;
/** How long a query may wait for a free connection before it fails (the request then answers an error). */
const QUEUE_TIMEOUT_MS = 60_000;
/** How long opening a connection may take: an unreachable database fails requests after this, not a minute. */
const CONNECT_TIMEOUT_MS = 5_000;

/** A pg Client whose connect is bounded by CONNECT_TIMEOUT_MS whatever the pool's (longer) queue timeout. */
class BoundedConnectClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super({ ...config, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === "pglite") {
    // PGlite runs on a thread of its own (pglite-thread.ts): its statements never hold up the sockets
    const thread = await startPgliteThread(target.dataDir);
    let applied: string[];
    try {
      applied = await applyMigrations(thread.runner);
    } catch (error) {
      await thread.close();
      throw error;
    }
    const prisma = new PrismaClient({ adapter: thread.adapter as AdapterOption });
    return {
      kind: "pglite",
      prisma,
      sql: thread.runner,
      applied,
      ping: () => ping(prisma),
      close: async () => {
        await prisma.$disconnect();
        await thread.close();
      },
    };
  }
  const migrator = new BoundedConnectClient({ connectionString: target.url });
  await migrator.connect();
  let applied: string[];
  try {
    applied = await applyMigrations({
      exec: async (sql) => void (await migrator.query(sql)),
      query: async <T>(sql: string, params?: unknown[]) => (await migrator.query(sql, params)).rows as T[],
    });
  } finally {
    await migrator.end();
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: POOL_SIZE,
    // pg-pool bounds two waits with this one setting: a query queued for one of the POOL_SIZE connections, and
    // opening a connection. A burst (a class joining at once, a loaded machine) can queue a query for seconds:
    // it waits, as a query would on a bigger pool. Opening a connection is bounded on its own (the Client below)
    connectionTimeoutMillis: QUEUE_TIMEOUT_MS,
    Client: BoundedConnectClient,
  });
  pool.on("error", () => undefined); // idle-client errors (server restart): the next query reconnects
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    sql: {
      exec: async (sql) => void (await pool.query(sql)),
      query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[],
    },
    applied,
    ping: () => ping(prisma),
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

async function ping(prisma: PrismaClient): Promise<boolean> {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
