/** A failure a client may see: a whitelisted code and a message that says what to do next. */
import { type ErrorCode, ErrorCode as Codes } from "@tokenroom/shared";

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      /** RATE_LIMITED: when the client may try again (sent as `error.retryAfterMs`). */
      retryAfterMs?: number;
      /** Close the socket once the error is acknowledged ([L2] a socket that fails too many joins). */
      closeAfterReply?: boolean;
    } = {},
  ) {
    super(message);
  }
}

export const unavailable = () =>
  new ServiceError(
    Codes.UNAVAILABLE,
    "the database is not answering; nothing was saved, try again in a moment",
  );
