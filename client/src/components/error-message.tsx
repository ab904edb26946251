/** A ClientError as a sentence that says what to do next, announced to screen readers. */
import { useTranslation } from "react-i18next";
import type { ClientError, ClientErrorCode } from "../api/socket.ts";

/** Every code with a catalogue entry (error-message.test.ts checks that each protocol code has one). */
export const KNOWN: ReadonlySet<ClientErrorCode> = new Set<ClientErrorCode>([
  "BAD_REQUEST",
  "PROTOCOL_MISMATCH",
  "NOT_FOUND",
  "SESSION_ENDED",
  "ROOM_LOCKED",
  "NICKNAME_TAKEN",
  "FORBIDDEN",
  "NOT_JOINED",
  "REMOVED",
  "ROUND_NOT_FOUND",
  "ROUND_CLOSED",
  "WRONG_PHASE",
  "INVALID_SAMPLE",
  "SAMPLE_MISMATCH",
  "OUT_OF_ORDER",
  "RATE_LIMITED",
  "SESSION_FULL",
  "UNKNOWN_MODEL",
  "INVALID_SETTINGS",
  "UNAVAILABLE",
  "INTERNAL",
  "TIMEOUT",
  "OFFLINE",
  "UNAUTHORIZED",
  "BUILTIN_MODEL",
]);

export function useErrorText(): (error: ClientError) => string {
  const { t } = useTranslation();
  return (error) => (KNOWN.has(error.code) ? t(`errors.${error.code}`) : t("errors.generic"));
}

export function ErrorMessage({ error, detail = false }: { error: ClientError | null; detail?: boolean }) {
  const text = useErrorText();
  return (
    <div role="alert" className={error ? "error-box" : "visually-hidden"}>
      {error ? text(error) : null}
      {error && detail ? <span className="error-detail"> ({error.message})</span> : null}
    </div>
  );
}
