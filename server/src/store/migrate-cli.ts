/** `pnpm db:migrate`: applies pending migrations to the configured database (what start-up does too). */
import { databaseTarget } from "./adapters.ts";
import { openDatabase } from "./database.ts";

const target = databaseTarget(process.env);
try {
  const db = await openDatabase(target);
  console.log(db.applied.length ? `applied: ${db.applied.join(", ")}` : "database is up to date");
  await db.close();
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
