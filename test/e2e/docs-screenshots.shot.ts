/**
 * `pnpm docs:screenshots`: the screenshots of docs/teaching.md and the README, taken by playing the lesson
 * plan in real Chromium against the real server (the e2e harness: the build of the current sources, a
 * throwaway PGlite database). Not part of `pnpm test` (its name ends in .shot.ts; the config is
 * test/e2e/vitest.docs.config.ts). The projector is 1920×1080 in presentation mode, the phone 390×844 at
 * device scale 1 (each PNG stays well under 200 KB). Writes docs/img/*.png, or $DOCS_SHOTS if set.
 * Sampling is random, so the bars differ from run to run; the layout does not.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, it } from "vitest";
import { ROOT, useE2eEnvironment } from "./harness.ts";
import { joinStudent, openHost, sample, until, waitAcked, waitHostN, WAIT_MS } from "./pages.ts";

const e2e = useE2eEnvironment();
const OUT = process.env.DOCS_SHOTS ?? join(ROOT, "docs", "img");

const animationsDone = (page: Page) =>
  until(
    () => page.evaluate<boolean>(`document.getAnimations().every((a) => a.playState === "finished")`),
    "the animations to finish",
  );

const shot = async (page: Page, name: string) => {
  await animationsDone(page);
  await page.screenshot({ path: join(OUT, name) });
};

/** A phone at 390×844, device scale 1 (the harness's phones use 2: four times the pixels). */
const phone = (code: string, name: string) =>
  e2e.browser
    .newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 1,
    })
    .then((context) => joinStudent(e2e.browser, e2e.server.url, code, name, context));

describe("docs screenshots", () => {
  it("plays the 10-minute lesson and saves its screenshots", async () => {
    mkdirSync(OUT, { recursive: true });
    const context = await e2e.browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const { page: projector, code, sessionId } = await openHost(e2e.browser, e2e.server.url, context);
    const students = await Promise.all(["Ada", "Bo", "Cy"].map((n) => phone(code, n)));
    const [ada, bo, cy] = students as [(typeof students)[0], (typeof students)[0], (typeof students)[0]];

    // 0. the lobby, presented: the code and the QR for the room
    await projector.getByText("3 students").first().waitFor({ timeout: WAIT_MS });
    await projector.getByRole("button", { name: "Present (F)" }).click({ timeout: WAIT_MS });
    await projector.getByTestId("projector").waitFor({ timeout: WAIT_MS });
    await shot(projector, "lesson-0-lobby.png");
    await projector.keyboard.press("f");

    // the controls window: the instructor's laptop, while the first window presents
    const presenter = await context.newPage();
    await presenter.goto(`${e2e.server.url}/host/${encodeURIComponent(sessionId)}`, { timeout: WAIT_MS });
    await presenter.getByRole("button", { name: "Start round" }).waitFor({ timeout: WAIT_MS });
    await shot(presenter, "lesson-1-setup.png");

    // 1. temperature 1, the default model and prompt: sample, predict, reveal
    await presenter.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await projector.getByRole("button", { name: "Present (F)" }).click({ timeout: WAIT_MS });
    let n = 0;
    for (const s of [ada, bo, cy, ada, bo, cy]) {
      await sample(s.page, "Sample 10");
      n += 10;
      await waitAcked(s.page, n <= 30 ? 10 : 20);
      await waitHostN(presenter, n);
    }
    await projector.getByTestId("projector-bars").waitFor({ timeout: WAIT_MS });
    await shot(projector, "lesson-1-sampling.png");
    await shot(ada.page, "phone-sampling.png");
    await presenter.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await projector.getByTestId("pbar-model").first().waitFor({ timeout: WAIT_MS });
    await shot(projector, "host-live.png"); // the README's screenshot, and the lesson's reveal
    // 2. more samples after the reveal, then the KL chart (key 2)
    for (const s of [ada, bo, cy]) await sample(s.page, "Sample 10", 3);
    await until(
      async () => (await projector.getByTestId("projector-n").textContent()) === "N = 150 samples",
      "150 samples on the projector",
    );
    await projector.keyboard.press("2");
    await projector.getByText("KL (bits)").waitFor({ timeout: WAIT_MS });
    // the chart's type follows the focus area's measured size: wait for the back-row ticks (≥ 24 px)
    await until(
      () =>
        projector.evaluate<boolean>(`(() => {
          const ticks = [...document.querySelectorAll("[data-testid=projector-focus] svg text")];
          return ticks.length > 0 && ticks.every((e) => parseFloat(getComputedStyle(e).fontSize) >= 24);
        })()`),
      "the KL chart's ticks at projector size",
    );
    await shot(projector, "lesson-2-kl.png");
    await projector.keyboard.press("1");

    // 3. the same prompt at T = 2.5
    await presenter.getByRole("button", { name: "New round" }).click({ timeout: WAIT_MS });
    const temperature = presenter.getByRole("slider", { name: /Temperature/ });
    await temperature.focus({ timeout: WAIT_MS });
    for (let i = 0; i < 30; i++) await temperature.press("ArrowRight");
    await presenter.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await projector.getByText("T = 2.5").waitFor({ timeout: WAIT_MS });
    for (const s of [ada, bo, cy]) await sample(s.page, "Sample 10", 2);
    await until(
      async () => (await projector.getByTestId("projector-n").textContent()) === "N = 60 samples",
      "the hot round's 60 samples",
    );
    await presenter.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await projector.getByTestId("pbar-model").first().waitFor({ timeout: WAIT_MS });
    await shot(projector, "lesson-3-hot.png");

    // 4. back to T = 1 with top-k 3: only three words can come
    await presenter.getByRole("button", { name: "New round" }).click({ timeout: WAIT_MS });
    await temperature.focus({ timeout: WAIT_MS });
    for (let i = 0; i < 30; i++) await temperature.press("ArrowLeft");
    await presenter.getByLabel("Top-k", { exact: true }).fill("3", { timeout: WAIT_MS });
    await presenter.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    await projector.getByText("top-k 3").first().waitFor({ timeout: WAIT_MS });
    for (const s of [ada, bo, cy]) await sample(s.page, "Sample 10", 2);
    await until(
      async () => (await projector.getByTestId("projector-n").textContent()) === "N = 60 samples",
      "the top-k round's 60 samples",
    );
    await presenter.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await projector.getByTestId("pbar-model").first().waitFor({ timeout: WAIT_MS });
    await shot(projector, "lesson-4-topk.png");

    // 5. guess: the toy model after "the", three candidates
    await presenter.getByRole("button", { name: "New round" }).click({ timeout: WAIT_MS });
    await presenter.getByLabel("Model", { exact: true }).selectOption("toy", { timeout: WAIT_MS });
    await presenter.getByLabel("Prompt", { exact: true }).fill("the", { timeout: WAIT_MS });
    await presenter.getByLabel("Top-k", { exact: true }).fill("0", { timeout: WAIT_MS });
    await presenter.getByLabel("Guess: a guessing phase before the reveal").check({ timeout: WAIT_MS });
    await presenter.getByLabel("Candidates", { exact: true }).fill("3", { timeout: WAIT_MS });
    await presenter.getByLabel("Candidates", { exact: true }).blur();
    await presenter.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    for (const s of students)
      await s.page.getByRole("heading", { name: "Guess the next word" }).waitFor({ timeout: WAIT_MS });
    const press = async (page: Page, name: string, times: number) => {
      for (let i = 0; i < times; i++) await page.getByRole("button", { name }).click({ timeout: WAIT_MS });
    };
    await press(ada.page, "Less likely: something else", 4);
    await press(ada.page, "More likely: mouse", 2);
    await press(bo.page, "More likely: ball", 6);
    await shot(ada.page, "phone-guess.png");
    for (const s of students) {
      await s.page.getByRole("button", { name: "Submit guess" }).click({ timeout: WAIT_MS });
      await s.page.getByRole("button", { name: "Submitted ✓" }).waitFor({ timeout: WAIT_MS });
    }
    await presenter.getByTestId("guess-progress").getByText("3 of 3").waitFor({ timeout: WAIT_MS });
    await shot(projector, "lesson-5-guessing.png");
    await presenter.getByRole("button", { name: "Lock guesses" }).click({ timeout: WAIT_MS });
    await presenter.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await ada.page.getByTestId("guess-result").waitFor({ timeout: WAIT_MS });
    await ada.page.evaluate(
      `document.querySelector('[data-testid="guess-result"]').scrollIntoView({ block: "start" })`,
    );
    await shot(ada.page, "phone-guess-result.png");
    await shot(projector, "lesson-5-guess-revealed.png");

    for (const s of students) await s.context.close();
    await context.close();
  }, 300_000);
});
