/**
 * What a phone downloads, counted from Chromium's own network events (bytes on the wire: compressed bodies
 * plus headers, the page's and its engine worker's requests): at most 300 KB before its first sample and
 * 420 KB after the reveal (issue 14), every script and the model sent compressed and cached as immutable,
 * and a second visit that fetches no model again.
 */
import type { BrowserContext, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import { joinStudent, openHost, sample, waitAcked, WAIT_MS } from "./pages.ts";

const e2e = useE2eEnvironment();
const KB = 1024;

interface Fetched {
  path: string;
  bytes: number;
  encoding: string | undefined;
  cacheControl: string | undefined;
}

/** Records every request of `context` (pages and workers) that completed, with its size on the wire. */
function recordNetwork(context: BrowserContext): Fetched[] {
  const fetched: Fetched[] = [];
  context.on("requestfinished", (request: Request) => {
    void (async () => {
      const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
      const headers = (await response?.allHeaders()) ?? {};
      fetched.push({
        path: new URL(request.url()).pathname,
        // Chromium reports no body size for a worker's own script (0): its Content-Length is the bytes sent
        bytes:
          Math.max(sizes.responseBodySize, Number(headers["content-length"] ?? 0)) +
          sizes.responseHeadersSize,
        encoding: headers["content-encoding"],
        cacheControl: headers["cache-control"],
      });
    })();
  });
  return fetched;
}

const total = (list: Fetched[]) => list.reduce((sum, f) => sum + f.bytes, 0);
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

describe("the bytes a phone downloads", () => {
  it("stays under 300 KB before the first sample and 420 KB after the reveal; a second visit fetches no model", async () => {
    const { page: host, code } = await openHost(e2e.browser, e2e.server.url);

    // the phone's context records from its first request (joinStudent opens the join page in it)
    const context = await e2e.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const fetched = recordNetwork(context);
    const phone = await joinStudent(e2e.browser, e2e.server.url, code, "Ada", context);
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await sample(phone.page, "Sample");
    await waitAcked(phone.page, 1);
    const beforeFirstSample = [...fetched];

    await host.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await phone.page.getByText("Sampler (exact)").waitFor({ timeout: WAIT_MS });
    await phone.page.getByTestId("class-chart").waitFor({ timeout: WAIT_MS });
    const afterReveal = [...fetched];

    console.log(
      `phone on the wire: ${kb(total(beforeFirstSample))} before its first sample, ${kb(total(afterReveal))} after the reveal`,
    );
    for (const f of afterReveal.filter((f) => f.bytes > 2 * KB).sort((a, b) => b.bytes - a.bytes))
      console.log(`  ${f.path}: ${kb(f.bytes)} (${f.encoding ?? "identity"})`);

    const scripts = afterReveal.filter((f) => /^\/assets\/.*\.(js|css)$/.test(f.path));
    const model = afterReveal.filter((f) => f.path.startsWith("/api/models/"));
    expect(scripts.length).toBeGreaterThan(0);
    expect(model).toHaveLength(1);
    for (const f of [...scripts.filter((s) => s.bytes > 2 * KB), ...model]) {
      expect(f.encoding, f.path).toBe("br");
      expect(f.cacheControl, f.path).toContain("immutable");
    }
    expect(total(beforeFirstSample)).toBeLessThanOrEqual(300 * KB);
    expect(total(afterReveal)).toBeLessThanOrEqual(420 * KB);

    // a second visit: the model comes from the phone's own cache (Cache Storage / IndexedDB), not the network
    fetched.length = 0;
    await phone.page.reload({ timeout: WAIT_MS });
    await sample(phone.page, "Sample");
    await waitAcked(phone.page, 2);
    expect(fetched.filter((f) => f.path.startsWith("/api/models/"))).toEqual([]);
    await context.close();
  });
});
