// `pnpm docs:screenshots`: the screenshots of docs/teaching.md and the README (test/e2e/*.shot.ts), with the
// test suite's global setup (the build, the PGlite template) but outside `pnpm test`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: new URL("../..", import.meta.url).pathname,
  test: {
    include: ["test/e2e/*.shot.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
