/** Vite: the React app; in dev, /api, /healthz and the socket are proxied to the server on :3000. */
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const server = "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
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
      // @tokenroom/shared is pure (no import-time side effects): let unused protocol schemas (and zod) drop
      // out of the phone's page bundle. The worker still gets what modelFromArtifact needs.
      treeshake: { moduleSideEffects: [{ test: /[\\/]shared[\\/]src[\\/]/, sideEffects: false }] },
    },
  },
});
