/**
 * Private backing services for tests: a redis-server of the test's own on a port nobody else uses, and a
 * PostgreSQL database of its own (`t_…`) on the machine's server. No test touches another file's services,
 * and none touches the machine's Redis (6379) or the database `test` for its data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

// ---------------------------------------------------------------------------------------------------------
// Ports for servers that cannot bind port 0 and report it (redis-server reads `--port 0` as "no TCP").

/** Linux hands out ports from ip_local_port_range for `listen(0)` and outgoing connections. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    if (lo && hi) return [Number(lo), Number(hi)];
  } catch {
    // not Linux: the IANA range
  }
  return [49152, 65535];
}

/**
 * A random port below the OS's ephemeral range, so it never collides with a port the OS assigns (our own
 * `listen(0)` servers, client sockets), only with another explicit choice; the caller retries on
 * "Address already in use". This is a choice, not a probe: nothing is bound, closed and reused.
 */
export function randomPort(): number {
  const [lo, hi] = ephemeralRange();
  const [from, to] = lo > 21_000 ? [20_000, lo - 1] : [Math.max(hi + 1, 1024), 65_535];
  return from + Math.floor(Math.random() * (to - from + 1));
}

const BIND_RETRIES = 20;

// ---------------------------------------------------------------------------------------------------------
// Redis

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** SIGTERM (no save: it runs with --save "") and wait until the process exited. */
  stop(): Promise<void>;
  /** Start again on the same port after stop(); resolves once it answers PING. */
  start(): Promise<void>;
  /** Stop for good (idempotent), for afterAll. */
  close(): Promise<void>;
}

const REDIS_DIR_PREFIX = "tokenroom-redis-";
/** Every redis-server this process started and has not seen exit: killed if the test process exits. */
const liveRedis = new Set<ChildProcess>();
let exitHook = false;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * redis-servers left by a test process that died without its afterAll (SIGKILL, a crash): each runs in
 * `tokenroom-redis-<owner pid>-*` with its pidfile; when the owner is gone, end the server and its folder.
 */
function sweepOrphanRedis(): void {
  for (const entry of readdirSync(tmpdir())) {
    const owner = /^tokenroom-redis-(\d+)-/.exec(entry)?.[1];
    if (!owner || isAlive(Number(owner))) continue;
    const dir = join(tmpdir(), entry);
    try {
      const pid = Number(readFileSync(join(dir, "redis.pid"), "utf8").trim());
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes("redis-server")) process.kill(pid, "SIGKILL");
    } catch {
      // no pidfile or no such process: only the folder is left
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, "127.0.0.1");
    let got = "";
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once("error", () => done(false));
    s.once("connect", () => s.write("PING\r\n"));
    s.on("data", (d: Buffer) => {
      got += d.toString();
      if (got.includes("\r\n")) done(got.startsWith("+PONG"));
    });
  });
}

/** Runs redis-server on `port`: resolves with the child once it answers PING, or "in-use" if the bind failed. */
async function spawnRedis(port: number, dir: string): Promise<ChildProcess | "in-use"> {
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--pidfile",
      join(dir, "redis.pid"),
      "--logfile",
      "",
      "--daemonize",
      "no",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  liveRedis.add(child);
  let out = "";
  const keep = (d: Buffer) => void (out = (out + d.toString()).slice(-8000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      liveRedis.delete(child);
      resolve();
    }),
  );
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    // our own "ready" line first: a PONG alone could come from whoever else holds the port
    if (out.includes("Ready to accept connections") && (await ping(port))) return child;
    await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
  }
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exited;
    throw new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${out}`);
  }
  if (/address already in use/i.test(out)) return "in-use";
  throw new Error(`redis-server on port ${port} exited (${child.exitCode}):\n${out}`);
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** A private redis-server: loopback only, no persistence, its own folder under os.tmpdir(). */
export async function startRedis(): Promise<RedisServer> {
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const c of liveRedis) c.kill("SIGKILL");
    });
  }
  sweepOrphanRedis();
  const dir = mkdtempSync(join(tmpdir(), `${REDIS_DIR_PREFIX}${process.pid}-`));
  let child: ChildProcess | undefined;
  let port = 0;
  for (let i = 0; i < BIND_RETRIES && !child; i++) {
    port = randomPort();
    const r = await spawnRedis(port, dir);
    if (r !== "in-use") child = r;
  }
  if (!child) throw new Error(`redis-server found no free port in ${BIND_RETRIES} tries`);
  let closed = false;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopChild(child),
    async start() {
      if (closed) throw new Error("this Redis is closed");
      if (child && child.exitCode === null && child.signalCode === null) return;
      // the port is ours unless someone took it while we were down: retry briefly, never move
      for (let i = 0; i < BIND_RETRIES; i++) {
        const r = await spawnRedis(port, dir);
        if (r !== "in-use") {
          child = r;
          return;
        }
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`port ${port} stayed in use: Redis could not come back on it`);
    },
    async close() {
      closed = true;
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The machine's PostgreSQL; only used to create and drop `t_…` databases. */
export const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** Databases of this machine's test processes: t_<host>_<owner pid>_<random>. */
const HOST_TAG = Buffer.from(hostname()).toString("hex").slice(0, 8);

async function onBase<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BASE_DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Databases left by test processes of this machine that died without dropping them. */
async function sweepOrphanDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE $1",
    [`t\\_${HOST_TAG}\\_%`],
  );
  for (const { datname } of rows) {
    const owner = Number(datname.split("_")[2]);
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner))
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
  }
}

/** CREATE DATABASE t_<random> on the machine's PostgreSQL; drop() removes it (WITH (FORCE)). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${HOST_TAG}_${process.pid}_${randomBytes(6).toString("hex")}`;
  await onBase(async (client) => {
    await sweepOrphanDatabases(client);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    name,
    drop: () =>
      (dropped ??= onBase(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      })),
  };
}
