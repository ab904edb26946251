/**
 * The decision of `pnpm test`'s first step (scripts/test-env-plan.mjs): from what the machine has, which
 * Debian packages to install and what to start, or, where it cannot install, one line per missing piece
 * with the command that fixes it. Nothing is installed here.
 */
import { describe, expect, it } from "vitest";
import { type Facts, planTestEnv } from "../scripts/test-env-plan.mjs";

const complete: Facts = {
  root: true,
  apt: true,
  chromium: true,
  nginx: true,
  cjkFonts: true,
  redisServer: true,
  postgres: { state: "ready" },
  database: { host: "127.0.0.1", port: 5432, user: "postgres", name: "test", state: "ok" },
};
const bare: Facts = {
  ...complete,
  chromium: false,
  nginx: false,
  cjkFonts: false,
  redisServer: false,
  postgres: { state: "absent" },
  database: { ...complete.database, state: "unknown" },
};
const user = { root: false, apt: true };

describe("the test environment check", () => {
  it("does nothing on a machine that has everything", () => {
    expect(planTestEnv(complete)).toEqual({ install: [], steps: [], missing: [] });
    expect(planTestEnv({ ...complete, ...user })).toEqual({ install: [], steps: [], missing: [] });
  });

  it("as root with apt-get, installs every missing package at once, stops the default nginx, starts PostgreSQL", () => {
    expect(planTestEnv(bare)).toEqual({
      install: ["chromium", "nginx-light", "fonts-noto-cjk", "redis-server", "postgresql"],
      steps: ["apt-install", "stop-default-nginx", "start-postgres"],
      missing: [],
    });
    expect(planTestEnv({ ...complete, cjkFonts: false })).toEqual({
      install: ["fonts-noto-cjk"],
      steps: ["apt-install"],
      missing: [],
    });
  });

  it("as root, starts an installed PostgreSQL that does not answer, and creates a missing database", () => {
    expect(planTestEnv({ ...complete, postgres: { state: "stopped", cluster: "15" } }).steps).toEqual([
      "start-postgres",
    ]);
    const noDatabase = { ...complete, database: { ...complete.database, state: "missing" as const } };
    expect(planTestEnv(noDatabase).steps).toEqual(["create-database"]);
  });

  it("without root, installs nothing and prints one line per missing piece with its fix", () => {
    const plan = planTestEnv({ ...bare, ...user });
    expect(plan.install).toEqual([]);
    expect(plan.steps).toEqual([]);
    expect(plan.missing).toEqual([
      "missing: Chromium at /usr/bin/chromium (browser tests); fix: sudo apt-get install -y chromium",
      "missing: nginx at /usr/sbin/nginx (the ops/nginx.conf test); fix: sudo apt-get install -y nginx-light",
      "missing: CJK fonts (screenshots of the Chinese interface); fix: sudo apt-get install -y fonts-noto-cjk",
      "missing: redis-server (the scale-out tests start their own); fix: sudo apt-get install -y redis-server",
      "missing: PostgreSQL at 127.0.0.1:5432 (not installed); fix: sudo apt-get install -y postgresql && sudo pg_ctlcluster <version> main start",
    ]);
    expect(
      planTestEnv({ ...complete, ...user, postgres: { state: "stopped", cluster: "15" } }).missing,
    ).toEqual([
      "missing: PostgreSQL at 127.0.0.1:5432 (installed, not answering); fix: sudo pg_ctlcluster 15 main start",
    ]);
    const noDatabase = {
      ...complete,
      ...user,
      database: { ...complete.database, state: "missing" as const },
    };
    expect(planTestEnv(noDatabase).missing).toEqual([
      'missing: database "test" on PostgreSQL at 127.0.0.1:5432; fix: createdb -h 127.0.0.1 -p 5432 -U postgres test',
    ]);
  });

  it("as root without apt-get (another distribution), names the package to look for", () => {
    const plan = planTestEnv({ ...complete, apt: false, chromium: false });
    expect(plan.steps).toEqual([]);
    expect(plan.missing).toEqual([
      "missing: Chromium at /usr/bin/chromium (browser tests); fix: install it with your package manager (Debian: apt-get install -y chromium)",
    ]);
  });

  it("never touches a PostgreSQL on another host, and reports a refused login even as root", () => {
    const remote = { ...complete.database, host: "db.example", state: "unknown" as const };
    const plan = planTestEnv({
      ...complete,
      postgres: { state: "stopped", cluster: "15" },
      database: remote,
    });
    expect(plan.steps).toEqual([]);
    expect(plan.missing).toEqual([
      "missing: PostgreSQL at db.example:5432 (installed, not answering); fix: start it",
    ]);
    const refused = {
      ...complete.database,
      state: "refused" as const,
      error: "password authentication failed",
    };
    const refusedPlan = planTestEnv({ ...complete, database: refused });
    expect(refusedPlan.steps).toEqual([]);
    expect(refusedPlan.missing).toHaveLength(1);
    expect(refusedPlan.missing[0]).toMatch(
      /refuses user postgres on database "test" \(password authentication failed\)/,
    );
  });
});
