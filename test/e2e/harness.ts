/**
 * End-to-end harness: boots the real server (`server/dist/index.js` serving `client/dist`, both built by
 * vitest's globalSetup) on a port the OS chooses over a throwaway copy of the migrated PGlite template, and
 * launches Debian's Chromium.
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { pgliteDataDir } from "../../server/test/pglite.ts";
import { startServer as startServerProcess } from "../support/process.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLIENT_DIST = join(ROOT, "client", "dist");

/** Where every e2e test saves its screenshots: $SCREENSHOTS_DIR, or one fixed folder in the temp directory. */
export function screenshotsDir(): string {
  const dir = process.env.SCREENSHOTS_DIR ?? join(tmpdir(), "tokenroom-screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** `env`: extra environment for the server (ADMIN_TOKEN, …). */
export async function startServer(
  timeoutMs = 60_000,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  // a copy of the migrated PGlite directory vitest's globalSetup made (test/global-setup.ts): opens in well
  // under a second, where initdb and the migrations take seconds of CPU
  const dataDir = pgliteDataDir("tokenroom-e2e-db-");
  // the build of the current sources, made once by vitest's globalSetup; in a process group of its own, so
  // that stop() ends it and anything it started
  const server = await startServerProcess({ DATA_DIR: dataDir, ...env }, { timeoutMs, group: true }).catch(
    (error: unknown) => {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    },
  );
  const stop = async () => {
    const stopped = await Promise.race([
      server.stop("SIGTERM").then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 5_000)),
    ]);
    if (!stopped) await server.stop("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url: server.url, stop };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    timeout: 20_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface E2eEnvironment {
  server: RunningServer;
  browser: Browser;
  /** Where this run's screenshots go (printed at the end). */
  shots: string;
}

/**
 * The setup every browser test file shares: starts the real server (client and server as vitest's globalSetup
 * built them) and Chromium before the file's tests, stops both after. The returned object is filled in by beforeAll.
 */
export function useE2eEnvironment(env: Record<string, string> = {}, timeoutMs = 180_000): E2eEnvironment {
  const e2e = { shots: screenshotsDir() } as E2eEnvironment;
  beforeAll(async () => {
    // a loaded 2-core machine can take ~50 s to boot the server (PGlite, migrations): wait up to 120 s
    [e2e.server, e2e.browser] = await Promise.all([startServer(120_000, env), launchBrowser()]);
  }, timeoutMs);
  afterAll(async () => {
    await e2e.browser?.close();
    await e2e.server?.stop();
    console.log(`screenshots: ${e2e.shots}`);
  });
  return e2e;
}
