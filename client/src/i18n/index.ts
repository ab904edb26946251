/** i18next with the English catalogue (bundled, so init is synchronous). */
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en.ts";

export const defaultNS = "translation";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: typeof defaultNS;
    resources: { translation: typeof en };
  }
}

void i18next.use(initReactI18next).init({
  lng: "en",
  fallbackLng: "en",
  resources: { en: { translation: en } },
  defaultNS,
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes
  react: { useSuspense: false },
});

export default i18next;
