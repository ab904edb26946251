/**
 * A ClientError as a sentence that says what to do next, announced to screen readers: a catalogue entry per
 * code (the host's own wording where it has one), never the server's raw message.
 */
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

/** The codes the host reads in its own words (hostErrors in the catalogue); the rest as a phone does. */
export const HOST_WORDED = [
  "NOT_FOUND",
  "FORBIDDEN",
  "UNAUTHORIZED",
  "SESSION_ENDED",
  "BAD_REQUEST",
  "INVALID_SETTINGS",
  "UNKNOWN_MODEL",
  "ROUND_NOT_FOUND",
  "ROUND_CLOSED",
  "WRONG_PHASE",
  "RATE_LIMITED",
  "SESSION_FULL",
  "UNAVAILABLE",
  "TIMEOUT",
  "INTERNAL",
] as const satisfies readonly ClientErrorCode[];
type HostWorded = (typeof HOST_WORDED)[number];
const hostWorded = (code: ClientErrorCode): code is HostWorded =>
  (HOST_WORDED as readonly ClientErrorCode[]).includes(code);

/** Who reads the error: a student's phone, or the host (whose codes mean other things: NOT_FOUND is the session). */
export type ErrorAudience = "phone" | "host";

export function useErrorText(audience: ErrorAudience = "phone"): (error: ClientError) => string {
  const { t } = useTranslation();
  return (error) => {
    if (!KNOWN.has(error.code)) return t("errors.generic");
    if (audience === "host" && hostWorded(error.code)) return t(`hostErrors.${error.code}`);
    return t(`errors.${error.code}`);
  };
}

export function ErrorMessage({
  error,
  audience = "phone",
}: {
  error: ClientError | null;
  audience?: ErrorAudience;
}) {
  const text = useErrorText(audience);
  return (
    <div role="alert" className={error ? "error-box" : "visually-hidden"}>
      {error ? text(error) : null}
    </div>
  );
}
