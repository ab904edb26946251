/**
 * Runs the real server as a child process: the build of the current sources (`server/dist/index.js`, made
 * by vitest's globalSetup, test/global-setup.ts, or by `pnpm build`), run with node. The one place that
 * starts server processes, for the server's restart and multi-process tests (server/test), the browser
 * tests (test/e2e/harness.ts) and the load benchmarks (test/load).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The built server (scripts/build-server.mjs), relative to the repository root. */
export const SERVER_ENTRY = "server/dist/index.js";

/** The line server/src/index.ts logs (at info level) once it listens: the OS-chosen port is read from it. */
const UP_LINE = /Tokenroom is up: http:\/\/[^\s:]+:(\d+)/;

/**
 * Resolves with the port a server started with PORT=0 reports, once it is up (listening, migrated):
 * the first group of `line` in its stdout.
 * The port stays held by the server from bind to exit: nothing probes a port and hopes it stays free.
 */
export function listeningPort(
  child: ChildProcess,
  output: () => string,
  timeoutMs = 60_000,
  line: RegExp = UP_LINE,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = line.exec(output());
      if (!m) return;
      done();
      resolve(Number(m[1]));
    };
    const exited = () => {
      done();
      reject(new Error(`server exited (${child.exitCode ?? child.signalCode}): ${output()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`server did not report its port within ${timeoutMs} ms: ${output()}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off("data", check);
      child.off("exit", exited);
    };
    child.stdout?.on("data", check);
    child.once("exit", exited);
    check();
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** What the server wrote to stderr: its warnings and errors (server/src/logger.ts), for a failing test to print. */
  errors: () => string;
  /** Sends `signal` (to the process group, for `group` servers) and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** How long to wait for the server to report its port (default 60 s). */
  timeoutMs?: number;
  /** Starts the server in a process group of its own: stop() signals the group (the server and anything it started). */
  group?: boolean;
}

/** Starts the server on a port the OS chooses (PORT=0) on 127.0.0.1; PUBLIC_URL defaults to that address. */
export async function startServer(
  env: Record<string, string>,
  { timeoutMs = 60_000, group = false }: StartOptions = {},
): Promise<ServerProcess> {
  // SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  if (!existsSync(join(ROOT, SERVER_ENTRY))) {
    throw new Error(`${SERVER_ENTRY} is missing: vitest's globalSetup builds it; elsewhere run pnpm build`);
  }
  const child = spawn(process.execPath, [...nodeArgs, "--enable-source-maps", SERVER_ENTRY], {
    cwd: ROOT,
    // LOG_LEVEL info: the "is up" line is how the port comes back
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: group,
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
    err += d.toString();
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const signal = (name: NodeJS.Signals) => {
    if (!group || child.pid === undefined) return void child.kill(name);
    try {
      process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  const port = await listeningPort(child, () => out, timeoutMs).catch((error: unknown) => {
    signal("SIGKILL");
    throw error;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    errors: () => err,
    stop: (name = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (exited()) return resolve();
        child.once("exit", () => resolve());
        signal(name);
      }),
  };
}
