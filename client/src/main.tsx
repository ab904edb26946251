import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { i18nReady } from "./i18n/index.ts";
import { App } from "./app.tsx";
import "./styles.css";
import "./guess.css";
import "./be-model.css";

const root = document.getElementById("root");
// a browser that starts in Chinese loads that catalogue first: no flash of English
if (root) {
  void i18nReady.then(() =>
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
}
