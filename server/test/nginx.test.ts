/**
 * The operations example, tested: ops/nginx.conf load-balancing two server processes (the file's own
 * Redis and PostgreSQL database) with no sticky sessions; a host and three students connect through nginx
 * over websockets. CI installs nginx from Debian; elsewhere the test is skipped when nginx is not installed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type SubmitResult } from "@tokenroom/shared";
import {
  attachHost,
  call,
  type ClientSocket,
  connectTo,
  createSessionAt,
  expectOk,
  joinAs,
  next,
  phoneSamples,
  startToyRound,
  testDatabaseUrl,
} from "./boot.ts";
import { startServer, type ServerProcess } from "../../test/support/process.ts";
import { randomPort, type RedisServer, startRedis } from "./services.ts";

const NGINX = "/usr/sbin/nginx";
const hasNginx = spawnSync(NGINX, ["-v"]).status === 0;
const servers: ServerProcess[] = [];
const sockets: ClientSocket[] = [];
let nginx: ChildProcess | undefined;
let redis: RedisServer | undefined;
const dir = mkdtempSync(join(tmpdir(), "tokenroom-nginx-"));
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  nginx?.kill("SIGTERM");
  await Promise.all(servers.map((s) => s.stop("SIGTERM")));
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * nginx cannot listen on port 0 and tell us the port, so it gets a random port below the OS's ephemeral
 * range (randomPort: never one the OS hands out, so only another explicit choice can hold it). If the
 * port is taken nginx exits with "Address already in use" and we try another, at most 10 times. It has
 * bound its socket once it wrote its pid file.
 */
async function startNginx(upstreams: string[]): Promise<string> {
  const template = readFileSync(fileURLToPath(new URL("../../ops/nginx.conf", import.meta.url)), "utf8");
  mkdirSync(join(dir, "logs"), { recursive: true });
  const pidFile = join(dir, "nginx.pid");
  for (let attempt = 0; attempt < 10; attempt++) {
    const port = randomPort();
    writeFileSync(
      join(dir, "nginx.conf"),
      template
        .replaceAll("{{DIR}}", dir)
        .replace("{{UPSTREAMS}}", upstreams.map((u) => `    server ${u};`).join("\n"))
        .replace("{{PORT}}", String(port)),
    );
    rmSync(pidFile, { force: true });
    const child = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const deadline = Date.now() + 10_000;
    while (child.exitCode === null && !existsSync(pidFile) && Date.now() < deadline)
      await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
    if (child.exitCode === null && existsSync(pidFile)) {
      nginx = child;
      return `http://127.0.0.1:${port}`;
    }
    child.kill("SIGKILL");
    await exited;
    if (!/Address already in use/.test(err)) throw new Error(`nginx did not start: ${err}`);
  }
  throw new Error("nginx found no free port in 10 tries");
}

describe.skipIf(!hasNginx && process.env.CI !== "true")(
  "nginx in front of two processes (ops/nginx.conf)",
  () => {
    it("serves a whole round through the load balancer", async () => {
      redis = await startRedis();
      const env = { DATABASE_URL: await testDatabaseUrl(), REDIS_URL: redis.url, STATS_INTERVAL_MS: "100" };
      servers.push(...(await Promise.all([0, 1].map(() => startServer(env)))));
      const url = await startNginx(servers.map((s) => new URL(s.url).host));
      const connect = () => connectTo(url, sockets);
      const created = await createSessionAt(url);
      const host = await connect();
      await attachHost(host, created);
      const students = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const socket = await connect();
          return {
            socket,
            joined: await joinAs(socket, created.code, `n${i}`),
          };
        }),
      );
      const round = await startToyRound(host);
      for (const s of students) {
        await expectOk(
          call<SubmitResult>(s.socket, "sample:submit", {
            roundId: round.id,
            samples: phoneSamples(round, s.joined.participantId, 0, 25),
          }),
        );
      }
      const stats = await next(host, "round:stats", (s) => s.roundId === round.id && s.n >= 75, 15_000);
      expect(stats.n).toBe(75);
    });
  },
);
