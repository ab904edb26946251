/** A session's title, editable in place: Rename → a text field (Enter saves, Escape cancels). */
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { LIMITS } from "@tokenroom/shared";

export interface TitleEditorProps {
  title: string;
  /** Saves the title; resolves false when the server refused it (the field stays open). */
  onSave?: (title: string) => Promise<boolean>;
  /** What the field is called for screen readers (the session's date). */
  context: string;
}

export function TitleEditor({ title, onSave, context }: TitleEditorProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const shown = title.trim() === "" ? <span className="untitled">{t("sessions.untitled")}</span> : title;
  if (!onSave) return <span className="session-title">{shown}</span>;
  if (draft === null) {
    return (
      <span className="session-title">
        {shown}{" "}
        <button
          type="button"
          className="button small"
          onClick={() => setDraft(title)}
          aria-label={t("sessions.renameAria", { session: context })}
        >
          {t("sessions.rename")}
        </button>
      </span>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    const saved = await onSave(draft.trim());
    setSaving(false);
    if (saved) setDraft(null);
  };
  return (
    <form className="title-form" onSubmit={(e) => void submit(e)}>
      <input
        className="text-input"
        value={draft}
        maxLength={LIMITS.titleMax}
        autoFocus
        aria-label={t("sessions.titleLabel", { session: context })}
        placeholder={t("sessions.untitled")}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") setDraft(null);
        }}
      />
      <button type="submit" className="button small primary" disabled={saving}>
        {t("sessions.save")}
      </button>
      <button type="button" className="button small" onClick={() => setDraft(null)}>
        {t("sessions.cancel")}
      </button>
    </form>
  );
}
