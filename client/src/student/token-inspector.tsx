/** The distribution a tapped token was drawn from (a modal dialog; Escape or the button closes it). */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { DEFAULT_SETTINGS } from "@tokenroom/shared";
import { ModelSamplerBars } from "../components/model-sampler-bars.tsx";
import type { InspectView } from "../engine-worker/messages.ts";
import { formatPercent } from "../lib/format.ts";
import { joinTokens } from "../lib/token-spacing.ts";
import type { Inspect } from "./completion-list.tsx";
import type { StudentSession } from "./student-session.ts";

export function TokenInspector({
  session,
  target,
  onClose,
}: {
  session: StudentSession;
  target: Inspect;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [view, setView] = useState<InspectView | null>(null);
  const [hidden, setHidden] = useState(false);
  const { sample, step } = target;
  // [RV1] re-asked when the round is revealed while the dialog is open
  const waiting = useSyncExternalStore(session.subscribe, () => session.probabilitiesHidden());

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  useEffect(() => {
    let live = true;
    setView(null);
    setHidden(false);
    const pending = session.inspect(sample.tokens, step);
    if (!pending) setHidden(true);
    else
      pending.then(
        (v) => live && setView(v),
        () => live && setHidden(true),
      );
    return () => {
      live = false;
    };
  }, [session, sample, step, waiting]);

  const chosenId = sample.tokens[step];
  const settings = session.settings() ?? DEFAULT_SETTINGS;
  const context = joinTokens(sample.labels.slice(0, step), sample.spaceBefore);
  return (
    <dialog ref={dialog} className="inspector" onClose={onClose} aria-labelledby="inspector-title">
      <h2 id="inspector-title">{t("inspector.title", { token: sample.labels[step] ?? "" })}</h2>
      <p className="hint">
        {step === 0 ? t("inspector.afterPrompt") : t("inspector.afterContext", { before: context })}
      </p>
      {waiting ? null : (
        <p className="inspector-drawn">
          {t("inspector.drawn", {
            token: sample.labels[step] ?? "",
            p: formatPercent(sample.probs[step] ?? 0),
          })}
        </p>
      )}
      {hidden ? <p>{t("inspector.hidden")}</p> : null}
      {!hidden && !view ? <p>{t("app.loading")}</p> : null}
      {view ? (
        <>
          <p className="hint">{t("inspector.caption", { count: view.sampler.support })}</p>
          <ModelSamplerBars view={view} settings={settings} chosenId={chosenId} testId="inspector-pair" />
        </>
      ) : null}
      <form method="dialog">
        <button type="submit" className="button primary big" autoFocus>
          {t("inspector.close")}
        </button>
      </form>
    </dialog>
  );
}
