/** Messages between the server's main thread (pglite-remote.ts) and the embedded database's thread (pglite-thread.ts). */

/** Main thread → database thread; `id` pairs the reply. Queries are Prisma's SqlQuery objects, passed through. */
export type ThreadRequest = { id: number } & (
  | { op: "queryRaw"; query: unknown; tx?: number }
  | { op: "executeRaw"; query: unknown; tx?: number }
  | { op: "executeScript"; script: string }
  | { op: "begin"; isolationLevel?: string }
  | { op: "commit"; tx: number }
  | { op: "rollback"; tx: number }
  /** The migrations' SQL (migrate.ts SqlRunner). */
  | { op: "exec"; sql: string }
  | { op: "rows"; sql: string; params?: unknown[] }
  | { op: "close" }
);

/** Database thread → main thread: `id` 0 says the database is open (or could not be opened). */
export interface ThreadReply {
  id: number;
  result?: unknown;
  error?: { name: string; message: string; cause?: object };
}
