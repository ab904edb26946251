// What `pnpm test` needs from the machine, and what to do about what is missing: a pure function of
// the facts scripts/test-env.mjs gathers, so the decision is unit-tested (test/test-env.test.ts)
// without installing anything.

/** Programs and files the tests use, each with the Debian package that provides it. */
export const REQUIREMENTS = [
  { key: "chromium", what: "Chromium at /usr/bin/chromium (browser tests)", apt: "chromium" },
  { key: "nginx", what: "nginx at /usr/sbin/nginx (the ops/nginx.conf test)", apt: "nginx-light" },
  { key: "cjkFonts", what: "CJK fonts (screenshots of the Chinese interface)", apt: "fonts-noto-cjk" },
  { key: "redisServer", what: "redis-server (the scale-out tests start their own)", apt: "redis-server" },
];

/**
 * @param {import("./test-env-plan.d.mts").Facts} facts
 * @returns {import("./test-env-plan.d.mts").Plan}
 */
export function planTestEnv(facts) {
  const canInstall = facts.root && facts.apt;
  const sudo = facts.root ? "" : "sudo ";
  const aptFix = (pkg) =>
    facts.apt
      ? `${sudo}apt-get install -y ${pkg}`
      : `install it with your package manager (Debian: apt-get install -y ${pkg})`;
  const db = facts.database;
  const where = `PostgreSQL at ${db.host}:${db.port}`;
  const local = db.host === "127.0.0.1" || db.host === "localhost";

  const install = [];
  const steps = [];
  const missing = [];
  for (const r of REQUIREMENTS) {
    if (facts[r.key]) continue;
    if (canInstall) install.push(r.apt);
    else missing.push(`missing: ${r.what}; fix: ${aptFix(r.apt)}`);
  }
  // the package may start a default nginx on port 80; the tests run their own
  if (install.includes("nginx-light")) steps.push("stop-default-nginx");

  // PostgreSQL is set up here only on this machine (127.0.0.1), never on another host
  const fixHere = canInstall && local;
  const start = `${sudo}pg_ctlcluster ${facts.postgres.cluster ?? "<version>"} main start`;
  if (facts.postgres.state === "absent") {
    if (fixHere) {
      install.push("postgresql");
      steps.push("start-postgres");
    } else {
      const fix = local ? `${aptFix("postgresql")} && ${start}` : "start it";
      missing.push(`missing: ${where} (not installed); fix: ${fix}`);
    }
  } else if (facts.postgres.state === "stopped") {
    if (fixHere) steps.push("start-postgres");
    else missing.push(`missing: ${where} (installed, not answering); fix: ${local ? start : "start it"}`);
  } else if (db.state === "missing") {
    if (fixHere) steps.push("create-database");
    else {
      const fix = `createdb -h ${db.host} -p ${db.port} -U ${db.user} ${db.name}`;
      missing.push(`missing: database "${db.name}" on ${where}; fix: ${fix}`);
    }
  } else if (db.state === "refused") {
    const fix = `let ${db.user} in without a password from ${db.host} (a "host all all ${db.host}/32 trust" line in pg_hba.conf), or set TEST_DATABASE_URL`;
    missing.push(
      `missing: ${where} refuses user ${db.user} on database "${db.name}" (${db.error}); fix: ${fix}`,
    );
  }
  if (install.length > 0) steps.unshift("apt-install");
  return { install, steps, missing };
}
