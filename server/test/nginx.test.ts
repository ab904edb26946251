/**
 * The operations example, tested: ops/nginx.conf load-balancing two server processes (Redis + PostgreSQL)
 * with no sticky sessions; a host and three students connect through nginx over websockets.
 * CI installs nginx from Debian; elsewhere the test is skipped when nginx is not installed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type HostSnapshot, type JoinResult, type RoundInfo, type SubmitResult } from "@tokenroom/shared";
import { call, type ClientSocket, connectTo, expectOk, next, phoneSamples, POSTGRES_URL } from "./boot.ts";
import { freePort, startServer, type ServerProcess } from "./process.ts";

const NGINX = "/usr/sbin/nginx";
const hasNginx = spawnSync(NGINX, ["-v"]).status === 0;
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const servers: ServerProcess[] = [];
const sockets: ClientSocket[] = [];
let nginx: ChildProcess | undefined;
const dir = mkdtempSync(join(tmpdir(), "tokenroom-nginx-"));
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  nginx?.kill("SIGTERM");
  await Promise.all(servers.map((s) => s.stop("SIGTERM")));
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasNginx && process.env.CI !== "true")(
  "nginx in front of two processes (ops/nginx.conf)",
  () => {
    it("serves a whole round through the load balancer", async () => {
      const env = { DATABASE_URL: POSTGRES_URL, REDIS_URL, STATS_INTERVAL_MS: "100" };
      servers.push(...(await Promise.all([0, 1].map(() => startServer(env)))));
      const port = await freePort();
      const template = readFileSync(fileURLToPath(new URL("../../ops/nginx.conf", import.meta.url)), "utf8");
      const upstreams = servers.map((s) => `    server ${new URL(s.url).host};`).join("\n");
      writeFileSync(
        join(dir, "nginx.conf"),
        template
          .replaceAll("{{DIR}}", dir)
          .replace("{{UPSTREAMS}}", upstreams)
          .replace("{{PORT}}", String(port)),
      );
      mkdirSync(join(dir, "logs"), { recursive: true });
      nginx = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], {
        stdio: "ignore",
      });
      const url = `http://127.0.0.1:${port}`;
      for (
        let i = 0;
        i < 50 &&
        !(await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        ));
        i++
      )
        await new Promise((r) => setTimeout(r, 100));

      const connect = () => connectTo(url, sockets);
      const created = (await (await fetch(`${url}/api/sessions`, { method: "POST" })).json()) as {
        sessionId: string;
        code: string;
        hostKey: string;
      };
      const host = await connect();
      await expectOk(
        call<HostSnapshot>(host, "host:attach", { sessionId: created.sessionId, hostKey: created.hostKey }),
      );
      const students = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const socket = await connect();
          return {
            socket,
            joined: await expectOk(
              call<JoinResult>(socket, "student:join", { code: created.code, nickname: `n${i}` }),
            ),
          };
        }),
      );
      const round = await expectOk(
        call<RoundInfo>(host, "round:start", {
          modelId: "toy",
          prompt: "the",
          temperature: 1,
          topK: 0,
          topP: 1,
          maxTokens: 3,
          mode: "sample",
        }),
      );
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
