// Prisma CLI configuration: migrations run through the WASM schema engine ("js" engine) over a
// driver adapter, so nothing is downloaded. DATABASE_URL=postgres://… targets PostgreSQL; otherwise
// the embedded PGlite database in DATA_DIR (default ./data/pglite).
import { defineConfig } from "prisma/config";
import { createMigrationAdapter } from "./server/src/store/adapters.ts";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: () => createMigrationAdapter(process.env),
});
