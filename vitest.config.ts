import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["shared/**/*.test.ts", "server/**/*.test.ts", "client/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "**/.scratch*/**"],
    globalSetup: ["test/global-setup.ts"],
    // A safety net, not a speed target: tests that start server processes, redis-servers or Chromium wait on
    // their own events, and on a shared, loaded 2-core machine those can take minutes to come up.
    testTimeout: 120_000,
    // Most test time is spent waiting on child processes (servers, Chromium, redis-server), not in the
    // worker itself, and every file has its own databases, Redis and ports: three files at a time keep a
    // 2-core machine busy (vitest's default is one fewer than the cores, i.e. one at a time here).
    maxWorkers: 3,
    hookTimeout: 180_000,
  },
});
