/**
 * The interface languages: which one a browser starts in (its stored choice, else navigator.languages),
 * and the choice stored per browser, so the host's language never forces the students'.
 */
import { readJson, writeJson } from "../lib/storage.ts";

export const LANGUAGES = ["en", "zh"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language in its own script (never translated: a reader must recognise their own language). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", zh: "中文" };

/** The BCP 47 tag for Intl and <html lang> (zh-CN: Simplified Chinese glyphs and number formats). */
export const LOCALE_TAGS: Record<Language, string> = { en: "en", zh: "zh-CN" };

export const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);

/** The first of the browser's languages that we have: zh-* → zh, en-* → en; none of them → en. */
export function detectLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

const KEY = "language";

export const storedLanguage = (): Language | null => readJson(KEY, isLanguage);
export const storeLanguage = (language: Language): boolean => writeJson(KEY, language);

/** The stored choice, else the browser's preference. */
export function initialLanguage(): Language {
  const stored = storedLanguage();
  if (stored) return stored;
  const nav = globalThis.navigator as Navigator | undefined;
  return detectLanguage(nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : []);
}
