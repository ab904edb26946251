/**
 * Joining from a /join link: the code is checked first (`GET /api/rooms/:code`); a wrong or ended code gets the
 * code field back, editable, and only a room that exists asks for a nickname, with errors that say what to do
 * (name taken, room locked…).
 */
import { LIMITS } from "@tokenroom/shared";
import { type FormEvent, useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { getRoom, type RoomInfo } from "../api/http.ts";
import type { ClientError } from "../api/socket.ts";
import { ErrorMessage, useErrorText } from "../components/error-message.tsx";
import { RoomCodeForm } from "../components/room-code-form.tsx";
import type { StudentState } from "./student-session.ts";

export function JoinForm({ state, onJoin }: { state: StudentState; onJoin: (nickname: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [nickname, setNickname] = useState("");
  const [room, setRoom] = useState<RoomInfo | null>(null);
  const [roomError, setRoomError] = useState<ClientError | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const errorText = useErrorText();

  useEffect(() => {
    let live = true;
    void getRoom(state.code).then((r) => {
      if (!live) return;
      if (r.ok) setRoom(r.data);
      else
        setRoomError(
          r.error.code === "BAD_REQUEST" ? { code: "NOT_FOUND", message: r.error.message } : r.error,
        );
    });
    return () => {
      live = false;
    };
  }, [state.code]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const name = nickname.replace(/\s+/g, " ").trim();
    if (name.length === 0) return setLocalError(t("join.nameMissing"));
    if (name.length > LIMITS.nicknameMax)
      return setLocalError(t("join.nameTooLong", { count: LIMITS.nicknameMax }));
    setLocalError(null);
    onJoin(name);
  };

  if (roomError || room?.ended) {
    return (
      <section className="join-form">
        <h1>
          {room?.ended
            ? t("join.endedTitle", { code: state.code })
            : roomError?.code === "NOT_FOUND"
              ? t("join.notFoundTitle", { code: state.code })
              : t("join.title")}
        </h1>
        <RoomCodeForm
          initialCode={state.code}
          initialError={room?.ended ? t("errors.SESSION_ENDED") : errorText(roomError!)}
          submitLabel={t("join.checkCode")}
        />
      </section>
    );
  }
  if (!room) return <p className="notice">{t("join.checking")}</p>;
  const error = state.joinError;
  return (
    <form className="join-form" onSubmit={submit} noValidate>
      <h1>{room.title ? room.title : t("join.title")}</h1>
      <p className="join-code">{t("join.code", { code: state.code })}</p>
      {/* once a join was refused as locked, the error below says it: not twice */}
      {room.locked && error?.code !== "ROOM_LOCKED" ? (
        <p className="notice">{t("errors.ROOM_LOCKED")}</p>
      ) : null}
      <label htmlFor={id} className="field-label">
        {t("join.nickname")}
      </label>
      <input
        id={id}
        className="text-input"
        value={nickname}
        onChange={(e) => setNickname(e.target.value)}
        maxLength={LIMITS.nicknameMax + 8}
        autoComplete="nickname"
        autoCapitalize="words"
        enterKeyHint="go"
        aria-describedby={`${id}-hint`}
        aria-invalid={localError !== null || state.joinError?.code === "NICKNAME_TAKEN"}
      />
      <p id={`${id}-hint`} className="hint">
        {t("join.nicknameHint", { count: LIMITS.nicknameMax })}
      </p>
      <div role="alert" className={localError ? "error-box" : "visually-hidden"}>
        {localError}
      </div>
      <ErrorMessage error={localError ? null : error} />
      <button type="submit" className="button primary big" disabled={state.joining || !state.connected}>
        {state.joining ? t("join.joining") : state.connected ? t("join.submit") : t("join.connecting")}
      </button>
    </form>
  );
}
