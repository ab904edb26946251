// Creates a PGlite data directory (initdb) in a short-lived process. PGlite's initdb leaves the
// WebAssembly heap of the process that ran it at ~800 MB; the server then opens the finished
// directory in its own process and stays near 200 MB. Plain JavaScript: runs without a loader.
import { PGlite } from "@electric-sql/pglite";

const dataDir = process.argv[2];
if (!dataDir) {
  console.error("usage: node init-pglite.mjs <data-dir>");
  process.exit(2);
}
const db = new PGlite(dataDir);
await db.waitReady;
await db.close();
