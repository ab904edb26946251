/** Page helpers for the e2e tests: the host and student flows through the real UI, every wait bounded. */
import type { Browser, BrowserContext, Page } from "playwright-core";

export const WAIT_MS = 15_000;

/**
 * [H2] Every Content-Security-Policy violation Chromium reported on a page opened by these helpers (its console
 * and its workers'): a browser test asserts there are none, i.e. the app works under the server's CSP.
 */
export const cspViolations: string[] = [];

export function watchCsp(page: Page): Page {
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

/** `context`: a context of the test's own, which then can open more pages with the host's storage. */
export async function openHost(
  browser: Browser,
  url: string,
  context?: BrowserContext,
): Promise<{ page: Page; code: string; sessionId: string }> {
  const page = watchCsp(
    context ? await context.newPage() : await browser.newPage({ viewport: { width: 1280, height: 800 } }),
  );
  await page.goto(`${url}/`, { timeout: WAIT_MS });
  await page.getByRole("button", { name: "Host a session" }).click({ timeout: WAIT_MS });
  await page.waitForURL(/\/host\/[^/]+$/, { timeout: WAIT_MS });
  const code = (await page.getByTestId("room-code").textContent({ timeout: WAIT_MS }))?.trim() ?? "";
  const sessionId = decodeURIComponent(new URL(page.url()).pathname.split("/")[2] ?? "");
  return { page, code, sessionId };
}

export interface Student {
  context: BrowserContext;
  page: Page;
  name: string;
  /** Every script the page and its worker fetched (for the bundle measurement). */
  scripts: Set<string>;
}

/** `context`: a phone context of the test's own (e.g. one that records the network from its first request). */
export async function joinStudent(
  browser: Browser,
  url: string,
  code: string,
  name: string,
  context?: BrowserContext,
): Promise<Student> {
  context ??= await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  const scripts = new Set<string>();
  context.on("request", (r) => {
    if (/\.(js|css)(\?|$)/.test(r.url())) scripts.add(new URL(r.url()).pathname);
  });
  const page = watchCsp(await context.newPage());
  await page.goto(`${url}/join/${code}`, { timeout: WAIT_MS });
  await page.getByLabel("Your nickname").fill(name, { timeout: WAIT_MS });
  await page.getByRole("button", { name: "Join", exact: true }).click({ timeout: WAIT_MS });
  await page.getByText(`You're in, ${name}!`).waitFor({ timeout: WAIT_MS });
  return { context, page, name, scripts };
}

const sampleButton = (page: Page, label: "Sample" | "Sample 10") =>
  page.getByRole("button", { name: label, exact: true });

/** Clicks Sample (or Sample 10) `times` times; the click waits until sampling is open (model loaded). */
export async function sample(page: Page, label: "Sample" | "Sample 10", times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await sampleButton(page, label).click({ timeout: WAIT_MS });
}

export async function counts(page: Page): Promise<{ made: number; acked: number }> {
  return { made: await numberIn(page, "samples-made"), acked: await numberIn(page, "samples-acked") };
}

/** Polls `check` (in Node, through locators) until it holds; fails naming `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const numberIn = async (page: Page, testId: string) =>
  Number((await page.getByTestId(testId).textContent({ timeout: 1_000 }))?.replace(/\D/g, "") ?? NaN);

/** Waits until the student made `made` samples and the server acknowledged all of them. */
export async function waitAcked(page: Page, made: number): Promise<void> {
  await until(async () => {
    const c = await counts(page);
    return c.made === made && c.acked === made;
  }, `${made} samples made and acknowledged`);
}

/** Waits until the student made `made` samples (acknowledged or not). */
export async function waitMade(page: Page, made: number): Promise<void> {
  await until(async () => (await numberIn(page, "samples-made")) === made, `${made} samples made`);
}

/** The host's N counter (round:stats n). */
export async function waitHostN(host: Page, n: number): Promise<void> {
  await until(async () => (await numberIn(host, "stat-n")) === n, `the host to count N = ${n}`);
}

export async function hostParticipantCount(host: Page): Promise<number> {
  return host.getByTestId("participant-list").locator("li").count();
}

export async function waitParticipants(host: Page, n: number): Promise<void> {
  await until(async () => (await hostParticipantCount(host)) === n, `${n} students in the host's list`);
}

/** The participant id this phone stored for the room (test/ compiles without the DOM library: a string expression). */
export async function storedParticipantId(page: Page, code: string): Promise<string | null> {
  const raw = await page.evaluate<string | null>(
    `localStorage.getItem(${JSON.stringify(`tokenroom:student:${code}`)})`,
  );
  return raw ? (JSON.parse(raw) as { participantId: string }).participantId : null;
}
