/**
 * A guess round on the projector in presentation mode, in real Chromium, at 1920×1080 and 1280×720: the prompt
 * once (no second round header), back-row type measured with getComputedStyle (body text ≥ 28 px, chart ticks,
 * labels and numbers ≥ 24 px at 1080p, scaled with the viewport), nothing cut off (every text, the leaderboard's
 * last row included, inside the focus area and the screen), and a caption for each phase (guessing, locked,
 * revealed). One phone guesses through the real UI; eleven more students join and guess with the socket.io
 * client, so the leaderboard has more rows than the screen holds.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import type { JoinResult } from "@tokenroom/shared";
import type { Socket } from "socket.io-client";
import { askBot, connectBot } from "../load/bot-socket.ts";
import { useE2eEnvironment } from "./harness.ts";
import { joinStudent, openHost, until, WAIT_MS } from "./pages.ts";

const e2e = useE2eEnvironment();
const bots: Socket[] = [];
afterAll(() => bots.forEach((b) => b.disconnect()));

/**
 * What is cut off: any text of the projector (HTML or the charts' SVG) outside the viewport, or, inside the
 * focus area (which hides overflow), below or right of it; and a page that scrolls.
 */
async function cutOff(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const problems = [];
    const vw = innerWidth, vh = innerHeight;
    const focus = document.querySelector('[data-testid=projector-focus]').getBoundingClientRect();
    const hidden = (e) => e.closest('.visually-hidden, .projector-exit');
    const texts = [...document.querySelectorAll('[data-testid=projector] *')].filter((e) =>
      !hidden(e) && e.getClientRects().length &&
      [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
    for (const e of texts) {
      const r = e.getBoundingClientRect();
      const name = e.tagName + ' "' + e.textContent.trim().slice(0, 30) + '"';
      if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5)
        problems.push(name + ' outside the screen');
      else if (e.closest('[data-testid=projector-focus]') && (r.bottom > focus.bottom + 0.5 || r.right > focus.right + 0.5))
        problems.push(name + ' ends at ' + Math.round(r.bottom) + ', below the focus area (' + Math.round(focus.bottom) + ')');
    }
    for (const p of document.querySelectorAll('[data-testid=projector-focus] .panel')) {
      const r = p.getBoundingClientRect();
      if (r.bottom > focus.bottom + 0.5) problems.push('a panel ends below the focus area');
    }
    const d = document.documentElement;
    if (d.scrollWidth > vw || d.scrollHeight > vh) problems.push('page scrolls: ' + d.scrollWidth + '×' + d.scrollHeight);
    return problems;
  })()`);
}

/** The smallest computed font size (px) of the visible elements matching each selector (-1: none). */
async function minFontPx(page: Page, selectors: Record<string, string>): Promise<Record<string, number>> {
  return page.evaluate<Record<string, number>>(`(() => {
    const out = {};
    for (const [name, sel] of Object.entries(${JSON.stringify(selectors)})) {
      const sizes = [...document.querySelectorAll(sel)]
        .filter((e) => e.getClientRects().length && !e.closest('.visually-hidden'))
        .map((e) => parseFloat(getComputedStyle(e).fontSize));
      out[name] = sizes.length ? Math.min(...sizes) : -1;
    }
    return out;
  })()`);
}

const HEAD = {
  caption: "[data-testid=projector-caption]",
  prompt: ".projector-prompt",
  meta: ".projector-meta",
  code: ".projector-join-code",
};
/** Before the reveal: body text (≥ 28 px at 1080p). */
const GUESSING_BODY = {
  progress: "[data-testid=guess-progress]",
  note: ".guess-board > p",
  candidates: ".candidate",
};
/** After the reveal: body text (≥ 28 px) and chart text and numbers (≥ 24 px). */
const REVEALED_BODY = {
  titles: ".guess-results h3",
  hint: ".guess-results .hint",
  names: ".leaderboard-table tbody th",
  points: ".leaderboard-table tbody td",
};
const REVEALED_CHART = {
  chartText: "[data-testid=projector-focus] svg text",
  legend: ".guess-results .chart-legend li",
  tableHead: ".leaderboard-table thead th",
};

function expectAtLeast(sizes: Record<string, number>, min: number): void {
  for (const [name, px] of Object.entries(sizes)) {
    expect(px, `${name} is shown`).toBeGreaterThan(0);
    expect(px, `${name}: ${px} px`).toBeGreaterThanOrEqual(min - 0.01);
  }
}

const SCALE_720 = 2 / 3;

/** 1920×1080, then 1280×720: nothing cut off, type at least `body` / `chart` px at 1080p (scaled at 720p). */
async function checkBothSizes(
  projector: Page,
  phase: string,
  body: Record<string, string>,
  chart: Record<string, string>,
): Promise<void> {
  for (const [width, height, scale] of [
    [1920, 1080, 1],
    [1280, 720, SCALE_720],
  ] as const) {
    await projector.setViewportSize({ width, height });
    await until(
      async () => (await cutOff(projector)).length === 0,
      `nothing cut off at ${width}×${height}`,
    ).catch(() => undefined);
    expect(await cutOff(projector), `${phase} at ${width}×${height}`).toEqual([]);
    const bodySizes = await minFontPx(projector, { caption: HEAD.caption, prompt: HEAD.prompt, ...body });
    const chartSizes = await minFontPx(projector, { meta: HEAD.meta, code: HEAD.code, ...chart });
    console.log(
      `${phase} at ${width}×${height}, body (px):`,
      bodySizes,
      "charts and numbers (px):",
      chartSizes,
    );
    expectAtLeast(bodySizes, 28 * scale);
    expectAtLeast(chartSizes, 24 * scale);
    await projector.screenshot({ path: join(e2e.shots, `projector-guess-${phase}-${width}.png`) });
  }
  await projector.setViewportSize({ width: 1920, height: 1080 });
}

describe("a guess round on the projector in presentation mode", () => {
  it("shows the prompt once, reads from the back row and fits the screen before and after the reveal", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const { page: projector, code, sessionId } = await openHost(e2e.browser, e2e.server.url, context);
    const ada = await joinStudent(e2e.browser, e2e.server.url, code, "Ada");

    await projector.getByLabel("Model", { exact: true }).selectOption("toy", { timeout: WAIT_MS });
    await projector.getByLabel("Prompt", { exact: true }).fill("the", { timeout: WAIT_MS });
    await projector.getByLabel("Guess: a guessing phase before the reveal").check({ timeout: WAIT_MS });
    await projector.getByLabel("Candidates", { exact: true }).fill("3", { timeout: WAIT_MS });
    await projector.getByLabel("Candidates", { exact: true }).blur();
    await projector.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });

    // eleven more students, each with a different guess (candidates, then "something else")
    for (let i = 0; i < 11; i++) {
      const bot = await connectBot(e2e.server.url);
      bots.push(bot);
      const joined = await askBot<JoinResult>(bot, "student:join", { code, nickname: `Guesser ${i + 1}` });
      if (!joined.ok) throw new Error(`join: ${joined.error.code}`);
      const roundId = joined.data.snapshot.round?.id;
      const a = (i + 1) / 13;
      const guessed = await askBot(bot, "guess:submit", { roundId, probs: [a, 0.9 - a, 0.05, 0.05] });
      if (!guessed.ok) throw new Error(`guess: ${guessed.error.code}`);
    }
    await ada.page.getByRole("heading", { name: "Guess the next word" }).waitFor({ timeout: WAIT_MS });
    await ada.page.getByRole("button", { name: "Submit guess" }).click({ timeout: WAIT_MS });

    const controls = await context.newPage();
    await controls.goto(`${e2e.server.url}/host/${encodeURIComponent(sessionId)}`, { timeout: WAIT_MS });
    await controls.getByRole("button", { name: "Lock guesses" }).waitFor({ timeout: WAIT_MS });

    await projector.keyboard.press("f");
    await projector.getByTestId("projector").waitFor({ timeout: WAIT_MS });
    await projector
      .getByTestId("guess-progress")
      .getByText("12 of 12 students have guessed")
      .waitFor({ timeout: WAIT_MS });
    // the round's header once: the projector's prompt line, no second header of the host's view
    expect(await projector.getByText("the", { exact: true }).count()).toBe(1);
    expect(await projector.locator(".live-head, .live-prompt").count()).toBe(0);
    expect(await projector.getByText("Sampler (exact)").count()).toBe(0);
    expect(await projector.getByTestId("projector-caption").textContent()).toBe(
      "Guess the model's probabilities on your phone.",
    );
    await checkBothSizes(projector, "guessing", GUESSING_BODY, {});

    await controls.getByRole("button", { name: "Lock guesses" }).click({ timeout: WAIT_MS });
    await until(
      async () =>
        (await projector.getByTestId("projector-caption").textContent())?.includes("locked") ?? false,
      "the caption to say the guesses are locked",
    );
    expect(await projector.getByTestId("projector-caption").textContent()).toContain("the reveal");

    await controls.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    const board = projector.getByTestId("leaderboard");
    await board.waitFor({ timeout: WAIT_MS });
    const caption = (await projector.getByTestId("projector-caption").textContent()) ?? "";
    expect(caption).toContain("Revealed");
    expect(caption).toContain("KL(truth ‖ guess)");
    expect(await projector.getByRole("button", { name: "Hide names" }).count()).toBe(0); // no controls
    await checkBothSizes(projector, "revealed", REVEALED_BODY, REVEALED_CHART);

    // the rows that fit, then one line for the rest: every student is accounted for
    const rows = await board.locator("tbody tr").count();
    expect(rows).toBeGreaterThanOrEqual(4);
    if (rows < 12) await projector.getByText(`…and ${12 - rows} more students`).waitFor({ timeout: WAIT_MS });

    // "Hide names" in the controls window hides them on the projector too
    await controls.getByRole("button", { name: "Hide names" }).click({ timeout: WAIT_MS });
    await until(
      async () => (await board.locator("tbody th").first().textContent()) === "Student 1",
      "the projector to hide the names",
    );
    await controls.getByRole("button", { name: "Hide names" }).click({ timeout: WAIT_MS });

    // after the reveal the class samples from the model: key 2 shows the KL chart, captioned as such
    await projector.keyboard.press("2");
    await until(
      async () =>
        ((await projector.getByTestId("projector-caption").textContent()) ?? "").startsWith(
          "After the guess",
        ),
      "the caption of the sampling after the guess",
    );

    await ada.context.close();
    await context.close();
  }, 150_000);
});
