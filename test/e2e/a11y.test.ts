/**
 * Accessibility in real Chromium (issue 15): axe-core on every screen of the host (lobby, live round,
 * presentation mode, ended), the presenter's controls window, the phone (join, waiting, sampling, revealed,
 * guess, locked, result, closed, ended, removed), "be the model" (host, presentation mode, phone), the admin page
 * (sign-in, sessions), the landing page and the review (sessions list, a session's review): no
 * critical, serious or moderate violation (so exactly one `main` landmark and one `h1` per screen). And the text
 * of the chart SVGs (recharts ticks and labels: host, presentation mode, guess round, review) has a contrast of
 * at least 4.5:1 against the background it is drawn on.
 *
 * axe's source is evaluated through the DevTools protocol (`page.evaluate`), which the server's CSP
 * (`script-src 'self'`) does not apply to; an injected <script> tag would be blocked.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import { joinStudent, openHost, sample, until, waitAcked, waitHostN, WAIT_MS, watchCsp } from "./pages.ts";

/** The admin page's token (48 hex characters, as operations.md asks): fixed for the test, not a secret. */
const ADMIN_TOKEN = "6f1c0a9e4b7d2385c6e1f0a94d7b3c2e8a5f1d6b9c0e4a73";
const e2e = useE2eEnvironment({ ADMIN_TOKEN });
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  nodes: number;
  targets: string[];
}

/** Every screen's violations, by screen name: printed at the end for the report. */
const found: Record<string, Violation[]> = {};

/** Runs axe on the page as it is now; records and returns the violations of impact moderate or worse. */
async function axe(page: Page, screen: string): Promise<Violation[]> {
  if (!(await page.evaluate<boolean>(`typeof window.axe === "object"`))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<Violation[]>(`axe
    .run(document, { resultTypes: ["violations"] })
    .then((r) => r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    })))`);
  found[screen] = violations;
  await page.screenshot({ path: join(e2e.shots, `a11y-${screen}.png`) });
  return violations.filter(
    (v) => v.impact === "critical" || v.impact === "serious" || v.impact === "moderate",
  );
}

async function expectClean(page: Page, screen: string): Promise<void> {
  expect.soft(await axe(page, screen), screen).toEqual([]);
  const landmarks = await page.evaluate<{ main: number; h1: number }>(
    `({ main: document.querySelectorAll("main, [role=main]").length, h1: document.querySelectorAll("h1").length })`,
  );
  expect.soft(landmarks, screen).toEqual({ main: 1, h1: 1 });
}

interface LowContrast {
  text: string;
  fill: string;
  background: string;
  ratio: number;
}

/**
 * Every text element inside the SVGs under `selector`: its fill (or colour, if it has no fill) against the
 * first non-transparent background colour up its ancestors, WCAG 2 contrast ratio from relative luminance.
 * Returns the texts below 4.5:1, and how many were checked.
 */
async function chartTextContrast(
  page: Page,
  selector: string,
): Promise<{ checked: number; low: LowContrast[] }> {
  return page.evaluate<{ checked: number; low: LowContrast[] }>(`(() => {
    const parse = (c) => {
      const m = c.match(/rgba?\\(([^)]+)\\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const channel = (v) => { const s = v / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
    const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    const over = (fg, bg) => ({
      r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a), a: 1,
    });
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) return c.a < 1 ? over(c, { r: 255, g: 255, b: 255, a: 1 }) : c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const texts = [...document.querySelectorAll(${JSON.stringify(selector)})].flatMap((svg) => [
      ...svg.querySelectorAll("text"),
    ]).filter((t) => t.textContent.trim() !== "" && t.getBoundingClientRect().width > 0);
    const low = [];
    for (const t of texts) {
      const style = getComputedStyle(t);
      const bg = background(t.parentElement);
      let fg = parse(style.fill) ?? parse(style.color);
      const opacity = Number(style.fillOpacity) * Number(style.opacity);
      fg = over({ ...fg, a: fg.a * opacity }, bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < 4.5)
        low.push({ text: t.textContent.trim(), fill: style.fill, background: JSON.stringify(bg), ratio: Math.round(ratio * 100) / 100 });
    }
    return { checked: texts.length, low };
  })()`);
}

async function expectReadableCharts(page: Page, selector: string, what: string): Promise<number> {
  const { checked, low } = await chartTextContrast(page, selector);
  console.log(`${what}: ${checked} chart texts checked`);
  expect.soft(low, what).toEqual([]);
  return checked;
}

describe("accessibility of every screen", () => {
  let host: Page;
  let code: string;
  let sessionId: string;
  let phone: Page;

  it("host lobby, phone join and waiting", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    ({ page: host, code, sessionId } = await openHost(e2e.browser, e2e.server.url, context));
    await expectClean(host, "host-lobby");
    await host.keyboard.press("f");
    await host.getByTestId("projector").waitFor({ timeout: WAIT_MS });
    await expectClean(host, "presentation-lobby");
    await host.keyboard.press("f");
    await host.getByRole("button", { name: "Present (F)" }).waitFor({ timeout: WAIT_MS });

    const phoneContext = await e2e.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    phone = watchCsp(await phoneContext.newPage());
    await phone.goto(`${e2e.server.url}/join/${code}`, { timeout: WAIT_MS });
    await phone.getByLabel("Your nickname").waitFor({ timeout: WAIT_MS });
    await expectClean(phone, "phone-join");
    await phone.getByLabel("Your nickname").fill("Ada", { timeout: WAIT_MS });
    await phone.getByRole("button", { name: "Join", exact: true }).click({ timeout: WAIT_MS });
    await phone.getByText("You're in, Ada!").waitFor({ timeout: WAIT_MS });
    await expectClean(phone, "phone-waiting");
  });

  it("live round: host, presenter window, presentation mode and phone, before and after the reveal", async () => {
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    for (const n of [10, 20, 30]) {
      await sample(phone, "Sample 10");
      await waitAcked(phone, n);
      await waitHostN(host, n);
    }
    await expectClean(phone, "phone-sampling");
    await expectClean(host, "host-live");
    await expectReadableCharts(host, ".recharts-wrapper svg", "host charts while sampling");

    const presenter = watchCsp(await host.context().newPage());
    await presenter.goto(`${e2e.server.url}/host/${encodeURIComponent(sessionId)}`, { timeout: WAIT_MS });
    await presenter.getByRole("button", { name: "Reveal" }).waitFor({ timeout: WAIT_MS });
    await expectClean(presenter, "presenter");

    await host.getByRole("button", { name: "Present (F)" }).click({ timeout: WAIT_MS });
    await host.getByTestId("projector-bars").waitFor({ timeout: WAIT_MS });
    await expectClean(host, "presentation-sampling");

    await presenter.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await host.getByTestId("pbar-model").first().waitFor({ timeout: WAIT_MS });
    await until(
      () => host.evaluate<boolean>(`document.getAnimations().every((a) => a.playState === "finished")`),
      "the reveal's animations to finish",
    );
    await expectClean(host, "presentation-revealed");
    // key 2: the KL chart in presentation mode
    await host.keyboard.press("2");
    await host.getByText("KL (bits)").waitFor({ timeout: WAIT_MS });
    await expectClean(host, "presentation-kl");
    expect(
      await expectReadableCharts(host, "[data-testid=projector-focus] svg", "presentation mode's KL chart"),
    ).toBeGreaterThan(0);
    await host.keyboard.press("1");
    await host.keyboard.press("f");
    await host.getByRole("button", { name: "Present (F)" }).waitFor({ timeout: WAIT_MS });

    await phone.getByText("Sampler (exact)").first().waitFor({ timeout: WAIT_MS });
    await expectClean(phone, "phone-revealed");
    await expectClean(host, "host-revealed");
    expect(
      await expectReadableCharts(host, ".recharts-wrapper svg", "host charts after the reveal"),
    ).toBeGreaterThan(0);

    // a guess round, from the controls window
    await presenter.getByRole("button", { name: "New round" }).click({ timeout: WAIT_MS });
    await presenter.getByLabel("Model", { exact: true }).selectOption("toy", { timeout: WAIT_MS });
    await presenter.getByLabel("Prompt", { exact: true }).fill("the", { timeout: WAIT_MS });
    await presenter.getByLabel("Guess: a guessing phase before the reveal").check({ timeout: WAIT_MS });
    await presenter.getByLabel("Candidates", { exact: true }).fill("3", { timeout: WAIT_MS });
    await presenter.getByLabel("Candidates", { exact: true }).blur();
    await presenter.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await phone.getByRole("heading", { name: "Guess the next word" }).waitFor({ timeout: WAIT_MS });
    await expectClean(phone, "phone-guess");
    await host.locator(".candidate", { hasText: "mouse" }).waitFor({ timeout: WAIT_MS });
    await expectClean(host, "host-guess");
    await phone.getByRole("button", { name: "More likely: mouse", exact: true }).click({ timeout: WAIT_MS });
    await phone.getByRole("button", { name: "Submit guess" }).click({ timeout: WAIT_MS });
    await phone.getByRole("button", { name: "Submitted ✓" }).waitFor({ timeout: WAIT_MS });
    await presenter.getByRole("button", { name: "Lock guesses" }).click({ timeout: WAIT_MS });
    await phone.getByText("Guesses are locked; waiting for the reveal.").waitFor({ timeout: WAIT_MS });
    await expectClean(phone, "phone-guess-locked");
    await presenter.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await phone.getByTestId("guess-result").waitFor({ timeout: WAIT_MS });
    await expectClean(phone, "phone-guess-result");
    await expectClean(host, "host-guess-revealed");
    expect(
      await expectReadableCharts(host, ".recharts-wrapper svg", "the guess round's charts"),
    ).toBeGreaterThan(0);
    await presenter.getByRole("button", { name: "Close round" }).click({ timeout: WAIT_MS });
    await phone.getByText("This round is closed.").first().waitFor({ timeout: WAIT_MS });
    await expectClean(phone, "phone-closed");

    // the end of the session: the host's page, presentation mode and the phone
    await presenter.getByRole("button", { name: "End session" }).click({ timeout: WAIT_MS });
    await presenter.getByRole("button", { name: "Yes, end it" }).click({ timeout: WAIT_MS });
    await host.getByText("This session has ended.").first().waitFor({ timeout: WAIT_MS });
    await expectClean(host, "host-ended");
    await host.keyboard.press("f");
    await host.getByTestId("projector").waitFor({ timeout: WAIT_MS });
    await expectClean(host, "presentation-ended");
    await host.keyboard.press("f");
    await phone.getByText("This session has ended.").first().waitFor({ timeout: WAIT_MS });
    await expectClean(phone, "phone-ended");
    await presenter.close();
    await phone.context().close();
  });

  it("review: the sessions list and a session's review", async () => {
    const review = watchCsp(await host.context().newPage());
    await review.goto(`${e2e.server.url}/`, { timeout: WAIT_MS });
    await review.getByRole("link", { name: /My sessions/ }).waitFor({ timeout: WAIT_MS });
    await expectClean(review, "landing");
    await review.getByRole("link", { name: /My sessions/ }).click({ timeout: WAIT_MS });
    const row = review.locator(`tr[data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: WAIT_MS });
    await expectClean(review, "sessions-list");
    await row.getByRole("link", { name: "Open review" }).click({ timeout: WAIT_MS });
    await review.waitForURL(/\/sessions\/[^/]+\/review$/, { timeout: WAIT_MS });
    await review.getByTestId("replay-n").first().waitFor({ timeout: WAIT_MS });
    await expectClean(review, "review");
    expect(
      await expectReadableCharts(review, ".recharts-wrapper svg", "the review's charts"),
    ).toBeGreaterThan(0);
    await host.context().close();
  });

  it("be the model (host, presentation, phone), a refused setting, the removed phone and the admin page", async () => {
    const { page: host } = await openHost(e2e.browser, e2e.server.url);
    const phone = await joinStudent(
      e2e.browser,
      e2e.server.url,
      (await host.getByTestId("room-code").textContent())!.trim(),
      "Bea",
    );
    await host.getByLabel("Model", { exact: true }).selectOption("tiny-stories", { timeout: WAIT_MS });
    await host.getByLabel("Be the model: predict a real text, word by word").check({ timeout: WAIT_MS });

    // a pasted text too short for its words: the server refuses it, and the host reads what to do, in its words
    await host.getByLabel("Paste a text").check({ timeout: WAIT_MS });
    await host.getByLabel("Text (the class predicts its last words)").fill("the", { timeout: WAIT_MS });
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    const refused = host.getByRole("alert").filter({ hasText: "The server refused these settings" });
    await refused.waitFor({ timeout: WAIT_MS });
    // the catalogue's sentence alone: no code, no raw server message in brackets after it
    expect(await refused.textContent()).toBe(
      "The server refused these settings: every word of the prompt (or of the pasted passage) must be in the model's vocabulary, and the prompt must not be too long. Change it and start again.",
    );
    await expectClean(host, "host-refused-setting");

    await host.getByLabel("A held-out passage of the model's corpus").check({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await host.getByTestId("bemodel-progress").waitFor({ timeout: WAIT_MS });
    await phone.page.getByRole("heading", { name: "What comes next?" }).waitFor({ timeout: WAIT_MS });
    await expectClean(host, "host-be-model");
    await expectClean(phone.page, "phone-be-model");
    await host.keyboard.press("f");
    await host.getByTestId("projector").waitFor({ timeout: WAIT_MS });
    await expectClean(host, "presentation-be-model");
    await host.keyboard.press("f");

    await host.getByRole("button", { name: "Remove Bea" }).click({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Yes, remove", exact: true }).click({ timeout: WAIT_MS });
    await phone.page.getByText("The instructor removed you from this session.").waitFor({ timeout: WAIT_MS });
    await expectClean(phone.page, "phone-removed");
    await phone.context.close();

    const admin = watchCsp(await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } }));
    await admin.goto(`${e2e.server.url}/admin`, { timeout: WAIT_MS });
    await admin.getByLabel("Admin token").fill(ADMIN_TOKEN, { timeout: WAIT_MS });
    await expectClean(admin, "admin-sign-in");
    await admin.getByRole("button", { name: "Show the sessions" }).click({ timeout: WAIT_MS });
    await admin.getByRole("table").first().waitFor({ timeout: WAIT_MS });
    await expectClean(admin, "admin-sessions");
    await admin.close();
    await host.close();
  });

  it("reports what axe found", () => {
    for (const [screen, violations] of Object.entries(found))
      console.log(
        `${screen}: ${violations.length ? violations.map((v) => `${v.id} (${v.impact}, ${v.nodes})`).join(", ") : "none"}`,
      );
    expect(Object.keys(found).length).toBeGreaterThan(0);
  });
});
