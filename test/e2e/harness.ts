/**
 * End-to-end harness: builds the client when its sources are newer than client/dist, boots the real server
 * (the built `server/dist/index.js`) on a port the OS chooses over a throwaway PGlite directory, and launches Debian's
 * Chromium.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { listeningPort } from "../../server/test/process.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLIENT_DIST = join(ROOT, "client", "dist");

/** Where every e2e test saves its screenshots: $SCREENSHOTS_DIR, or one fixed folder in the temp directory. */
export function screenshotsDir(): string {
  const dir = process.env.SCREENSHOTS_DIR ?? join(tmpdir(), "tokenroom-screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Newest modification time under `path` (file or directory), skipping node_modules. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const entry of readdirSync(path)) {
    if (entry !== "node_modules") t = Math.max(t, newest(join(path, entry)));
  }
  return t;
}

function clientIsFresh(): boolean {
  const built = newest(join(CLIENT_DIST, "index.html"));
  const sources = Math.max(
    newest(join(ROOT, "client", "src")),
    newest(join(ROOT, "client", "index.html")),
    newest(join(ROOT, "client", "vite.config.ts")),
    newest(join(ROOT, "shared", "src")),
  );
  return built > sources;
}

/** e2e files run in parallel workers: one builds while the others wait for it (a lock directory). */
const BUILD_LOCK = join(
  tmpdir(),
  `tokenroom-build-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}.lock`,
);
const STALE_LOCK_MS = 180_000;
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** `pnpm --filter @tokenroom/client build`, unless client/dist is newer than every source it is built from. */
export function buildClientIfStale(): void {
  const deadline = Date.now() + STALE_LOCK_MS;
  while (!clientIsFresh()) {
    try {
      mkdirSync(BUILD_LOCK);
    } catch {
      // another worker is building; a lock left by a killed run is removed once it is old
      if (Date.now() - newest(BUILD_LOCK) > STALE_LOCK_MS)
        rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited too long for the client build (lock ${BUILD_LOCK})`);
      sleepSync(250);
      continue;
    }
    try {
      // vitest sets NODE_ENV=test, which would make Vite bundle React's development build
      const env = { ...process.env, NODE_ENV: "production" };
      execFileSync("pnpm", ["--filter", "@tokenroom/client", "build"], {
        cwd: ROOT,
        env,
        stdio: "pipe",
        timeout: 120_000,
      });
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
    return;
  }
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
  const dataDir = mkdtempSync(join(tmpdir(), "tokenroom-e2e-db-"));
  // the build of the current sources, made once by vitest's globalSetup (test/global-setup.ts)
  const child: ChildProcess = spawn(process.execPath, ["--enable-source-maps", "server/dist/index.js"], {
    cwd: ROOT,
    // PORT=0: the OS picks the port, read back from the "is up" line (logged at info); with HOST=127.0.0.1
    // the join links default to http://127.0.0.1:<port>
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stop() ends it and anything it started
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const killed = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5_000)),
      ]);
      if (!killed) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const port = await listeningPort(child, () => output, timeoutMs);
    return { url: `http://127.0.0.1:${port}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
 * The setup every browser test file shares: builds the client if stale, starts the real server and
 * Chromium before the file's tests, stops both after. The returned object is filled in by beforeAll.
 */
export function useE2eEnvironment(env: Record<string, string> = {}, timeoutMs = 180_000): E2eEnvironment {
  const e2e = { shots: screenshotsDir() } as E2eEnvironment;
  beforeAll(async () => {
    buildClientIfStale();
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
