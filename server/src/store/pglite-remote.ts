/**
 * The main thread's side of the embedded database (pglite-thread.ts runs PGlite in a worker thread): a Prisma
 * driver adapter whose every call is a message to that thread, and the migrations' SQL runner.
 */
import { Worker } from "node:worker_threads";
import { workerSource } from "../worker-source.ts";
import type { SqlRunner } from "./migrate.ts";
import type { ThreadReply, ThreadRequest } from "./pglite-protocol.ts";

type Request = ThreadRequest extends infer R ? (R extends ThreadRequest ? Omit<R, "id"> : never) : never;

/** A thread's error rebuilt: Prisma maps a driver adapter error by its name and `cause` (a unique violation → P2002). */
function rebuild(error: NonNullable<ThreadReply["error"]>): Error {
  const rebuilt = new Error(error.message, error.cause ? { cause: error.cause } : undefined);
  rebuilt.name = error.name;
  return rebuilt;
}

export interface PgliteThread {
  /** For `new PrismaClient({ adapter })`: Prisma's SqlDriverAdapterFactory contract. */
  readonly adapter: object;
  readonly runner: SqlRunner;
  close(): Promise<void>;
}

/**
 * [RSS1] The database thread's young generation, in MB. Its live heap is ~15 MB under a 1,000-student load; with
 * V8's default young generation its heap grew to 60 MB, mostly short-lived query results waiting for a scavenge.
 * At 8 MB it peaked at 33 MB (bench:load, --trace-gc): more, cheaper scavenges, on the database thread only.
 */
const DATABASE_THREAD_YOUNG_GENERATION_MB = 8;

/** Starts the database thread on `dataDir` (undefined: in memory) and waits until PGlite is open. */
export async function startPgliteThread(dataDir: string | undefined): Promise<PgliteThread> {
  const source = workerSource("pglite-thread");
  const worker = new Worker(source.code, {
    eval: source.eval,
    workerData: { dataDir },
    resourceLimits: { maxYoungGenerationSizeMb: DATABASE_THREAD_YOUNG_GENERATION_MB },
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stopped: Error | null = null;

  const opened = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on("message", (reply: ThreadReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.error) waiter.reject(rebuild(reply.error));
    else waiter.resolve(reply.result);
  });
  const fail = (error: Error) => {
    stopped = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on("error", (error) => fail(new Error(`the embedded database stopped: ${error.message}`)));
  worker.on("exit", (code) => fail(new Error(`the embedded database stopped (thread exited with ${code})`)));

  const call = (request: Request): Promise<unknown> => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  };
  await opened;

  const queryable = (tx?: number) => ({
    provider: "postgres" as const,
    adapterName: "tokenroom-pglite-thread",
    queryRaw: (query: unknown) => call({ op: "queryRaw", query, ...(tx === undefined ? {} : { tx }) }),
    executeRaw: (query: unknown) =>
      call({ op: "executeRaw", query, ...(tx === undefined ? {} : { tx }) }) as Promise<number>,
  });
  const connection = {
    ...queryable(),
    executeScript: (script: string) => call({ op: "executeScript", script }).then(() => undefined),
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    async startTransaction(isolationLevel?: string) {
      const { tx, options } = (await call({
        op: "begin",
        ...(isolationLevel === undefined ? {} : { isolationLevel }),
      })) as { tx: number; options: unknown };
      return {
        ...queryable(tx),
        options,
        commit: () => call({ op: "commit", tx }).then(() => undefined),
        rollback: () => call({ op: "rollback", tx }).then(() => undefined),
      };
    },
    dispose: () => Promise.resolve(),
  };

  return {
    adapter: {
      provider: "postgres",
      adapterName: "tokenroom-pglite-thread",
      connect: () => Promise.resolve(connection),
    },
    runner: {
      exec: async (sql) => void (await call({ op: "exec", sql })),
      query: async <T>(sql: string, params?: unknown[]) =>
        (await call({ op: "rows", sql, ...(params === undefined ? {} : { params }) })) as T[],
    },
    async close() {
      if (!stopped) await call({ op: "close" }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
