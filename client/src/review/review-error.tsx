/** Errors of the stored-session pages: a wrong key or a deleted session get their own sentence. */
import { useTranslation } from "react-i18next";
import type { ClientError } from "../api/socket.ts";
import { useErrorText } from "../components/error-message.tsx";

export function ReviewError({ error }: { error: ClientError | null }) {
  const { t } = useTranslation();
  const general = useErrorText();
  // UNAUTHORIZED is a REST-only code (no Bearer token): not one of the socket protocol's codes
  const code: string = error?.code ?? "";
  const text =
    code === "FORBIDDEN" || code === "UNAUTHORIZED"
      ? t("review.forbidden")
      : code === "NOT_FOUND"
        ? t("review.notFound")
        : error
          ? general(error)
          : null;
  return (
    <div role="alert" className={text ? "error-box" : "visually-hidden"}>
      {text}
    </div>
  );
}
