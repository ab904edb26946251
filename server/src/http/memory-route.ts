/**
 * GET /api/admin/memory (ADMIN_TOKEN): what this process holds in memory, for operators and the memory test
 * ([MEM1]–[MEM2], docs/operations.md). Counts only: no session id, code or text.
 */
import type { Request, Response } from "express";
import type { ModelRegistry } from "../models/registry.ts";
import type { Sessions } from "../realtime/sessions.ts";
import { requireAdmin } from "../review/auth.ts";
import { bearerToken, type HttpError, sendHttpError } from "./errors.ts";

export function memoryRoute(sessions: Sessions, models: ModelRegistry, adminToken: string | undefined) {
  return (req: Request, res: Response): void => {
    res.setHeader("Cache-Control", "no-store");
    try {
      requireAdmin(bearerToken(req), adminToken);
    } catch (error) {
      return sendHttpError(res, error as HttpError);
    }
    void sessions.held().then((held) => {
      // started with --expose-gc (the memory test): collect first, so the heap figure is what is still held
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      res.json({
        liveSessions: held.sessions,
        liveRounds: held.rounds,
        liveParticipants: held.participants,
        modelCache: models.cacheStats(),
        rssBytes: m.rss,
        heapUsedBytes: m.heapUsed,
      });
    });
  };
}
