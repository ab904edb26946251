/**
 * The projector in presentation mode, in real Chromium: full screen with `F`, nothing the class should not see
 * (no host controls, no setup form, no Remove buttons), nothing cut off and back-row type sizes at 1920×1080
 * and 1280×720 (measured with getComputedStyle), the controls working from a second window of the host, and
 * [RV1] the reveal: the model's distribution hidden on the projector and in a phone's dialog until the reveal.
 * Screenshots go to /tmp/projector-shots/ (or $PROJECTOR_SHOTS) to be looked at.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import { joinStudent, openHost, sample, until, waitAcked, waitHostN, WAIT_MS } from "./pages.ts";

const e2e = useE2eEnvironment();
const SHOTS = process.env.PROJECTOR_SHOTS ?? "/tmp/projector-shots";

/** The boxes of the projector's main parts, and the page's scroll size, against the viewport. */
async function cutOff(page: Page): Promise<string[]> {
  const viewport = page.viewportSize()!;
  const problems: string[] = [];
  for (const id of ["projector-focus", "projector-bars", "projector-caption", "projector-join"]) {
    const box = await page.getByTestId(id).boundingBox({ timeout: WAIT_MS });
    if (!box) problems.push(`${id}: not rendered`);
    else if (
      box.x < 0 ||
      box.y < 0 ||
      box.x + box.width > viewport.width + 0.5 ||
      box.y + box.height > viewport.height + 0.5
    )
      problems.push(`${id}: ${JSON.stringify(box)} outside ${viewport.width}×${viewport.height}`);
  }
  // the bars inside the focus area: every row fully visible (the focus hides overflow)
  const rows = await page.evaluate<{ bottom: number; limit: number }>(`(() => {
    const focus = document.querySelector('[data-testid=projector-focus]').getBoundingClientRect();
    const cells = [...document.querySelectorAll('[data-testid=projector-bars] .pbar-lines')];
    return { bottom: Math.max(...cells.map((c) => c.getBoundingClientRect().bottom)), limit: focus.bottom };
  })()`);
  if (rows.bottom > rows.limit + 0.5)
    problems.push(`bars end at ${rows.bottom}, below the focus area (${rows.limit})`);
  const scroll = await page.evaluate<{ w: number; h: number }>(
    `({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight })`,
  );
  if (scroll.w > viewport.width || scroll.h > viewport.height)
    problems.push(`page scrolls: ${JSON.stringify(scroll)}`);
  return problems;
}

/** The smallest computed font size (px) of the elements matching each selector. */
async function minFontPx(page: Page, selectors: Record<string, string>): Promise<Record<string, number>> {
  return page.evaluate<Record<string, number>>(`(() => {
    const out = {};
    for (const [name, sel] of Object.entries(${JSON.stringify(selectors)})) {
      const sizes = [...document.querySelectorAll(sel)].map((e) => parseFloat(getComputedStyle(e).fontSize));
      out[name] = sizes.length ? Math.min(...sizes) : -1;
    }
    return out;
  })()`);
}

const TEXT = {
  caption: "[data-testid=projector-caption]",
  prompt: ".projector-prompt",
  meta: ".projector-meta",
  labels: ".pbar-label",
  numbers: ".pbar-value",
  legend: ".projector .chart-legend li",
  code: ".projector-join-code",
};

/**
 * [RV1] The phone's completion words: how many; which say a probability in an attribute or a text; how many
 * are named with their probability; how many have a colour other than the neutral white.
 */
interface PhoneWords {
  count: number;
  saysProbability: string[];
  named: number;
  coloured: number;
}
const phoneWords = (page: Page) =>
  page.evaluate<PhoneWords>(`(() => {
    const words = [...document.querySelectorAll('.completion-list button.token')];
    const attrs = (w) => [...w.attributes].map((a) => a.name + '="' + a.value + '"').join(' ');
    return {
      count: words.length,
      saysProbability: words.map((w) => attrs(w) + ' ' + w.textContent).filter((s) => /probab|%|\\d\\.\\d/i.test(s)),
      named: words.filter((w) => /probability \\d/.test(w.getAttribute('aria-label') ?? '')).length,
      coloured: words.filter((w) => getComputedStyle(w).backgroundColor !== 'rgb(255, 255, 255)').length,
    };
  })()`);

const animationsDone = (page: Page) =>
  until(
    () => page.evaluate<boolean>(`document.getAnimations().every((a) => a.playState === "finished")`),
    "the reveal's animations to finish",
  );

async function hostControlsVisible(page: Page): Promise<string[]> {
  const visible: string[] = [];
  for (const name of ["Reveal", "Close round", "Start round", "End session", "Remove", "Present (F)"]) {
    if (await page.getByRole("button", { name, exact: false }).filter({ visible: true }).count())
      visible.push(name);
  }
  if (await page.getByRole("navigation").filter({ visible: true }).count()) visible.push("host bar");
  return visible;
}

describe("the projector in presentation mode", () => {
  it("shows the class's bars, hides the model until the reveal (projector and phone), fits and reads from the back row", async () => {
    mkdirSync(SHOTS, { recursive: true });
    const context = await e2e.browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const { page: projector, code, sessionId } = await openHost(e2e.browser, e2e.server.url, context);
    const ada = await joinStudent(e2e.browser, e2e.server.url, code, "Ada");

    // between rounds the bar offers a second window of the same session for the controls
    expect(await projector.getByRole("link", { name: "Controls window" }).getAttribute("href")).toBe(
      new URL(projector.url()).pathname,
    );
    // presentation mode in the lobby: the join code is the focus
    await projector.keyboard.press("f");
    await projector.getByTestId("projector").waitFor({ timeout: WAIT_MS });
    await projector.getByText("1 student is in.").waitFor({ timeout: WAIT_MS });
    expect(await hostControlsVisible(projector)).toEqual([]);
    await projector.screenshot({ path: join(SHOTS, "lobby-1920.png") });
    await projector.keyboard.press("f");

    // a round with the default setting: the model's probabilities wait for the reveal
    expect(await projector.getByLabel(/Hide the model's probabilities/).isChecked()).toBe(true);
    await projector.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    // three batches, each counted before the next: three points of the KL curve (one stats tick each)
    for (const n of [10, 20, 30]) {
      await sample(ada.page, "Sample 10");
      await waitAcked(ada.page, n);
      await waitHostN(projector, n);
    }
    // the host's own view hides the model too (it is often the projector)
    await projector.getByTestId("model-hidden").waitFor({ timeout: WAIT_MS });
    expect(await projector.getByTestId("model-sampler-panel").count()).toBe(0);
    expect(await projector.getByText("Sampler (exact)").count()).toBe(0);

    // the phone's words carry no probability before the reveal: not in a name, a title, a colour or a text
    const words = ada.page.locator(".completion-list button.token");
    const before = await phoneWords(ada.page);
    expect(before.count).toBeGreaterThanOrEqual(30);
    expect(before).toEqual({ count: before.count, saysProbability: [], named: 0, coloured: 0 });
    await ada.page.screenshot({ path: join(SHOTS, "phone-words-before-reveal.png") });
    // the phone's "why this word?" dialog shows no probability before the reveal
    await words.first().click({ timeout: WAIT_MS });
    const dialog = ada.page.getByRole("dialog");
    await dialog.getByText("stays hidden until the instructor reveals it").waitFor({ timeout: WAIT_MS });
    expect(await dialog.getByText(/had probability/).count()).toBe(0);
    expect(await dialog.getByTestId("inspector-pair").count()).toBe(0);
    await ada.page.screenshot({ path: join(SHOTS, "phone-dialog-before-reveal.png") });
    await ada.page.getByRole("button", { name: "Close", exact: true }).click({ timeout: WAIT_MS });

    // a second window of the host keeps the controls
    const presenter = await context.newPage();
    await presenter.goto(`${e2e.server.url}/host/${encodeURIComponent(sessionId)}`, { timeout: WAIT_MS });
    await presenter.getByRole("button", { name: "Reveal" }).waitFor({ timeout: WAIT_MS });

    // the projector presents: the class's bars only, no controls, nothing cut off, back-row type
    await projector.getByRole("button", { name: "Present (F)" }).click({ timeout: WAIT_MS });
    await projector.getByTestId("projector-bars").waitFor({ timeout: WAIT_MS });
    expect(await hostControlsVisible(projector)).toEqual([]);
    expect(await projector.getByText("Start round").count()).toBe(0); // no setup form either
    expect(await projector.getByTestId("pbar-class").count()).toBeGreaterThan(0);
    expect(await projector.getByTestId("pbar-model").count()).toBe(0);
    expect(await projector.getByTestId("projector-caption").textContent()).toContain("appear at the reveal");
    expect(await projector.locator("[data-testid=projector-join] canvas").count()).toBe(1);
    expect(await cutOff(projector)).toEqual([]);
    const big = await minFontPx(projector, TEXT);
    console.log("font sizes at 1920×1080 (px):", big);
    expect(big.caption).toBeGreaterThanOrEqual(28);
    expect(big.prompt).toBeGreaterThanOrEqual(28);
    for (const key of ["meta", "labels", "numbers", "legend", "code"])
      expect(big[key], key).toBeGreaterThanOrEqual(24);
    await projector.screenshot({ path: join(SHOTS, "sampling-1920.png") });

    // 1280×720: the same layout scaled down, still nothing cut off
    await projector.keyboard.press("f");
    await projector.setViewportSize({ width: 1280, height: 720 });
    await projector.keyboard.press("f");
    await projector.getByTestId("projector-bars").waitFor({ timeout: WAIT_MS });
    expect(await cutOff(projector)).toEqual([]);
    const small = await minFontPx(projector, TEXT);
    console.log("font sizes at 1280×720 (px):", small);
    // scaled with the viewport: 2/3 of the 1920×1080 sizes
    expect(small.caption).toBeGreaterThanOrEqual((28 * 2) / 3);
    for (const key of ["labels", "numbers"]) expect(small[key], key).toBeGreaterThanOrEqual((24 * 2) / 3);
    await projector.screenshot({ path: join(SHOTS, "sampling-1280.png") });
    await projector.keyboard.press("f");
    await projector.setViewportSize({ width: 1920, height: 1080 });
    await projector.keyboard.press("f");

    // the reveal, from the controls window: the model's bars slide in on the projector, the phone shows it
    await presenter.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await projector.getByTestId("pbar-model").first().waitFor({ timeout: WAIT_MS });
    expect(await projector.getByTestId("projector-caption").textContent()).toContain("Revealed");
    await animationsDone(projector);
    expect(await cutOff(projector)).toEqual([]);
    expect(await hostControlsVisible(projector)).toEqual([]);
    await projector.screenshot({ path: join(SHOTS, "revealed-1920.png") });
    await ada.page.getByText("Sampler (exact)").first().waitFor({ timeout: WAIT_MS });
    // after the reveal every word has its probability in its name and its colour
    const after = await phoneWords(ada.page);
    expect(after.count).toBeGreaterThanOrEqual(30);
    expect(after.named).toBe(after.count);
    expect(after.coloured).toBe(after.count);
    await ada.page.screenshot({ path: join(SHOTS, "phone-words-after-reveal.png") });
    await ada.page
      .getByRole("button", { name: /probability/ })
      .first()
      .click({ timeout: WAIT_MS });
    await ada.page
      .getByRole("dialog")
      .getByText(/had probability/)
      .waitFor({ timeout: WAIT_MS });
    await ada.page.getByRole("dialog").getByTestId("inspector-pair").waitFor({ timeout: WAIT_MS });
    await ada.page.screenshot({ path: join(SHOTS, "phone-dialog-after-reveal.png") });
    await ada.page.getByRole("button", { name: "Close", exact: true }).click({ timeout: WAIT_MS });

    await projector.setViewportSize({ width: 1280, height: 720 });
    await until(async () => (await cutOff(projector)).length === 0, "the revealed bars to fit 1280×720");
    await projector.screenshot({ path: join(SHOTS, "revealed-1280.png") });
    await projector.setViewportSize({ width: 1920, height: 1080 });

    // the controls window is the host's ordinary view: its charts' ticks and labels are ≥ 18 px at 1920×1080,
    // and at 1280×800 too, without the page scrolling sideways
    for (const [width, height] of [
      [1920, 1080],
      [1280, 800],
    ] as const) {
      await presenter.setViewportSize({ width, height });
      await presenter.locator(".live svg text").first().waitFor({ timeout: WAIT_MS });
      const charts = await minFontPx(presenter, { chartText: ".live .recharts-wrapper svg text" });
      console.log(`the host's own view at ${width}×${height}, chart text (px):`, charts);
      expect(charts.chartText).toBeGreaterThanOrEqual(18);
      const scrollWidth = await presenter.evaluate<number>("document.documentElement.scrollWidth");
      expect(scrollWidth, `the host's view at ${width}×${height}`).toBeLessThanOrEqual(width);
      await presenter.screenshot({ path: join(SHOTS, `host-view-${width}.png`), fullPage: true });
    }
    await presenter.setViewportSize({ width: 1920, height: 1080 });

    // key 2: the KL chart, with units on both axes and back-row ticks
    await projector.keyboard.press("2");
    await projector.getByText("KL (bits)").waitFor({ timeout: WAIT_MS });
    await projector.getByText("samples N (log scale)").waitFor({ timeout: WAIT_MS });
    const ticks = await minFontPx(projector, { ticks: "[data-testid=projector-focus] svg text" });
    expect(ticks.ticks).toBeGreaterThanOrEqual(24);
    await projector.screenshot({ path: join(SHOTS, "kl-1920.png") });
    await projector.keyboard.press("1");

    // a hot round (T = 2.5) from the controls window: after the reveal the model's bars are the round's own,
    // flattened distribution (not the T = 1 top words with nearly everything in "other")
    await presenter.getByRole("button", { name: "New round" }).click({ timeout: WAIT_MS });
    const temperature = presenter.getByRole("slider", { name: /Temperature/ });
    await temperature.focus({ timeout: WAIT_MS });
    for (let i = 0; i < 30; i++) await temperature.press("ArrowRight");
    expect(await temperature.inputValue()).toBe("2.5");
    await presenter.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await projector.getByText("T = 2.5").waitFor({ timeout: WAIT_MS });
    await sample(ada.page, "Sample 10", 3);
    await until(
      async () => (await projector.getByTestId("projector-n").textContent()) === "N = 30 samples",
      "the projector to count the hot round's 30 samples",
    );
    await presenter.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await projector.getByTestId("pbar-model").first().waitFor({ timeout: WAIT_MS });
    await animationsDone(projector);
    const hot = (await projector.getByTestId("pbar-model").allTextContents()).map((s) =>
      s.startsWith("≤") ? 0 : Number(s.replace("%", "")) / 100,
    );
    console.log("T = 2.5, the model's bars:", hot);
    expect(hot.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...hot.slice(0, -1))).toBeLessThan(0.5); // the words: flat, no 70% "little"
    expect(await cutOff(projector)).toEqual([]);
    await projector.screenshot({ path: join(SHOTS, "hot-revealed-1920.png") });

    // closing the round: 0 samples/s; ending the session: no QR code, "ended"
    await presenter.getByRole("button", { name: "Close round" }).click({ timeout: WAIT_MS });
    await until(
      async () => (await presenter.getByTestId("stat-rate").textContent()) === "0",
      "samples/s to be 0",
    );
    await presenter.getByRole("button", { name: "End session" }).click({ timeout: WAIT_MS });
    await presenter.getByRole("button", { name: "Yes, end it" }).click({ timeout: WAIT_MS });
    await projector.getByText("This session has ended.").waitFor({ timeout: WAIT_MS });
    expect(await projector.locator("canvas").count()).toBe(0);
    // the controls window hears "ended" on its own socket, maybe a moment after the projector
    await until(
      async () => (await presenter.locator("canvas.qr").count()) === 0,
      "the controls window to drop its QR code",
    );
    await projector.screenshot({ path: join(SHOTS, "ended-1920.png") });

    await ada.context.close();
    await context.close();
  });
});
