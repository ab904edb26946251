/** Opens the database (PGlite or PostgreSQL), applies migrations, and returns a Prisma client over it. */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/index.js";
import { type DatabaseTarget, openPglite } from "./adapters.ts";
import { applyMigrations, type SqlRunner } from "./migrate.ts";

type AdapterOption = NonNullable<ConstructorParameters<typeof PrismaClient>[0]>["adapter"];

export interface Database {
  readonly kind: DatabaseTarget["kind"];
  readonly prisma: PrismaClient;
  /** Migrations applied by this open. */
  readonly applied: string[];
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === "pglite") {
    const db = openPglite(target.dataDir);
    await db.waitReady;
    const runner: SqlRunner = {
      exec: async (sql) => void (await db.exec(sql)),
      query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    };
    const applied = await applyMigrations(runner);
    // pglite-prisma-adapter is typed against an older @prisma/driver-adapter-utils; the runtime contract is the same.
    const adapter = new PrismaPGlite(db) as unknown as AdapterOption;
    const prisma = new PrismaClient({ adapter });
    return {
      kind: "pglite",
      prisma,
      applied,
      ping: () => ping(prisma),
      close: async () => {
        await prisma.$disconnect();
        await db.close();
      },
    };
  }
  const migrator = new pg.Client({ connectionString: target.url });
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
  const pool = new pg.Pool({ connectionString: target.url, max: 10, connectionTimeoutMillis: 5_000 });
  pool.on("error", () => undefined); // idle-client errors (server restart): the next query reconnects
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
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
