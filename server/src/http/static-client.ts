/**
 * Serves the built web app (client/dist) the way a phone on classroom Wi-Fi needs it:
 * - every asset as the Brotli or gzip file the build wrote beside it (client/vite.config.ts, `precompress`),
 *   chosen by the request's Accept-Encoding (`Vary: Accept-Encoding`), or as is for a client that takes neither;
 * - the hashed files under /assets/ cached for a year as immutable (a new build has new names);
 * - index.html, and the single-page app's every other GET (/host/…, /join/CODE, …), revalidated each time.
 */
import express, { type Router } from "express";
import expressStaticGzip from "express-static-gzip";

const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

export function clientRouter(dir: string): Router {
  const router = express.Router();
  router.use(
    expressStaticGzip(dir, {
      enableBrotli: true,
      orderPreference: ["br", "gz"],
      index: false,
      serveStatic: {
        index: false,
        // serve-static's own max-age would apply to every file: the header is set per file here
        cacheControl: false,
        setHeaders: (res, path) =>
          res.setHeader("Cache-Control", /[\\/]assets[\\/]/.test(path) ? IMMUTABLE : REVALIDATE),
      },
    }),
  );
  router.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
    res.setHeader("Cache-Control", REVALIDATE);
    res.sendFile("index.html", { root: dir });
  });
  return router;
}
