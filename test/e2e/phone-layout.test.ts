/**
 * Every phone screen at three phone sizes (mobile emulation): join, waiting, sampling, revealed, closed,
 * guess open / locked / result, removed and ended. On each: the page is no wider than the device
 * (`document.documentElement.scrollWidth` ≤ the screen width: with mobile emulation `innerWidth` grows to
 * match an overflow, so comparing with it could not fail) and the screen's primary action is inside the
 * viewport. Screenshots at 360 and 390 wide go to $PHONE_SHOTS (default /tmp/phone-shots).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import { cspViolations, openHost, sample, until, waitParticipants, WAIT_MS, watchCsp } from "./pages.ts";

const e2e = useE2eEnvironment();
const SHOTS = process.env.PHONE_SHOTS ?? "/tmp/phone-shots";
mkdirSync(SHOTS, { recursive: true });

interface Phone {
  width: number;
  height: number;
  name: string;
  context: BrowserContext;
  page: Page;
}

const SIZES = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
  { width: 414, height: 896 },
] as const;

async function newPhone(width: number, height: number, name: string): Promise<Phone> {
  const context = await e2e.browser.newContext({
    viewport: { width, height },
    screen: { width, height },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  return { width, height, name, context, page: watchCsp(await context.newPage()) };
}

/** Every layout problem found (all screens are visited even when one fails). */
const problems: string[] = [];

async function checkScreen(phone: Phone, screen: string, primary: (page: Page) => Locator): Promise<void> {
  const { page, width, height } = phone;
  const action = primary(page);
  await action.waitFor({ state: "visible", timeout: WAIT_MS });
  const scrollWidth = await page.evaluate<number>("document.documentElement.scrollWidth");
  if (scrollWidth > width) problems.push(`${screen} @${width}: page is ${scrollWidth} px wide`);
  const box = await action.boundingBox();
  const inside =
    box !== null &&
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= width + 0.5 &&
    box.y + box.height <= height + 0.5;
  if (!inside)
    problems.push(`${screen} @${width}: primary action outside the viewport (${JSON.stringify(box)})`);
  if (width <= 390) await page.screenshot({ path: join(SHOTS, `${screen}-${width}.png`) });
}

const button = (name: string) => (page: Page) => page.getByRole("button", { name, exact: true });

describe("phone screens at 360, 390 and 414 px wide", () => {
  it("fit the screen and keep the primary action in view, screen by screen", async () => {
    const { page: host, code } = await openHost(e2e.browser, e2e.server.url);
    const phones = await Promise.all(SIZES.map((s, i) => newPhone(s.width, s.height, `Phone${i + 1}`)));
    const each = (f: (p: Phone) => Promise<void>) => Promise.all(phones.map(f));

    // the start page's code form, then the nickname form
    await each(async (p) => {
      await p.page.goto(`${e2e.server.url}/`, { timeout: WAIT_MS });
      await checkScreen(p, "landing", button("Join"));
      await p.page.getByLabel("Room code").fill(code.toLowerCase(), { timeout: WAIT_MS });
      await p.page.getByRole("button", { name: "Join", exact: true }).click({ timeout: WAIT_MS });
      await p.page.getByLabel("Your nickname").waitFor({ timeout: WAIT_MS });
      await checkScreen(p, "join", button("Join"));
      await p.page.getByLabel("Your nickname").fill(p.name, { timeout: WAIT_MS });
      await p.page.getByRole("button", { name: "Join", exact: true }).click({ timeout: WAIT_MS });
      await p.page.getByText(`You're in, ${p.name}!`).waitFor({ timeout: WAIT_MS });
      await checkScreen(p, "waiting", (page) => page.getByText(`You're in, ${p.name}!`));
    });
    await waitParticipants(host, 3);

    // a sample round: sampling, then the reveal (the class chart), then closed before anything else
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await each(async (p) => {
      await sample(p.page, "Sample 10", 2);
      await until(async () => (await p.page.locator(".completion").count()) >= 20, "20 completions");
      await checkScreen(p, "sampling", button("Sample"));
      // the newest completion is visible above the dock
      const newest = p.page.locator(".completion").first();
      const box = await newest.boundingBox();
      const dock = await p.page.locator(".sample-dock").boundingBox();
      if (!box || !dock || box.y + box.height > dock.y || box.y < 0)
        problems.push(`sampling @${p.width}: newest completion hidden (${JSON.stringify({ box, dock })})`);
    });
    await host.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await each(async (p) => {
      await p.page.getByText("Sampler (exact)").waitFor({ timeout: WAIT_MS });
      await checkScreen(p, "revealed", button("Sample"));
      await p.page.getByTestId("class-chart").scrollIntoViewIfNeeded({ timeout: WAIT_MS });
      if (p.width <= 390) await p.page.screenshot({ path: join(SHOTS, `revealed-chart-${p.width}.png`) });
    });
    // the same screen in 中文 on the smallest phone, then back to English for the rest
    const smallest = phones[0]!;
    await smallest.page.getByTestId("language-switcher").selectOption("zh", { timeout: WAIT_MS });
    await smallest.page.evaluate("window.scrollTo(0, 0)");
    await checkScreen(smallest, "revealed-zh", button("采样"));
    await smallest.page.getByTestId("language-switcher").selectOption("en", { timeout: WAIT_MS });
    await smallest.page.getByRole("button", { name: "Sample", exact: true }).waitFor({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Close round" }).click({ timeout: WAIT_MS });
    await each((p) => checkScreen(p, "closed", (page) => page.getByText("This round is closed.")));

    // a guess round on the toy model: guessing, locked, then the result
    await host.getByRole("button", { name: "New round" }).click({ timeout: WAIT_MS });
    await host.getByLabel("Model", { exact: true }).selectOption("toy", { timeout: WAIT_MS });
    await host.getByLabel("Prompt", { exact: true }).fill("the", { timeout: WAIT_MS });
    await host.getByLabel("Guess: a guessing phase before the reveal").check({ timeout: WAIT_MS });
    await host.getByLabel("Candidates", { exact: true }).fill("3", { timeout: WAIT_MS });
    await host.getByLabel("Candidates", { exact: true }).blur();
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await each(async (p) => {
      await p.page.getByRole("heading", { name: "Guess the next word" }).waitFor({ timeout: WAIT_MS });
      await checkScreen(p, "guess-open", button("Submit guess"));
      // one slider move reaches a guess that took 8+ taps of ±5%; the others pay for it, the total stays 100%
      const first = p.page.locator(".stepper").first();
      await first.getByRole("slider").fill("70", { timeout: WAIT_MS });
      expect(await first.locator("output").textContent()).toBe("70%");
      expect(await p.page.locator(".stepper-total").textContent()).toBe("Total: 100%");
      await p.page.getByRole("button", { name: "Submit guess" }).click({ timeout: WAIT_MS });
      await p.page.getByRole("button", { name: "Submitted ✓" }).waitFor({ timeout: WAIT_MS });
    });
    await host.getByRole("button", { name: "Lock guesses" }).click({ timeout: WAIT_MS });
    await each((p) =>
      checkScreen(p, "guess-locked", (page) => page.getByText("Guesses are locked; waiting for the reveal.")),
    );
    await host.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await each(async (p) => {
      await p.page.getByTestId("guess-result").waitFor({ timeout: WAIT_MS });
      await checkScreen(p, "guess-result", button("Sample"));
      await p.page.getByTestId("guess-result").scrollIntoViewIfNeeded({ timeout: WAIT_MS });
      if (p.width <= 390) await p.page.screenshot({ path: join(SHOTS, `guess-result-score-${p.width}.png`) });
    });

    // the host removes the 360 px phone (after a confirmation), then ends the session
    const [small, ...others] = phones as [Phone, Phone, Phone];
    await host.getByRole("button", { name: `Remove ${small.name}` }).click({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Yes, remove", exact: true }).click({ timeout: WAIT_MS });
    await small.page.getByText("The instructor removed you from this session.").waitFor({ timeout: WAIT_MS });
    await checkScreen(small, "removed", button("Go to the start page"));
    await host.getByRole("button", { name: "End session" }).click({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Yes, end it" }).click({ timeout: WAIT_MS });
    await Promise.all(
      others.map(async (p) => {
        await p.page.getByText("This session has ended.").first().waitFor({ timeout: WAIT_MS });
        await checkScreen(p, "ended", button("Go to the start page"));
      }),
    );

    await each((p) => p.context.close());
    expect(problems).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 240_000);
});
