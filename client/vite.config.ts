/** Vite: the React app; in dev, /api, /healthz and the socket are proxied to the server on :3000. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Writes `<file>.br` and `<file>.gz` beside every text file of the build over 1 KB, compressed once at their
 * best settings, so the server sends a phone about a quarter of the bytes without compressing per request
 * (server/src/http/static-client.ts picks the file by Accept-Encoding).
 */
function precompress(): Plugin {
  return {
    name: "tokenroom-precompress",
    apply: "build",
    async writeBundle(options, bundle) {
      const dir = options.dir ?? "dist";
      const files = Object.keys(bundle).filter((f) => /\.(js|css|html|svg|json|txt)$/.test(f));
      await Promise.all(
        files.map(async (file) => {
          const data = await readFile(join(dir, file));
          if (data.length < 1024) return;
          const [br, gz] = await Promise.all([
            brotli(data, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
              },
            }),
            gzipped(data, { level: 9 }),
          ]);
          await Promise.all([writeFile(join(dir, `${file}.br`), br), writeFile(join(dir, `${file}.gz`), gz)]);
        }),
      );
    },
  };
}

const server = "http://localhost:3000";

export default defineConfig({
  plugins: [react(), precompress()],
  // module workers can split code and share chunks with the page
  worker: { format: "es" },
  server: {
    proxy: {
      "/api": server,
      "/healthz": server,
      "/socket.io": { target: server, ws: true },
    },
  },
  build: {
    target: "es2022",
    // the host's charts are big on purpose (lazy); warn only beyond that
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // precompress() spends its seconds on purpose (Brotli at quality 11, once per build): no timing warning
      checks: { pluginTimings: false },
      // @tokenroom/shared is pure (no import-time side effects): let unused protocol schemas (and zod) drop
      // out of the phone's page bundle. The worker still gets what modelFromArtifact needs.
      treeshake: { moduleSideEffects: [{ test: /[\\/]shared[\\/]src[\\/]/, sideEffects: false }] },
    },
  },
});
