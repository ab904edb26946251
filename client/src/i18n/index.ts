/**
 * i18next: English is bundled (so init is synchronous); Chinese is loaded on demand, before the first render
 * when the browser starts in Chinese (`i18nReady`) or when the switcher picks it. A language change also
 * sets <html lang> and the locale of every number the pages format (lib/format.ts).
 */
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { setNumberLocale } from "../lib/format.ts";
import { en } from "./en.ts";
import {
  initialLanguage,
  isLanguage,
  type Language,
  LANGUAGES,
  LOCALE_TAGS,
  storeLanguage,
} from "./languages.ts";

export const defaultNS = "translation";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: typeof defaultNS;
    resources: { translation: typeof en };
  }
}

const loaders: Record<Exclude<Language, "en">, () => Promise<typeof en>> = {
  zh: () => import("./zh.ts").then((m) => m.zh),
};

function applyLocale(language: string): void {
  const tag = isLanguage(language) ? LOCALE_TAGS[language] : LOCALE_TAGS.en;
  setNumberLocale(tag);
  if (typeof document !== "undefined") document.documentElement.lang = tag;
}

// before init, and before any component subscribes: numbers switch locale before the pages re-render
i18next.on("languageChanged", applyLocale);

void i18next.use(initReactI18next).init({
  lng: "en",
  fallbackLng: "en",
  supportedLngs: [...LANGUAGES],
  resources: { en: { translation: en } },
  defaultNS,
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes
  react: { useSuspense: false },
});

/** Loads the catalogue of `language` if needed, then switches to it. */
export async function loadLanguage(language: Language): Promise<void> {
  if (language !== "en" && !i18next.hasResourceBundle(language, defaultNS)) {
    i18next.addResourceBundle(language, defaultNS, await loaders[language]());
  }
  await i18next.changeLanguage(language);
}

/** The switcher: remembers the choice in this browser only, then switches. */
export function chooseLanguage(language: Language): Promise<void> {
  storeLanguage(language);
  return loadLanguage(language);
}

/** Resolves when the starting language is ready (at once for English; a failed load stays in English). */
export const i18nReady: Promise<void> = (() => {
  const start = initialLanguage();
  return start === "en" ? Promise.resolve() : loadLanguage(start).catch(() => undefined);
})();

export default i18next;
