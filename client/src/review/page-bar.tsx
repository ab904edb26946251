/** The dark bar on top of the stored-sessions pages: the app (home), links between the pages, the language. */
import type { MouseEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitcher } from "../components/language-switcher.tsx";
import { navigate } from "../lib/router.ts";

/** A same-app link: a real href (new tab works), client-side navigation on a plain click. */
export function AppLink({
  to,
  className,
  children,
}: {
  to: string;
  className?: string;
  children: ReactNode;
}) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} onClick={onClick}>
      {children}
    </a>
  );
}

export function PageBar({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <header className="host-bar">
      <AppLink to="/" className="brand">
        {t("app.name")}
      </AppLink>
      <nav className="bar-actions" aria-label={t("sessions.nav")}>
        {children}
        <AppLink to="/sessions" className="button">
          {t("sessions.link")}
        </AppLink>
      </nav>
      <LanguageSwitcher />
    </header>
  );
}
