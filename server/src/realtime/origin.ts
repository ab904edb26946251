/**
 * [H3] Which browser pages may open a socket (cross-site websocket hijacking): socket.io's `allowRequest` lets a
 * handshake through when it has no `Origin` header (not a browser: the tests' socket.io-client, scripts), or its
 * Origin is this server's own (the `Host` the request was sent to, or PUBLIC_URL's origin), or one listed in
 * ALLOWED_ORIGINS. Browsers set Origin and Host themselves: a page elsewhere cannot forge either.
 */
import type { IncomingMessage } from "node:http";

/** `scheme://host[:port]` of a URL, lower-case, default port dropped; null when it is not an http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

export function originAllowed(
  req: Pick<IncomingMessage, "headers">,
  publicUrl: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  const header = req.headers.origin;
  if (header === undefined) return true;
  const origin = originOf(header);
  if (!origin) return false; // "null" (sandboxed frames, file:) and anything unparsable
  const host = req.headers.host?.toLowerCase();
  if (host && new URL(origin).host === host) return true;
  if (publicUrl && originOf(publicUrl) === origin) return true;
  return allowedOrigins.includes(origin);
}
