/** The interface language, per browser: a small select that every screen shows in its header or corner. */
import { useTranslation } from "react-i18next";
import { chooseLanguage } from "../i18n/index.ts";
import { isLanguage, type Language, LANGUAGE_NAMES, LANGUAGES, LOCALE_TAGS } from "../i18n/languages.ts";
import "./language-switcher.css";

/** Short names for a phone's header, where every pixel goes to the nickname. */
const SHORT_NAMES: Record<Language, string> = { en: "EN", zh: "中文" };

export function LanguageSwitcher({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const current = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : "en";
  return (
    <select
      className="language-switcher"
      aria-label={t("app.language")}
      value={current}
      onChange={(e) => {
        if (isLanguage(e.target.value)) void chooseLanguage(e.target.value);
      }}
      data-testid="language-switcher"
    >
      {LANGUAGES.map((language) => (
        <option key={language} value={language} lang={LOCALE_TAGS[language]}>
          {compact ? SHORT_NAMES[language] : LANGUAGE_NAMES[language]}
        </option>
      ))}
    </select>
  );
}

/** The switcher at the top right of a page that has no header bar (landing, not found, host notices). */
export function CornerLanguageSwitcher() {
  return (
    <div className="language-corner">
      <LanguageSwitcher />
    </div>
  );
}
