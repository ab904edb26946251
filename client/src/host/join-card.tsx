/** How to join: the room code in huge letters, the join URL and its QR code. */
import { useTranslation } from "react-i18next";
import type { SessionInfo } from "@tokenroom/shared";
import { QrCode } from "./qr-code.tsx";

export function JoinCard({ session, compact = false }: { session: SessionInfo; compact?: boolean }) {
  const { t } = useTranslation();
  const url = session.joinUrl;
  const shortUrl = url.replace(/^https?:\/\//, "");
  const cut = shortUrl.indexOf("/");
  const [site, path] = cut > 0 ? [shortUrl.slice(0, cut), shortUrl.slice(cut)] : [shortUrl, ""];
  return (
    <section className={compact ? "join-card compact" : "join-card"} aria-label={t("lobby.howToJoin")}>
      <p className="join-step">{t("lobby.goTo")}</p>
      <p className="join-url">
        {site}
        <wbr />
        {path}
      </p>
      <p className="join-step">{t("lobby.orCode")}</p>
      <p
        className="room-code"
        data-testid="room-code"
        aria-label={t("lobby.codeAria", { code: session.code.split("").join(" ") })}
      >
        {session.code}
      </p>
      <QrCode text={url} size={compact ? 180 : 260} label={t("lobby.qr", { url })} />
      {session.locked ? <p className="badge locked">{t("lobby.locked")}</p> : null}
    </section>
  );
}
