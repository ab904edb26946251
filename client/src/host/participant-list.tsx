/** Students with connected / disconnected badges and a remove button that asks first. */
import { memo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ParticipantInfo } from "@tokenroom/shared";

export const ParticipantList = memo(function ParticipantList({
  participants,
  onRemove,
  disabled,
}: {
  participants: ParticipantInfo[];
  onRemove: (id: string) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  /** The student whose removal waits for "Yes, remove". */
  const [confirming, setConfirming] = useState<string | null>(null);
  const present = participants.filter((p) => !p.removed);
  const online = present.filter((p) => p.connected).length;
  return (
    <section className="participants" aria-labelledby="participants-title">
      <h2 id="participants-title">
        {t("lobby.students", { count: present.length })}{" "}
        <span className="hint" data-testid="students-online">
          {t("lobby.online", { count: online })}
        </span>
      </h2>
      {present.length === 0 ? <p className="hint">{t("lobby.noStudents")}</p> : null}
      <ul className="participant-list" data-testid="participant-list">
        {present.map((p) => (
          <li key={p.id} className="participant">
            <span className="participant-name">{p.nickname}</span>
            <span className={`badge ${p.connected ? "online" : "offline"}`}>
              {p.connected ? t("lobby.connected") : t("lobby.disconnected")}
            </span>
            {confirming === p.id ? (
              <span
                className="confirm"
                role="group"
                aria-label={t("lobby.removeConfirm", { name: p.nickname })}
              >
                <span>{t("lobby.removeConfirm", { name: p.nickname })}</span>
                <button
                  type="button"
                  className="button small danger"
                  disabled={disabled}
                  onClick={() => {
                    setConfirming(null);
                    onRemove(p.id);
                  }}
                >
                  {t("lobby.removeYes")}
                </button>
                <button type="button" className="button small" onClick={() => setConfirming(null)}>
                  {t("lobby.removeNo")}
                </button>
              </span>
            ) : (
              <button
                type="button"
                className="button small"
                disabled={disabled}
                onClick={() => setConfirming(p.id)}
                aria-label={t("lobby.removeName", { name: p.nickname })}
              >
                {t("lobby.remove")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
});
