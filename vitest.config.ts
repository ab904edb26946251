import { defineConfig } from "vitest/config";

/**
 * Pure unit tests: the engine, the client's logic and the server's math and limits, which import nothing that
 * starts a database, a server, Redis or a browser (shared/ and client/ cannot import the server at all). They
 * run on worker threads that stay up from one file to the next, with the modules loaded once per thread
 * (`isolate: false`): no file of theirs keeps state in a module or mocks one. Starting a process and
 * loading the modules again for each of these ~40 files cost about half a minute of CPU.
 */
const UNIT = [
  "shared/src/**/*.test.ts",
  "client/src/**/*.test.{ts,tsx}",
  "server/src/config.test.ts",
  "server/src/limits/*.test.ts",
  "server/src/rounds/{aggregator,stats,theory}.test.ts",
  "server/src/realtime/student-fanout.test.ts",
  "server/test/file-end.test.ts",
];
/**
 * Server tests that boot the server in their own process (server/test/boot.ts) and start no server process of
 * their own: one fork per worker, reused from file to file with the server's modules loaded once (`isolate:
 * false`). Each boot makes its own application, database, ports and Redis; what a file leaves behind is cleaned up
 * by server/test/file-end.ts, not by hooks of a helper module (which a shared module graph would run only once).
 * Loading the server's modules again for each of these 14 files cost ~35 s of CPU per run.
 */
const IN_PROCESS_SERVER = [
  "server/test/{abuse,be-model,fanout,fuzz,guess,hardening,limits,live-session}.test.ts",
  "server/test/{model-access,reliability,review-access,review,security,train}.test.ts",
];
const EXCLUDE = ["**/node_modules/**", "**/dist/**", "**/.scratch*/**"];
/** What the integration projects share: the build and the migrated PGlite template, the per-file cleanup. */
const INTEGRATION = {
  // the build and the migrated PGlite template: only when a file here runs (once for both projects)
  globalSetup: ["test/global-setup.ts"],
  setupFiles: ["server/test/file-end-setup.ts"],
  // A safety net, not a speed target: tests that start server processes, redis-servers or Chromium
  // wait on their own events, and on a shared, loaded 2-core machine those can take minutes to come up.
  testTimeout: 120_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    // Most test time is spent waiting on child processes (servers, Chromium, redis-server), not in the
    // worker itself, and every file has its own databases, Redis and ports: three files at a time keep a
    // 2-core machine busy (vitest's default is one fewer than the cores, i.e. one at a time here).
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: "unit",
          include: UNIT,
          exclude: EXCLUDE,
          pool: "threads",
          isolate: false,
          testTimeout: 120_000, // as below: a safety net on a loaded machine, not a speed target
        },
      },
      {
        test: {
          name: "server",
          include: IN_PROCESS_SERVER,
          exclude: EXCLUDE,
          pool: "forks",
          isolate: false,
          ...INTEGRATION,
        },
      },
      {
        test: {
          name: "integration",
          include: ["shared/**/*.test.ts", "server/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...EXCLUDE, ...UNIT, ...IN_PROCESS_SERVER],
          ...INTEGRATION,
        },
      },
    ],
  },
});
