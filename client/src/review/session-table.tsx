/** Stored sessions as a table: date, title (renamable), room code, counts, then open the review or delete. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { SessionSummary } from "@tokenroom/shared";
import { formatInt } from "../lib/format.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { formatDateTime } from "./format-date.ts";
import { AppLink } from "./page-bar.tsx";
import { TitleEditor } from "./title-editor.tsx";
import { TableHead } from "../components/table-head.tsx";

export const reviewPath = (id: string) => `/sessions/${encodeURIComponent(id)}/review`;

export interface SessionTableProps {
  sessions: SessionSummary[];
  /** Host keys may rename (the admin token may not). */
  onRename?: (id: string, title: string) => Promise<boolean>;
  /** Resolves true once the session is gone. */
  onDelete: (id: string) => Promise<boolean>;
}

export function SessionTable({ sessions, onRename, onDelete }: SessionTableProps) {
  const { t } = useTranslation();
  const [confirm, setConfirm] = useState<SessionSummary | null>(null);
  const [deleting, setDeleting] = useState(false);
  const label = (s: SessionSummary) => (s.title.trim() ? s.title : formatDateTime(s.createdAt));

  const remove = async () => {
    if (!confirm) return;
    setDeleting(true);
    const done = await onDelete(confirm.id);
    setDeleting(false);
    if (done) setConfirm(null);
  };

  return (
    <>
      <div className="table-scroll">
        <table className="sessions-table" data-testid="sessions-table">
          <TableHead
            columns={[
              { label: t("sessions.date") },
              { label: t("sessions.title") },
              { label: t("sessions.code") },
              { label: t("sessions.students"), num: true },
              { label: t("sessions.rounds"), num: true },
              { label: t("sessions.samples"), num: true },
              { label: <span className="visually-hidden">{t("sessions.actions")}</span> },
            ]}
          />
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} data-session-id={s.id}>
                <td className="nowrap">
                  {formatDateTime(s.createdAt)}
                  {s.endedAt ? null : <span className="badge status-open">{t("sessions.live")}</span>}
                </td>
                <td>
                  <TitleEditor
                    title={s.title}
                    context={formatDateTime(s.createdAt)}
                    onSave={onRename ? (title) => onRename(s.id, title) : undefined}
                  />
                </td>
                <td className="mono">{s.code}</td>
                <td className="num">{formatInt(s.students)}</td>
                <td className="num">{formatInt(s.rounds)}</td>
                <td className="num">{formatInt(s.samples)}</td>
                <td className="actions-cell">
                  <div className="row-actions">
                    <AppLink to={reviewPath(s.id)} className="button primary">
                      {t("sessions.open")}
                    </AppLink>
                    <button
                      type="button"
                      className="button danger-outline"
                      onClick={() => setConfirm(s)}
                      aria-label={t("sessions.deleteAria", { session: label(s) })}
                    >
                      {t("sessions.delete")}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={confirm !== null}
        title={t("sessions.deleteTitle")}
        message={
          confirm
            ? t("sessions.deleteText", {
                session: label(confirm),
                samples: formatInt(confirm.samples),
                students: formatInt(confirm.students),
              })
            : ""
        }
        confirmLabel={t("sessions.deleteYes")}
        cancelLabel={t("sessions.cancel")}
        busy={deleting}
        onConfirm={() => void remove()}
        onCancel={() => setConfirm(null)}
      />
    </>
  );
}
