// `pnpm bench:phone`: the browser benchmarks (test/load/*.bench.ts, in Chromium), with the test suite's global setup
// (the build, the PGlite template) but outside `pnpm test`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: new URL("../..", import.meta.url).pathname,
  test: {
    include: ["test/load/*.bench.ts"],
    globalSetup: ["test/global-setup.ts"],
    hookTimeout: 180_000,
  },
});
