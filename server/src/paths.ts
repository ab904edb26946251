/**
 * Files the server reads at run time, by path from the repository root. This module sits directly in
 * server/src, at the same depth as the bundle server/dist/index.js (scripts/build-server.mjs), so "../.."
 * is the repository root whether the server runs from source (tsx, vitest) or from the build (node).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The web app, built by Vite. */
export const CLIENT_DIST = join(ROOT, "client", "dist");
/** The shipped n-gram artifacts (*.json). */
export const SHIPPED_MODELS_DIR = join(ROOT, "shared", "models");
/** The corpora the shipped models were trained on (<model id>.txt): "be the model" reads their held-out lines. */
export const SHIPPED_CORPORA_DIR = join(ROOT, "shared", "corpora");
/** Prisma's migration history, applied at start-up. */
export const MIGRATIONS_DIR = join(ROOT, "prisma", "migrations");
