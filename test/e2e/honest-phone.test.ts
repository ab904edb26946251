/**
 * [L4] An honest phone is never limited in a normal round, in real Chromium: a phone with Auto-sample on for
 * ~18 s of a sample round (3 samples every 300 ms, ~10/s, under the sample rate of 60/s and its burst of 400),
 * then a guess round (one guess, under 30/min) and ~5 s of Auto-sample after its reveal. No error message shows on
 * the phone, every sample is acknowledged and counted by the host (the phone's acked counter equals the host's
 * N), and neither its HTTP responses, its socket's frames nor its console saw a refusal (429, RATE_LIMITED, any
 * `"ok":false` answer or rejected sample) or an error.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import { counts, joinStudent, openHost, until, waitAcked, waitHostN, WAIT_MS } from "./pages.ts";

const e2e = useE2eEnvironment();
/** How long Auto-sample runs in the sample round, then after the guess round's reveal. */
const SAMPLE_ROUND_MS = 18_000;
const GUESS_ROUND_MS = 5_000;

/** Everything on `page` that would mean it was limited or failed: HTTP ≥ 400, refusals on its socket, errors. */
function watchTrouble(page: Page): string[] {
  const trouble: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400) trouble.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => {
    // a page leaving its socket.io long-poll when it upgrades is not a failure of the app
    if (!r.url().includes("/socket.io/")) trouble.push(`request failed: ${r.url()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") trouble.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => trouble.push(`page error: ${e.message}`));
  page.on("websocket", (ws) => {
    ws.on("framereceived", (f) => {
      const text = typeof f.payload === "string" ? f.payload : f.payload.toString();
      if (/RATE_LIMITED|"ok":false|"status":"rejected"/.test(text))
        trouble.push(`socket: ${text.slice(0, 300)}`);
    });
    ws.on("socketerror", (e) => trouble.push(`socket error: ${e}`));
  });
  return trouble;
}

const autoSample = (page: Page) => page.getByRole("button", { name: /^Auto.sample/ });

/** Auto-sample on for `ms` (no error box meanwhile), off, then every sample made is acked and the host's N. */
async function sampleFor(phone: Page, host: Page, ms: number): Promise<number> {
  await autoSample(phone).click({ timeout: WAIT_MS });
  await autoSample(phone).filter({ hasText: "on" }).waitFor({ timeout: WAIT_MS });
  const end = Date.now() + ms;
  while (Date.now() < end) {
    expect(await phone.locator(".error-box").count()).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
  }
  await autoSample(phone).click({ timeout: WAIT_MS });
  await autoSample(phone).filter({ hasText: "off" }).waitFor({ timeout: WAIT_MS });
  // a batch under way when it was turned off still ends: wait until the count stops
  let made = -1;
  await until(async () => {
    const now = (await counts(phone)).made;
    const still = now === made;
    made = now;
    return still;
  }, "the phone to stop sampling");
  await waitAcked(phone, made);
  await waitHostN(host, made);
  expect(await phone.locator(".error-box").count()).toBe(0);
  expect(await phone.getByText("Too many requests").count()).toBe(0);
  return made;
}

describe("an honest phone is never limited", () => {
  it("[L4] honest phone never limited: Auto-sample through a sample round and a guess round", async () => {
    const { page: host, code } = await openHost(e2e.browser, e2e.server.url);
    const hostTrouble = watchTrouble(host);
    const phone = await joinStudent(e2e.browser, e2e.server.url, code, "Ada");
    const trouble = watchTrouble(phone.page);

    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    const sampled = await sampleFor(phone.page, host, SAMPLE_ROUND_MS);
    // ~10 samples/s for 18 s on a loaded machine: at least a few dozen, and (at most 400 in burst) never refused
    expect(sampled).toBeGreaterThan(20);

    // a guess round on the toy model: guess, reveal, sample again
    await host.getByRole("button", { name: "Close round" }).click({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "New round" }).click({ timeout: WAIT_MS });
    await host.getByLabel("Model", { exact: true }).selectOption("toy", { timeout: WAIT_MS });
    await host.getByLabel("Prompt", { exact: true }).fill("the", { timeout: WAIT_MS });
    await host.getByLabel("Guess: a guessing phase before the reveal").check({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await phone.page.getByRole("heading", { name: "Guess the next word" }).waitFor({ timeout: WAIT_MS });
    await phone.page.getByRole("button", { name: "Submit guess" }).click({ timeout: WAIT_MS });
    await phone.page.getByRole("button", { name: "Submitted ✓" }).waitFor({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Lock guesses" }).click({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await phone.page.getByTestId("guess-result").waitFor({ timeout: WAIT_MS });
    expect(await sampleFor(phone.page, host, GUESS_ROUND_MS)).toBeGreaterThan(5);

    expect(trouble).toEqual([]);
    expect(hostTrouble).toEqual([]);
    await host.context().close();
    await phone.context.close();
  }, 150_000);
});
