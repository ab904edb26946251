/** Entry point: read the environment, open the database (migrating it), load models, listen. */
import { existsSync } from "node:fs";
import { createApplication } from "./app.ts";
import { defaultPublicUrl, loadConfig } from "./config.ts";
import { clientRouter } from "./http/static-client.ts";
import { createLogger } from "./logger.ts";
import { loadCustomModels } from "./models/custom-models.ts";
import { loadModelRegistry } from "./models/registry.ts";
import { CLIENT_DIST } from "./paths.ts";
import { openDatabase } from "./store/database.ts";

async function main(): Promise<void> {
  const log = createLogger();
  const config = loadConfig();
  const db = await openDatabase(config.database);
  if (db.applied.length > 0) log.info(`database migrated: ${db.applied.join(", ")}`);
  const models = loadModelRegistry(undefined, config.modelCacheMb * 2 ** 20);
  const custom = await loadCustomModels(models, db.prisma, log);
  if (custom > 0) log.info(`custom models loaded: ${custom}`);
  const app = createApplication({
    db,
    models,
    config,
    log,
    mountClient: (server) => {
      if (!existsSync(CLIENT_DIST)) return;
      server.use(clientRouter(CLIENT_DIST));
    },
  });
  await new Promise<void>((resolve, reject) => {
    app.httpServer.once("error", reject);
    app.httpServer.listen(config.port, config.host, resolve);
  });
  const address = app.httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const where =
    config.database.kind === "postgres" ? "PostgreSQL" : `PGlite in ${config.database.dataDir ?? "memory"}`;
  // the test harness reads the port from this line (PORT=0 lets the OS choose one): keep its start stable
  log.info(
    `Tokenroom is up: http://localhost:${port}  (phones: ${config.publicUrl ?? defaultPublicUrl(address)})`,
  );
  log.info(
    `database: ${where}; ${config.redisUrl ? "scale-out through Redis" : "single process"}; models: ${models
      .list()
      .map((m) => m.id)
      .join(", ")}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing writes and shutting down`);
    app
      .close()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`Tokenroom could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
