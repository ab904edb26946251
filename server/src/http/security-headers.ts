/**
 * [H2] Security headers on every HTTP response (helmet). The Content-Security-Policy is what the built web app
 * needs and no more: its own module scripts, styles and engine worker; the inline SVG favicon (data:); fetches and
 * the socket.io websocket to this server only. No framing (frame-ancestors 'none', X-Frame-Options DENY).
 * HSTS and upgrade-insecure-requests are off: a classroom server is often plain http on the LAN; put HSTS on the
 * HTTPS proxy in front (docs/operations.md).
 */
import type { IncomingMessage } from "node:http";
import helmet from "helmet";

/** The websocket origins of the host this request was sent to: `'self'` does not cover ws: in every browser. */
function websocketSelf(req: IncomingMessage): string {
  const host = req.headers.host ?? "";
  // a Host header that is not a plain host[:port] adds nothing (it cannot inject another directive)
  if (!/^[A-Za-z0-9.\-[\]:]{1,260}$/.test(host)) return "";
  return `ws://${host} wss://${host}`;
}

export const CONTENT_SECURITY_POLICY = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "worker-src": ["'self'"],
  "style-src": ["'self'"],
  "img-src": ["'self'", "data:"],
  "font-src": ["'self'"],
  "connect-src": ["'self'", (req: IncomingMessage) => websocketSelf(req)],
  "object-src": ["'none'"],
  "base-uri": ["'self'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
};

export const securityHeaders = () =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    strictTransportSecurity: false,
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
  });
