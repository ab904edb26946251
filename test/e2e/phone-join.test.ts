/**
 * The phone's join flow and its completions, in real Chromium: the code is checked before the nickname
 * (lower case accepted, characters outside the alphabet named, a wrong code stays editable), a locked room
 * says so once, the completion list survives a reload with one tab stop per completion, and a round closed
 * before the reveal shows this phone's own counts.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import {
  cspViolations,
  joinStudent,
  openHost,
  sample,
  waitAcked,
  waitParticipants,
  WAIT_MS,
  watchCsp,
} from "./pages.ts";

const e2e = useE2eEnvironment();
const SHOTS = process.env.PHONE_SHOTS ?? "/tmp/phone-shots";
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}-390.png`) });

async function phone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  return watchCsp(await context.newPage());
}

/** A code in the alphabet that no room has (the server makes random ones: one that collides is astronomically unlikely). */
const MISSING = "ACDEFG";

describe("joining from a phone", () => {
  it("checks the code before the nickname, names characters outside the alphabet, and keeps the code editable", async () => {
    const { code } = await openHost(e2e.browser, e2e.server.url);
    const page = await phone(e2e.browser);
    await page.goto(`${e2e.server.url}/`, { timeout: WAIT_MS });
    const field = page.getByLabel("Room code");
    const join = page.getByRole("button", { name: "Join", exact: true });

    await field.fill("q0pyy1", { timeout: WAIT_MS });
    await join.click({ timeout: WAIT_MS });
    await page.getByRole("alert").getByText("Room codes never use 0 1").waitFor({ timeout: WAIT_MS });
    await shot(page, "join-code-letters");

    await field.fill(MISSING.toLowerCase(), { timeout: WAIT_MS });
    await join.click({ timeout: WAIT_MS });
    await page.getByText("No room has this code.").waitFor({ timeout: WAIT_MS });
    expect(await page.getByLabel("Your nickname").count()).toBe(0);
    expect(await field.isEditable()).toBe(true);

    // lower case and a space are fine
    await field.fill(`${code.slice(0, 3).toLowerCase()} ${code.slice(3).toLowerCase()}`, {
      timeout: WAIT_MS,
    });
    await join.click({ timeout: WAIT_MS });
    await page.waitForURL(`${e2e.server.url}/join/${code}`, { timeout: WAIT_MS });
    await page.getByLabel("Your nickname").waitFor({ timeout: WAIT_MS });
    await page.context().close();
  });

  it("turns a /join link with a wrong code into an editable code field, then asks for the nickname", async () => {
    const { code } = await openHost(e2e.browser, e2e.server.url);
    const page = await phone(e2e.browser);
    await page.goto(`${e2e.server.url}/join/${MISSING.toLowerCase()}`, { timeout: WAIT_MS });
    await page.getByText("No room has this code.").waitFor({ timeout: WAIT_MS });
    expect(await page.getByLabel("Your nickname").count()).toBe(0);
    // the page says the code was not found; nothing calls it a room (the header names no room yet)
    await page.getByRole("heading", { name: `Room code ${MISSING} not found` }).waitFor({ timeout: WAIT_MS });
    expect(await page.getByText(`Room ${MISSING}`, { exact: true }).count()).toBe(0);
    expect(await page.title()).toBe("Tokenroom");
    const field = page.getByLabel("Room code");
    expect(await field.inputValue()).toBe(MISSING);
    await shot(page, "join-link-missing");
    await field.fill(code, { timeout: WAIT_MS });
    await page.getByRole("button", { name: "Check the code" }).click({ timeout: WAIT_MS });
    await page.getByLabel("Your nickname").waitFor({ timeout: WAIT_MS });
    await page.getByText(`Room ${code}`, { exact: true }).waitFor({ timeout: WAIT_MS });
    await page.context().close();
  });

  it("says a room is locked once, before and after a refused join", async () => {
    const { page: host, code } = await openHost(e2e.browser, e2e.server.url);
    await host.getByRole("button", { name: "Lock room" }).click({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Unlock room" }).waitFor({ timeout: WAIT_MS });
    const page = await phone(e2e.browser);
    await page.goto(`${e2e.server.url}/join/${code}`, { timeout: WAIT_MS });
    const locked = page.getByText("The room is locked.");
    await locked.first().waitFor({ timeout: WAIT_MS });
    expect(await locked.count()).toBe(1);
    await page.getByLabel("Your nickname").fill("Late", { timeout: WAIT_MS });
    await page.getByRole("button", { name: "Join", exact: true }).click({ timeout: WAIT_MS });
    await page.getByRole("alert").getByText("The room is locked.").waitFor({ timeout: WAIT_MS });
    expect(await locked.count()).toBe(1);
    await shot(page, "join-locked");
    await page.context().close();
  });
});

describe("a phone's completions", () => {
  it("survive a reload, take one tab stop each, and a round closed before the reveal shows the phone's own counts", async () => {
    const { page: host, code } = await openHost(e2e.browser, e2e.server.url);
    const student = await joinStudent(e2e.browser, e2e.server.url, code, "Rosa");
    await waitParticipants(host, 1);
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    const page = student.page;
    await sample(page, "Sample 10");
    await waitAcked(page, 10);
    const texts = () => page.locator(".completion").allInnerTexts();
    const before = await texts();
    expect(before).toHaveLength(10);

    await page.reload({ timeout: WAIT_MS });
    await waitAcked(page, 10);
    await page.locator(".completion").first().waitFor({ timeout: WAIT_MS });
    expect(await texts()).toEqual(before);

    // one tab stop per completion, not one per word
    const words = await page.locator(".completion button.token").count();
    const stops = await page.locator('.completion button.token[tabindex="0"]').count();
    expect(words).toBeGreaterThan(10);
    expect(stops).toBe(10);

    await host.getByRole("button", { name: "Close round" }).click({ timeout: WAIT_MS });
    const summary = page.getByTestId("closed-summary");
    await summary.waitFor({ timeout: WAIT_MS });
    expect(await summary.textContent()).toContain("You made 10 samples (10 counted)");
    expect(await page.getByText("No samples yet").count()).toBe(0);
    expect(await page.locator(".completion").count()).toBe(10);
    await shot(page, "closed-before-reveal");
    await student.context.close();
  });

  it("[H2] ran the join pages under the server's CSP without a violation", () => {
    expect(cspViolations).toEqual([]);
  });
});
