/** A tiny leveled logger: one line per event, errors with their stack. Silent when LOG_LEVEL=silent. */
import { inspect } from "node:util";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/**
 * [H4] The most characters one log entry keeps: a database error can quote a whole query and its parameters
 * (tens of KB per request), which a client could repeat to fill the disk.
 */
export const MAX_LOG_CHARS = 4_000;

export function capLog(text: string, max = MAX_LOG_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters cut]`;
}

export function createLogger(level = process.env.LOG_LEVEL ?? "info"): Logger {
  const silent = level === "silent";
  const quiet = silent || level === "error";
  return {
    info: (m) => void (quiet || console.log(capLog(m))),
    warn: (m) => void (quiet || console.warn(capLog(m))),
    error: (m, e) =>
      void (
        silent ||
        console.error(
          capLog(m),
          capLog(
            e instanceof Error
              ? (e.stack ?? e.message)
              : typeof e === "string"
                ? e
                : e === undefined
                  ? ""
                  : inspect(e, { depth: 4 }),
          ),
        )
      ),
  };
}
