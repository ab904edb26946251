/**
 * A production install, as docs/operations.md and the Dockerfile do it, in a temporary copy of this tree as
 * `pnpm build` left it (vitest's globalSetup runs that build, test/global-setup.ts): `pnpm install --prod`
 * (devDependencies never installed: no tsx, esbuild or Vite), then `pnpm start`'s script on a fresh PGlite
 * directory (its first start: initdb and every migration). The built server must answer /healthz, serve the
 * web app and list the shipped models, started by plain node.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Every step is bounded; together well under the hook timeout on a loaded machine. */
const STEP_MS = 120_000;
const SKIPPED = new Set(["node_modules", "data", ".git", "test-results", "coverage", "generated"]);

const dir = mkdtempSync(join(tmpdir(), "tokenroom-prod-"));
const tree = join(dir, "tree");
let server: ChildProcess | undefined;
let base = "";
/** What the start printed up to its "is up" line. */
let startOutput = "";

function pnpm(...args: string[]): void {
  const r = spawnSync("pnpm", args, {
    cwd: tree,
    encoding: "utf8",
    timeout: STEP_MS,
    env: { ...process.env, CI: "true" },
  });
  if (r.status !== 0)
    throw new Error(`pnpm ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

/** Starts `node scripts/start.mjs` and resolves with the URL from its "Tokenroom is up" line. */
function start(): Promise<string> {
  // no REDIS_URL or DATABASE_URL from the environment: one process over PGlite
  const { REDIS_URL: _redis, DATABASE_URL: _database, ...env } = process.env;
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: tree,
    env: {
      ...env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: join(dir, "pglite"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = child;
  let output = "";
  startOutput = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "Tokenroom is up" within ${STEP_MS} ms:\n${output}`)),
      STEP_MS,
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        output += `${line}\n`;
        startOutput = output;
        const up = /Tokenroom is up: http:\/\/localhost:(\d+)/.exec(line);
        if (!up) return;
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${up[1]}`);
      });
    }
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}):\n${output}`));
    });
  });
}

beforeAll(
  async () => {
    cpSync(ROOT, tree, {
      recursive: true,
      preserveTimestamps: true, // the build stays newer than its sources: start.mjs finds it fresh
      filter: (path) => !SKIPPED.has(basename(path)) && !basename(path).startsWith(".scratch"),
    });
    pnpm("install", "--prod", "--frozen-lockfile", "--offline");
    base = await start();
    expect(startOutput).not.toMatch(/older than its sources|not built/);
  },
  2 * STEP_MS + 30_000,
);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("a production install (pnpm install --prod on a built tree)", () => {
  it("has no devDependencies: the server runs from its build with plain node", () => {
    expect(existsSync(join(tree, "client", "dist", "index.html"))).toBe(true);
    expect(existsSync(join(tree, "node_modules", ".bin", "tsx"))).toBe(false);
    expect(existsSync(join(tree, "server", "node_modules", "esbuild"))).toBe(false);
    expect(existsSync(join(tree, "client", "node_modules", "vite"))).toBe(false);
    expect(existsSync(join(tree, "server", "dist", "index.js"))).toBe(true);
  });

  it("answers /healthz, serves the web app, and lists the shipped models", async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, database: "pglite" });

    const page = await fetch(`${base}/join/ABCD`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\//);

    const models = (await (await fetch(`${base}/api/models`)).json()) as { id: string }[];
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(["toy", "tiny-stories", "zh-stories"]));
  });
});
