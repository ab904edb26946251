/** The session's exports (samples CSV, guesses CSV, JSON), fetched with the key and saved, bytes shown as they arrive. */
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { type DownloadProgress, downloadFile, formatBytes } from "../api/download.ts";
import { authHeader, type ExportKind, exportPath } from "../api/review.ts";
import type { ClientError } from "../api/socket.ts";
import { formatNumber } from "../lib/format.ts";
import { ReviewError } from "./review-error.tsx";

const KINDS: ExportKind[] = ["samples", "guesses", "json"];

type Status =
  | { state: "idle" }
  | { state: "loading"; kind: ExportKind; progress: DownloadProgress }
  | { state: "done"; name: string; bytes: number }
  | { state: "failed"; error: ClientError };

export function ExportButtons({
  sessionId,
  code,
  secret,
}: {
  sessionId: string;
  code: string;
  secret: string;
}) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status>({ state: "idle" });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  const size = (bytes: number) => formatBytes(bytes, formatNumber);

  const start = async (kind: ExportKind) => {
    const controller = new AbortController();
    abort.current = controller;
    const fallback = kind === "json" ? `tokenroom-${code}.json` : `tokenroom-${code}-${kind}.csv`;
    const r = await downloadFile(
      exportPath(sessionId, kind),
      authHeader(secret),
      fallback,
      (progress) => setStatus({ state: "loading", kind, progress }),
      controller.signal,
    );
    if (controller.signal.aborted) return;
    setStatus(r.ok ? { state: "done", ...r.data } : { state: "failed", error: r.error });
  };
  const busy = status.state === "loading";

  return (
    <section className="panel export-panel" aria-labelledby="export-title">
      <h2 id="export-title">{t("review.exportTitle")}</h2>
      <div className="button-row">
        {KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            className="button big"
            disabled={busy}
            onClick={() => void start(kind)}
          >
            {t(`review.export.${kind}`)}
          </button>
        ))}
      </div>
      <div className="export-status" role="status" aria-live="polite">
        {status.state === "loading" ? (
          <>
            {status.progress.total ? (
              <progress value={status.progress.received} max={status.progress.total} />
            ) : (
              <progress />
            )}
            <span data-testid="export-progress">
              {status.progress.total
                ? t("review.downloadingOf", {
                    received: size(status.progress.received),
                    total: size(status.progress.total),
                  })
                : t("review.downloading", { received: size(status.progress.received) })}
            </span>
          </>
        ) : null}
        {status.state === "done" ? (
          <span data-testid="export-done">
            {t("review.saved", { name: status.name, size: size(status.bytes) })}
          </span>
        ) : null}
      </div>
      {status.state === "failed" ? <ReviewError error={status.error} /> : null}
      <p className="hint">{t("review.exportHint")}</p>
    </section>
  );
}
