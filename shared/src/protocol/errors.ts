/** Error codes that may reach clients. Anything else stays in the server log as INTERNAL. */
export const ErrorCode = {
  BAD_REQUEST: "BAD_REQUEST",
  PROTOCOL_MISMATCH: "PROTOCOL_MISMATCH",
  NOT_FOUND: "NOT_FOUND",
  SESSION_ENDED: "SESSION_ENDED",
  ROOM_LOCKED: "ROOM_LOCKED",
  NICKNAME_TAKEN: "NICKNAME_TAKEN",
  FORBIDDEN: "FORBIDDEN",
  NOT_JOINED: "NOT_JOINED",
  REMOVED: "REMOVED",
  ROUND_NOT_FOUND: "ROUND_NOT_FOUND",
  ROUND_CLOSED: "ROUND_CLOSED",
  WRONG_PHASE: "WRONG_PHASE",
  INVALID_SAMPLE: "INVALID_SAMPLE",
  SAMPLE_MISMATCH: "SAMPLE_MISMATCH",
  /** [SW1] A sample index beyond the window after the participant's first unstored index: send in order. */
  OUT_OF_ORDER: "OUT_OF_ORDER",
  /** Too many requests of one kind (docs/security.md [L1]–[L7]); the error's `retryAfterMs` says when to try again. */
  RATE_LIMITED: "RATE_LIMITED",
  /** [L3] The session already has its maximum number of students (MAX_STUDENTS_PER_SESSION). */
  SESSION_FULL: "SESSION_FULL",
  UNKNOWN_MODEL: "UNKNOWN_MODEL",
  INVALID_SETTINGS: "INVALID_SETTINGS",
  UNAVAILABLE: "UNAVAILABLE",
  INTERNAL: "INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes only the HTTP API answers (never in a socket Result): `401 UNAUTHORIZED` (no Bearer token on a review or
 * training request) and `404 BUILTIN_MODEL` (GET /api/models/:id of a model built into the app). Every HTTP
 * error, these included, is `{ error: { code, message } }` (docs/protocol.md, "REST errors").
 */
export const HttpOnlyErrorCode = { UNAUTHORIZED: "UNAUTHORIZED", BUILTIN_MODEL: "BUILTIN_MODEL" } as const;
/** Every code an HTTP error may answer: the socket codes above and the HTTP-only ones (one table). */
export type HttpErrorCode = ErrorCode | (typeof HttpOnlyErrorCode)[keyof typeof HttpOnlyErrorCode];

export interface ProtocolError {
  code: ErrorCode;
  message: string;
  /** RATE_LIMITED: milliseconds until the same request may succeed. */
  retryAfterMs?: number;
}

/** Every request is acknowledged with a Result. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string, retryAfterMs?: number): Result<never> => ({
  ok: false,
  error: retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs },
});
