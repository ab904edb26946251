/**
 * Downloads a file that needs an Authorization header (a plain link cannot send one): fetch → read the body
 * chunk by chunk, reporting the bytes received → Blob → object URL → a click on a temporary link.
 */
import type { ClientError, ClientResult } from "./socket.ts";

export interface DownloadProgress {
  received: number;
  /** Content-Length when the server sent one (streamed exports usually do not). */
  total: number | null;
}

/** The file name of a Content-Disposition header (RFC 6266: filename* first), else `fallback`. */
export function dispositionFilename(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain?.[1]?.trim() || fallback;
}

async function errorOf(res: Response): Promise<ClientError> {
  try {
    const body = (await res.json()) as { error?: ClientError };
    if (body.error) return body.error;
  } catch {
    // not JSON
  }
  return { code: res.status === 404 ? "NOT_FOUND" : "UNAVAILABLE", message: res.statusText };
}

/** Fetches `path` and saves it; resolves with the saved file's name and size. */
export async function downloadFile(
  path: string,
  headers: Record<string, string>,
  fallbackName: string,
  onProgress: (p: DownloadProgress) => void,
  signal?: AbortSignal,
): Promise<ClientResult<{ name: string; bytes: number }>> {
  let res: Response;
  try {
    res = await fetch(path, { headers, signal });
  } catch {
    return { ok: false, error: { code: "OFFLINE", message: "the server cannot be reached" } };
  }
  if (!res.ok) return { ok: false, error: await errorOf(res) };
  const length = Number(res.headers.get("content-length"));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  onProgress({ received, total });
  try {
    const reader = res.body?.getReader();
    if (reader) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        onProgress({ received, total });
      }
    } else {
      const all = new Uint8Array(await res.arrayBuffer());
      chunks.push(all);
      received = all.byteLength;
      onProgress({ received, total });
    }
  } catch {
    // the server cuts the connection when an export fails mid-stream: never save a truncated file
    return { ok: false, error: { code: "UNAVAILABLE", message: "the download was interrupted" } };
  }
  const name = dispositionFilename(res.headers.get("content-disposition"), fallbackName);
  const blob = new Blob(chunks, { type: res.headers.get("content-type") ?? "application/octet-stream" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // the click has handed the blob to the browser's download; release it a moment later
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { ok: true, data: { name, bytes: received } };
}

/** 1234567 → "1.2 MB" (decimal units, as browsers show downloads). */
export function formatBytes(bytes: number, format: (x: number) => string): string {
  if (bytes < 1000) return `${format(bytes)} B`;
  if (bytes < 1e6) return `${format(bytes / 1e3)} kB`;
  if (bytes < 1e9) return `${format(bytes / 1e6)} MB`;
  return `${format(bytes / 1e9)} GB`;
}
