/**
 * Hardening (docs/security.md): each test id [Hn] is a row there. A real server over real HTTP and sockets.
 */
import type { AddressInfo } from "node:net";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_UNICODE_MESSAGE, PROTOCOL_VERSION } from "@tokenroom/shared";
import { createApplication } from "../src/app.ts";
import { capLog, createLogger, MAX_LOG_CHARS } from "../src/logger.ts";
import { csvText, userText } from "../src/review/csv.ts";
import { type Booted, boot, call, models } from "./boot.ts";

let t: Booted;
beforeAll(async () => {
  t = await boot();
});
afterAll(async () => {
  await t.cleanup();
});

const json = { "content-type": "application/json" };

describe("[H1] every API error is JSON { error: { code, message } }", () => {
  const cases: { name: string; path: string; init?: RequestInit; status: number; code: string }[] = [
    {
      name: "bad percent-encoding (review route)",
      path: "/api/sessions/%E0%A4%A",
      status: 400,
      code: "BAD_REQUEST",
    },
    {
      name: "bad percent-encoding (room lookup)",
      path: "/api/rooms/%E0%A4%A",
      status: 400,
      code: "BAD_REQUEST",
    },
    { name: "bad percent-encoding (model)", path: "/api/models/%E0%A4%A", status: 400, code: "BAD_REQUEST" },
    { name: "unknown API route", path: "/api/nope", status: 404, code: "NOT_FOUND" },
    {
      name: "malformed JSON body",
      path: "/api/sessions",
      init: { method: "POST", headers: json, body: "{bad" },
      status: 400,
      code: "BAD_REQUEST",
    },
    {
      name: "body over the limit",
      path: "/api/sessions",
      init: { method: "POST", headers: json, body: JSON.stringify({ title: "x".repeat(40_000) }) },
      status: 413,
      code: "BAD_REQUEST",
    },
    {
      name: "malformed JSON body (review route)",
      path: "/api/sessions/abc",
      init: { method: "PATCH", headers: json, body: "{bad" },
      status: 400,
      code: "BAD_REQUEST",
    },
    {
      name: "unsupported body charset",
      path: "/api/sessions",
      init: { method: "POST", headers: { "content-type": "application/json; charset=latin-9" }, body: "{}" },
      status: 415,
      code: "BAD_REQUEST",
    },
  ];
  it.each(cases)("$name → $status $code", async ({ path, init, status, code }) => {
    const res = await fetch(t.url + path, init);
    const text = await res.text();
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/node_modules|\/work\/|at [A-Za-z.]+ \(|<html/i);
  });

  it("a path outside the API answers a plain 404, not Express's HTML page", async () => {
    const res = await fetch(`${t.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("not found");
  });
});

describe("[H2] security headers", () => {
  it("every response carries the CSP, nosniff and no framing", async () => {
    for (const path of ["/api/models", "/api/nope", "/api/rooms/%E0%A4%A"]) {
      const res = await fetch(t.url + path);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`connect-src 'self' ws://${new URL(t.url).host} wss://${new URL(t.url).host}`);
      expect(csp).not.toContain("unsafe");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("strict-transport-security")).toBeNull(); // plain http on the LAN
    }
  });
});

describe("[H3] sockets only from this server's own pages (Origin), or ALLOWED_ORIGINS", () => {
  /** Resolves "connected" or "refused" for a websocket handshake to `url` sent with `origin`. */
  const handshake = (url: string, origin?: string) =>
    new Promise<"connected" | "refused">((resolve) => {
      const s = connect(url, {
        transports: ["websocket"],
        auth: { protocol: PROTOCOL_VERSION },
        forceNew: true,
        reconnection: false,
        ...(origin ? { extraHeaders: { origin } } : {}),
      });
      s.once("connect", () => {
        s.disconnect();
        resolve("connected");
      });
      s.once("connect_error", () => {
        s.disconnect();
        resolve("refused");
      });
    });

  it("accepts no Origin (not a browser), the server's own origin and PUBLIC_URL's; refuses a foreign one", async () => {
    expect(await handshake(t.url)).toBe("connected");
    expect(await handshake(t.url, t.url)).toBe("connected"); // same origin as the Host it was sent to
    expect(await handshake(t.url, "http://tokenroom.test")).toBe("connected"); // boot()'s PUBLIC_URL
    expect(await handshake(t.url, "http://evil.example")).toBe("refused");
    expect(await handshake(t.url, "null")).toBe("refused");
    expect(await handshake(t.url, t.url.replace("127.0.0.1", "localhost"))).toBe("refused");
  });

  it("accepts an origin listed in ALLOWED_ORIGINS", async () => {
    const app = createApplication({
      db: t.db,
      models: models(),
      config: {
        publicUrl: undefined,
        verifyFraction: 1,
        statsIntervalMs: 40,
        sampleRatePerSecond: 1e4,
        sampleBurst: 1e4,
        allowedOrigins: ["https://class.example"],
      },
      log: createLogger("silent"),
    });
    await new Promise<void>((resolve) => app.httpServer.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
    try {
      expect(await handshake(url, "https://class.example")).toBe("connected");
      expect(await handshake(url, "https://other.example")).toBe("refused");
      expect(await handshake(url, url)).toBe("connected");
    } finally {
      await app.close();
    }
  });
});

describe("[H4] text that is not valid Unicode is refused with a clear error; log entries are capped", () => {
  it("a nickname with a lone surrogate is BAD_REQUEST, not INTERNAL", async () => {
    const { session } = await t.host();
    const s = await t.socket();
    for (const nickname of ["a\ud800b", "\udc00", "ok\ud83d"]) {
      const r = await call(s, "student:join", { code: session.code, nickname });
      expect(r).toEqual({
        ok: false,
        error: { code: "BAD_REQUEST", message: `student:join: nickname: ${INVALID_UNICODE_MESSAGE}` },
      });
    }
    // a real emoji (a surrogate pair) is fine
    expect((await call(s, "student:join", { code: session.code, nickname: "Ada 😀" })).ok).toBe(true);
  });

  it("a session title, a round prompt and a review title with a lone surrogate are BAD_REQUEST", async () => {
    const res = await fetch(`${t.url}/api/sessions`, {
      method: "POST",
      headers: json,
      body: '{"title":"x\\ud800"}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "BAD_REQUEST", message: INVALID_UNICODE_MESSAGE } });

    const { socket, session } = await t.host();
    const r = await call(socket, "round:start", {
      modelId: "toy",
      prompt: "the \udfff cat",
      temperature: 1,
      topK: 0,
      topP: 1,
      maxTokens: 5,
      mode: "sample",
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toEqual({
        code: "BAD_REQUEST",
        message: `round:start: prompt: ${INVALID_UNICODE_MESSAGE}`,
      });

    const patch = await fetch(`${t.url}/api/sessions/${session.sessionId}`, {
      method: "PATCH",
      headers: { ...json, authorization: `Bearer ${session.hostKey}` },
      body: '{"title":"\\ud800"}',
    });
    expect(patch.status).toBe(400);
    expect(((await patch.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
  });

  it("a log entry keeps at most MAX_LOG_CHARS characters and says how many were cut", () => {
    expect(capLog("short")).toBe("short");
    const long = capLog("q".repeat(40_000));
    expect(long.length).toBeLessThan(MAX_LOG_CHARS + 50);
    expect(long).toMatch(/… \[36000 more characters cut\]$/);
  });
});

describe("[H5] CSV cells of user-controlled text never start a formula", () => {
  it.each([
    ["=1+2", "'=1+2"],
    ["+SUM(A1)", "'+SUM(A1)"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["＝HYPERLINK(1)", "'＝HYPERLINK(1)"],
    ["＋1", "'＋1"],
    ["－1", "'－1"],
    ["＠x", "'＠x"],
    ["|cmd", "'|cmd"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
    ["\n=1", "'\n=1"],
    ["Ada", "Ada"],
    ["a=b", "a=b"],
    ["", ""],
  ])("userText(%j) = %j", (input, guarded) => {
    expect(userText(input)).toBe(guarded);
  });

  it("csvText guards, then quotes: nicknames and completion texts in the samples CSV use it", () => {
    expect(csvText('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvText("-1, -2")).toBe(`"'-1, -2"`);
    expect(csvText(" the cat")).toBe(" the cat");
  });
});
