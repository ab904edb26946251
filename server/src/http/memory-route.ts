/**
 * GET /api/admin/memory (ADMIN_TOKEN): what this process holds in memory, for operators and the memory test
 * ([MEM1]–[MEM2], docs/operations.md). Counts only: no session id, code or text.
 */
import type { Request, Response } from "express";
import type { ModelRegistry } from "../models/registry.ts";
import type { SessionService } from "../realtime/session-service.ts";
import { requireAdmin } from "../review/auth.ts";
import { bearerToken, type HttpError, sendHttpError } from "./errors.ts";

export function memoryRoute(sessions: SessionService, models: ModelRegistry, adminToken: string | undefined) {
  return (req: Request, res: Response): void => {
    res.setHeader("Cache-Control", "no-store");
    try {
      requireAdmin(bearerToken(req), adminToken);
    } catch (error) {
      return sendHttpError(res, error as HttpError);
    }
    void Promise.all([...sessions.live.values()].map((p) => p.catch(() => null))).then((all) => {
      const live = all.filter((l) => l !== null);
      // started with --expose-gc (the memory test): collect first, so the heap figure is what is still held
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      res.json({
        liveSessions: live.length,
        liveRounds: live.filter((l) => l.round !== null).length,
        liveParticipants: live.reduce((n, l) => n + l.participants.size, 0),
        modelCache: models.cacheStats(),
        rssBytes: m.rss,
        heapUsedBytes: m.heapUsed,
      });
    });
  };
}
