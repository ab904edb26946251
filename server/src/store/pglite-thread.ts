/**
 * The embedded database's own thread. PGlite (PostgreSQL compiled to WebAssembly) runs every statement
 * synchronously on the thread that owns it; on the server's main thread that was about half of its CPU under
 * load, and every statement held up every socket. Here PGlite and Prisma's PGlite driver adapter live in a
 * `worker_threads` worker; the main thread (pglite-remote.ts) forwards the adapter's calls as messages and
 * gets plain results back. One PGlite, one connection: statements run one at a time, in arrival order, as
 * they did on the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { openPglite } from "./adapters.ts";
import type { ThreadReply, ThreadRequest } from "./pglite-protocol.ts";

interface Queryable {
  queryRaw(query: unknown): Promise<unknown>;
  executeRaw(query: unknown): Promise<number>;
}
interface Transaction extends Queryable {
  readonly options: unknown;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}
interface Adapter extends Queryable {
  executeScript(script: string): Promise<void>;
  startTransaction(isolationLevel?: string): Promise<Transaction>;
}

const port = parentPort;
if (!port) throw new Error("pglite-thread.ts runs as a worker thread");
const { dataDir } = workerData as { dataDir: string | undefined };

const db = openPglite(dataDir);
const ready = db.waitReady.then(async () => (await new PrismaPGlite(db).connect()) as unknown as Adapter);
const transactions = new Map<number, Transaction>();
let nextTx = 1;

function transaction(id: number): Transaction {
  const tx = transactions.get(id);
  if (!tx) throw new Error(`no open transaction ${id}`);
  return tx;
}

async function run(request: ThreadRequest): Promise<unknown> {
  const adapter = await ready;
  switch (request.op) {
    case "queryRaw":
      return (request.tx === undefined ? adapter : transaction(request.tx)).queryRaw(request.query);
    case "executeRaw":
      return (request.tx === undefined ? adapter : transaction(request.tx)).executeRaw(request.query);
    case "executeScript":
      return adapter.executeScript(request.script);
    case "begin": {
      const tx = await adapter.startTransaction(request.isolationLevel);
      const id = nextTx++;
      transactions.set(id, tx);
      return { tx: id, options: tx.options };
    }
    case "commit":
    case "rollback": {
      const tx = transaction(request.tx);
      transactions.delete(request.tx);
      return request.op === "commit" ? tx.commit() : tx.rollback();
    }
    case "exec":
      return void (await db.exec(request.sql));
    case "rows":
      return (await db.query(request.sql, request.params)).rows;
    case "close":
      await db.close();
      return undefined;
  }
}

/** An error as the main thread rebuilds it: the driver adapter's errors keep their `cause` (Prisma maps it). */
function serialize(error: unknown): ThreadReply["error"] {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return {
      name: error.name,
      message: error.message,
      ...(error.name === "DriverAdapterError" && typeof cause === "object" && cause !== null
        ? { cause }
        : {}),
    };
  }
  return { name: "Error", message: String(error) };
}

port.on("message", (request: ThreadRequest) => {
  run(request).then(
    (result) => port.postMessage({ id: request.id, result } satisfies ThreadReply),
    (error: unknown) => port.postMessage({ id: request.id, error: serialize(error) } satisfies ThreadReply),
  );
});
ready.then(
  () => port.postMessage({ id: 0, result: "ready" } satisfies ThreadReply),
  (error: unknown) => port.postMessage({ id: 0, error: serialize(error) } satisfies ThreadReply),
);
