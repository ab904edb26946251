/** A tiny leveled logger: one line per event, errors with their stack. Silent when LOG_LEVEL=silent. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export function createLogger(level = process.env.LOG_LEVEL ?? "info"): Logger {
  const silent = level === "silent";
  const quiet = silent || level === "error";
  return {
    info: (m) => void (quiet || console.log(m)),
    warn: (m) => void (quiet || console.warn(m)),
    error: (m, e) =>
      void (silent || console.error(m, e instanceof Error ? (e.stack ?? e.message) : (e ?? ""))),
  };
}
