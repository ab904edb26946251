#!/usr/bin/env node
// The first step of `pnpm test` and `pnpm test:e2e`: are Chromium, nginx, CJK fonts, redis-server and
// PostgreSQL (answering, with the tests' database) there? As root on Debian (apt-get) it installs and
// starts what is missing; elsewhere it prints one line per missing piece with the command that fixes it
// and exits 1. The decision is scripts/test-env-plan.mjs; this file gathers facts and acts.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { delimiter, join } from "node:path";
import { planTestEnv } from "./test-env-plan.mjs";

const DATABASE_URL = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
const db = {
  host: DATABASE_URL.hostname,
  port: Number(DATABASE_URL.port || 5432),
  user: decodeURIComponent(DATABASE_URL.username || "postgres"),
  name: DATABASE_URL.pathname.slice(1) || "postgres",
};

const onPath = (name) =>
  [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin"].some(
    (d) => d && existsSync(join(d, name)),
  );

function cjkFonts() {
  if (existsSync("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")) return true;
  const r = spawnSync("fc-list", [":lang=zh", "family"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() !== "";
}

const answers = (host, port) =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    const done = (ok) => (socket.destroy(), resolve(ok));
    socket
      .once("connect", () => done(true))
      .once("error", () => done(false))
      .once("timeout", () => done(false));
  });

const clusters = () => (existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql").sort() : []);

/** Connects as the tests do; `database` names another database (to create the tests' one). */
async function query(sql, database = db.name) {
  const pg = createRequire(new URL("../test/package.json", import.meta.url))("pg");
  const client = new pg.Client({
    connectionString: process.env.TEST_DATABASE_URL,
    ...db,
    database,
    connectionTimeoutMillis: 5_000,
  });
  try {
    await client.connect();
    return await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

async function facts() {
  const ready = await answers(db.host, db.port);
  const cluster = clusters().at(-1);
  let database = { ...db, state: "unknown" };
  if (ready) {
    try {
      await query("select 1");
      database = { ...db, state: "ok" };
    } catch (error) {
      database = { ...db, state: error.code === "3D000" ? "missing" : "refused", error: error.message };
    }
  }
  return {
    root: process.getuid?.() === 0,
    apt: onPath("apt-get"),
    chromium: existsSync("/usr/bin/chromium"),
    nginx: existsSync("/usr/sbin/nginx"),
    cjkFonts: cjkFonts(),
    redisServer: onPath("redis-server"),
    postgres: ready ? { state: "ready" } : cluster ? { state: "stopped", cluster } : { state: "absent" },
    database,
  };
}

const run = (command, args, env = {}) =>
  execFileSync(command, args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...env } });

async function act(step, plan) {
  if (step === "apt-install") {
    console.log(`test environment: installing ${plan.install.join(", ")} (apt-get)`);
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", ...plan.install], { DEBIAN_FRONTEND: "noninteractive" });
  } else if (step === "stop-default-nginx") {
    if (spawnSync("pgrep", ["-x", "nginx"]).status === 0)
      spawnSync("nginx", ["-s", "stop"], { stdio: "ignore" });
  } else if (step === "start-postgres") {
    const cluster = clusters().at(-1);
    console.log(`test environment: starting PostgreSQL ${cluster}`);
    run("pg_ctlcluster", ["--skip-systemctl-redirect", cluster, "main", "start"]);
    for (let i = 0; i < 60 && !(await answers(db.host, db.port)); i++)
      await new Promise((r) => setTimeout(r, 500));
  } else if (step === "create-database") {
    console.log(`test environment: creating database ${db.name}`);
    await query(`create database "${db.name.replaceAll('"', '""')}"`, "postgres");
  }
}

// at most three rounds: install and start, create the database, then nothing is left to do
for (let round = 0; ; round++) {
  const plan = planTestEnv(await facts());
  if (plan.steps.length > 0 && round < 3) {
    for (const step of plan.steps) {
      try {
        await act(step, plan);
      } catch (error) {
        console.error(`test environment: ${step} failed: ${error.message}`);
        process.exit(1);
      }
    }
    continue;
  }
  for (const line of plan.missing) console.error(`test environment: ${line}`);
  if (plan.steps.length > 0)
    console.error(`test environment: still to do after three rounds: ${plan.steps.join(", ")}`);
  if (plan.missing.length > 0 || plan.steps.length > 0) process.exit(1);
  console.log(
    `test environment: Chromium, nginx, CJK fonts, redis-server, PostgreSQL (${db.host}:${db.port}/${db.name}) ready`,
  );
  break;
}
