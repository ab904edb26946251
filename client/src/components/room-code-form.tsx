/**
 * The room-code field (start page, and a /join link whose code is wrong): checks what was typed
 * (lower case, spaces, full-width characters are fine; characters outside the alphabet are named), then asks
 * the server (`GET /api/rooms/:code`) before anyone types a nickname. The field stays editable after an error.
 */
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { getRoom } from "../api/http.ts";
import { navigate } from "../lib/router.ts";
import { checkRoomCode } from "../lib/room-code.ts";
import { useErrorText } from "./error-message.tsx";

export function RoomCodeForm({
  initialCode = "",
  initialError = null,
  submitLabel,
}: {
  initialCode?: string;
  /** Shown until the code is edited (a /join link to a room that does not exist). */
  initialError?: string | null;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = useId();
  const [code, setCode] = useState(initialCode);
  const [error, setError] = useState<string | null>(initialError);
  const [checking, setChecking] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const check = checkRoomCode(code);
    if (!check.ok) {
      if (check.reason === "empty") return setError(t("landing.codeEmpty"));
      if (check.reason === "letters")
        return setError(t("landing.codeLetters", { count: check.bad.length, letters: check.bad.join(" ") }));
      return setError(t("landing.codeInvalid"));
    }
    setChecking(true);
    const room = await getRoom(check.code);
    setChecking(false);
    if (!room.ok)
      return setError(
        errorText(room.error.code === "BAD_REQUEST" ? { ...room.error, code: "NOT_FOUND" } : room.error),
      );
    if (room.data.ended) return setError(t("errors.SESSION_ENDED"));
    navigate(`/join/${check.code}`);
  };

  return (
    <form className="room-code-form" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor={`${id}-code`} className="field-label">
        {t("landing.codeLabel")}
      </label>
      <input
        id={`${id}-code`}
        className="text-input code-input"
        value={code}
        onChange={(e) => {
          setCode(e.target.value);
          setError(null);
        }}
        autoCapitalize="characters"
        autoComplete="off"
        autoCorrect="off"
        spellCheck={false}
        maxLength={16}
        aria-invalid={error !== null}
        aria-describedby={`${id}-code-hint`}
      />
      <p id={`${id}-code-hint`} className={error ? "error-box" : "hint"} role={error ? "alert" : undefined}>
        {error ?? t("landing.codeHint")}
      </p>
      <button type="submit" className="button primary big" disabled={checking}>
        {checking ? t("landing.checking") : submitLabel}
      </button>
    </form>
  );
}
