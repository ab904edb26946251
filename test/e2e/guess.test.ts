/**
 * "Guess the next token" in real Chromium: the host starts a guess round on the toy model ("the", 3 candidates),
 * three phones guess differently (close to the truth, uniform, all on the least likely candidate), a guess
 * survives a reload, the host locks and reveals, the leaderboard ranks them by KL, and sampling opens.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import {
  cspViolations,
  joinStudent,
  openHost,
  sample,
  type Student,
  until,
  waitAcked,
  waitHostN,
  waitParticipants,
  WAIT_MS,
} from "./pages.ts";

const e2e = useE2eEnvironment();

const press = async (page: Page, name: string, times: number) => {
  const button = page.getByRole("button", { name, exact: true });
  for (let i = 0; i < times; i++) await button.click({ timeout: WAIT_MS });
};

/** The phone's percentage for the outcome whose "More likely" button names `token`. */
async function percentOf(page: Page, token: string): Promise<number> {
  const row = page
    .locator(".stepper")
    .filter({ has: page.getByRole("button", { name: `More likely: ${token}`, exact: true }) });
  return Number((await row.locator("output").textContent({ timeout: WAIT_MS }))?.replace(/\D/g, ""));
}

const numberIn = async (page: Page, testId: string) =>
  Number((await page.getByTestId(testId).textContent({ timeout: WAIT_MS }))?.replace(/[^\d.]/g, ""));

async function startGuessRound(host: Page): Promise<void> {
  await host.getByLabel("Model", { exact: true }).selectOption("toy", { timeout: WAIT_MS });
  await host.getByLabel("Prompt", { exact: true }).fill("the", { timeout: WAIT_MS });
  await host.getByLabel("Guess: a guessing phase before the reveal").check({ timeout: WAIT_MS });
  await host.getByLabel("Candidates", { exact: true }).fill("3", { timeout: WAIT_MS });
  await host.getByLabel("Candidates", { exact: true }).blur();
  await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
}

describe("guess the next token", () => {
  it("scores three guesses, ranks them on the host, then opens sampling", async () => {
    const { page: host, code } = await openHost(e2e.browser, e2e.server.url);
    const students = await Promise.all(
      ["Noor", "Uma", "Xavi"].map((n) => joinStudent(e2e.browser, e2e.server.url, code, n)),
    );
    const [close, uniform, extreme] = students as [Student, Student, Student];
    await waitParticipants(host, 3);
    await startGuessRound(host);
    await host
      .getByTestId("guess-progress")
      .getByText("0 of 3 students have guessed")
      .waitFor({ timeout: WAIT_MS });
    // the projector shows the candidates, never the truth, while the class guesses
    expect(await host.getByText("Sampler (exact)").count()).toBe(0);
    for (const token of ["mouse", "cheese", "ball"])
      await host.locator(".candidate", { hasText: token }).waitFor({ timeout: WAIT_MS });

    await Promise.all(
      students.map((s) =>
        s.page.getByRole("heading", { name: "Guess the next word" }).waitFor({ timeout: WAIT_MS }),
      ),
    );
    // truth after "the": mouse .38, cheese .33, ball .25, something else .04
    await press(close.page, "Less likely: something else", 4);
    await press(close.page, "More likely: mouse", 2);
    expect(await percentOf(close.page, "mouse")).toBeGreaterThanOrEqual(38);
    expect(await percentOf(uniform.page, "mouse")).toBe(25); // the starting guess is uniform
    await press(extreme.page, "More likely: ball", 15);
    expect(await percentOf(extreme.page, "ball")).toBe(100);
    await expect(extreme.page.getByRole("button", { name: "More likely: ball" }).isDisabled()).resolves.toBe(
      true,
    );
    await close.page.screenshot({ path: join(e2e.shots, "guess-phone-editor.png") });
    for (const s of students) {
      await s.page.getByRole("button", { name: "Submit guess" }).click({ timeout: WAIT_MS });
      await s.page.getByRole("button", { name: "Submitted ✓" }).waitFor({ timeout: WAIT_MS });
    }
    await host
      .getByTestId("guess-progress")
      .getByText("3 of 3 students have guessed")
      .waitFor({ timeout: WAIT_MS });
    await host.screenshot({ path: join(e2e.shots, "guess-host-guessing.png") });

    // a submitted guess comes back after a reload
    await extreme.page.reload({ timeout: WAIT_MS });
    await extreme.page.getByRole("button", { name: "Submitted ✓" }).waitFor({ timeout: WAIT_MS });
    expect(await percentOf(extreme.page, "ball")).toBe(100);

    await host.getByRole("button", { name: "Lock guesses" }).click({ timeout: WAIT_MS });
    await Promise.all(
      students.map((s) =>
        s.page.getByText("Guesses are locked; waiting for the reveal.").waitFor({ timeout: WAIT_MS }),
      ),
    );
    await extreme.page.screenshot({ path: join(e2e.shots, "guess-phone-locked.png") });
    await host.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });

    await Promise.all(students.map((s) => s.page.getByTestId("guess-result").waitFor({ timeout: WAIT_MS })));
    const bits = await Promise.all(students.map((s) => numberIn(s.page, "guess-kl")));
    const points = await Promise.all(students.map((s) => numberIn(s.page, "guess-points")));
    expect(bits[0]).toBeLessThan(bits[1]!);
    expect(bits[1]).toBeLessThan(bits[2]!);
    expect(points[0]).toBeGreaterThan(points[1]!);
    expect(points[1]).toBeGreaterThan(points[2]!);

    const board = host.getByTestId("leaderboard");
    await until(async () => (await board.locator("tbody tr").count()) === 3, "three rows on the leaderboard");
    const names = await board.locator("tbody th").allTextContents();
    expect(names).toEqual(["Noor", "Uma", "Xavi"]);
    const boardPoints = (await board.locator("tbody td:nth-child(3)").allTextContents()).map(Number);
    expect(boardPoints).toEqual(points);
    await host.locator(".guess-results").scrollIntoViewIfNeeded({ timeout: WAIT_MS });
    await host.screenshot({ path: join(e2e.shots, "guess-host-reveal.png") });
    await host.screenshot({ path: join(e2e.shots, "guess-host-reveal-full.png"), fullPage: true });
    await host.getByRole("button", { name: "Hide names" }).click({ timeout: WAIT_MS });
    expect(await board.locator("tbody th").allTextContents()).toEqual([
      "Student 1",
      "Student 2",
      "Student 3",
    ]);
    await host.getByRole("button", { name: "Hide names" }).click({ timeout: WAIT_MS });

    await close.page.evaluate(
      `document.querySelector('[data-testid="guess-result"]').scrollIntoView({ block: "start" })`,
    );
    await close.page.screenshot({ path: join(e2e.shots, "guess-phone-result.png") });

    // guess, then sample: the same round continues
    await sample(close.page, "Sample");
    await waitAcked(close.page, 1);
    await waitHostN(host, 1);
    await close.page.screenshot({ path: join(e2e.shots, "guess-phone-sampled.png"), fullPage: true });
  });

  it("[H2] ran the guess round's host and phone pages under the server's CSP without a violation", () => {
    expect(cspViolations).toEqual([]);
  });
});
