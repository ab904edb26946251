/**
 * Reviewing a stored session in real Chromium: a host and two phones play one round on the toy model with a
 * known number of samples; the host's browser (which holds the key) lists the session, opens its review, and
 * finds the totals, the chart's counts and the KL replay; the CSV export has one row per sample; the admin
 * sees it from another browser; "Run again" prefills a new session; deleting it removes it everywhere.
 * Screenshots: sessions-list, review, review-full, review-round, zh-review, admin-list, review-delete-dialog (.png).
 */
import { readFileSync } from "node:fs";
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
  watchCsp,
} from "./pages.ts";

// strong enough for the server to start ([H6]): what `openssl rand -hex 24` prints
const ADMIN_TOKEN = "4b8e1f9c3a7d2e6f0c5b9a1d8e3f7c2a6b0d4e9f1a5c8b37";
const e2e = useE2eEnvironment({ ADMIN_TOKEN });

/** RFC 4180 records of a CSV text (line breaks inside quotes do not count), without a trailing empty one. */
function csvRecords(text: string): number {
  let records = 0;
  let quoted = false;
  let empty = true;
  for (const ch of text.replace(/^\uFEFF/, "")) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === "\n") {
      records += 1;
      empty = true;
    } else if (ch !== "\r") empty = false;
  }
  return records + (empty ? 0 : 1);
}

const numberIn = async (page: Page, testId: string) =>
  Number((await page.getByTestId(testId).first().textContent({ timeout: WAIT_MS }))?.replace(/[^\d]/g, ""));
const textIn = async (page: Page, testId: string) =>
  (await page.getByTestId(testId).first().textContent({ timeout: WAIT_MS }))?.trim() ?? "";
const click = (page: Page, name: string | RegExp) =>
  page.getByRole("button", { name, exact: typeof name === "string" }).click({ timeout: WAIT_MS });

describe("reviewing a stored session", () => {
  let host: Page;
  let review: Page;
  let code: string;
  let sessionId: string;
  let students: Student[] = [];
  const SAMPLES = 12 + 20;

  it("plays one round: two phones, 32 samples", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    ({ page: host, code, sessionId } = await openHost(e2e.browser, e2e.server.url, context));
    students = await Promise.all(
      ["Ada", "Bo"].map((name) => joinStudent(e2e.browser, e2e.server.url, code, name)),
    );
    await waitParticipants(host, 2);
    await host.getByLabel("Model", { exact: true }).selectOption("toy", { timeout: WAIT_MS });
    await host.getByLabel("Prompt", { exact: true }).fill("the", { timeout: WAIT_MS });
    await click(host, "Start round");
    const [ada, bo] = students as [Student, Student];
    await Promise.all([
      sample(ada.page, "Sample 10").then(() => sample(ada.page, "Sample", 2)),
      sample(bo.page, "Sample 10", 2),
    ]);
    await Promise.all([waitAcked(ada.page, 12), waitAcked(bo.page, 20)]);
    await waitHostN(host, SAMPLES);
    await click(host, "Reveal");
    await click(host, "Close round");
  });

  it("lists the session in the host's browser and shows its totals, counts and KL replay", async () => {
    review = watchCsp(await host.context().newPage());
    await review.goto(`${e2e.server.url}/`, { timeout: WAIT_MS });
    await review.getByRole("link", { name: /My sessions/ }).click({ timeout: WAIT_MS });
    const row = review.locator(`tr[data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: WAIT_MS });
    expect(await row.locator("td.num").allTextContents()).toEqual(["2", "1", String(SAMPLES)]);
    await row.getByRole("button", { name: /Rename/ }).click({ timeout: WAIT_MS });
    await row.getByRole("textbox").fill("Week 3: sampling", { timeout: WAIT_MS });
    await row.getByRole("textbox").press("Enter");
    await row.getByText("Week 3: sampling").waitFor({ timeout: WAIT_MS });
    await review.screenshot({ path: join(e2e.shots, "sessions-list.png") });

    await row.getByRole("link", { name: "Open review" }).click({ timeout: WAIT_MS });
    await review.waitForURL(/\/sessions\/[^/]+\/review$/, { timeout: WAIT_MS });
    await review.getByRole("heading", { name: /Week 3: sampling/ }).waitFor({ timeout: WAIT_MS });
    expect(await numberIn(review, "review-samples")).toBe(SAMPLES);
    expect(await numberIn(review, "review-students")).toBe(2);
    expect(await numberIn(review, "review-rounds")).toBe(1);
    expect(await numberIn(review, "round-n")).toBe(SAMPLES);
    expect(await numberIn(review, "round-contributors")).toBe(2);
    const counts = (await review.getByTestId("first-token-count").allTextContents()).map(Number);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(SAMPLES);
    await review.getByText(`Class (${SAMPLES} samples)`).waitFor({ timeout: WAIT_MS });
    expect(await review.getByTestId("participation-row").count()).toBe(2);

    // the replay: the final N first, then N = 1 from the keyboard, then Play grows it back to the total
    expect(await numberIn(review, "replay-n")).toBe(SAMPLES);
    const finalKl = await textIn(review, "replay-kl");
    const slider = review.getByRole("slider", { name: /Samples N/ });
    await slider.focus({ timeout: WAIT_MS });
    await slider.press("Home");
    expect(await numberIn(review, "replay-n")).toBe(1);
    const firstKl = await textIn(review, "replay-kl");
    expect(firstKl).not.toBe(finalKl);
    // [EKL2] the live view's exact chance curve, not the shortcut: one sample is off by log2(1/q(x)), so
    // by chance KL is the sampler's entropy on average at N = 1; then it falls with N
    const chanceAt1 = await textIn(review, "replay-chance");
    expect(chanceAt1).toBe(await textIn(review, "stat-entropy"));
    await slider.press("End");
    expect(Number(await textIn(review, "replay-chance"))).toBeLessThan(Number(chanceAt1));
    // the round's real state and the model's display name
    expect(await textIn(review, "round-state")).toBe("closed");
    await review.getByText(/Model Toy bigram \(CS324 lecture 1\)/).waitFor({ timeout: WAIT_MS });
    await slider.press("End");
    await click(review, /Play/);
    const seen = new Set<string>();
    await until(async () => {
      seen.add(await textIn(review, "replay-kl"));
      return (await numberIn(review, "replay-n")) === SAMPLES && seen.size >= 3;
    }, "Play to replay the curve up to N = 32");
    expect(await textIn(review, "replay-kl")).toBe(finalKl);
    await review.getByRole("button", { name: /Play/ }).waitFor({ timeout: WAIT_MS });

    await review.evaluate("window.scrollTo(0, 0)");
    await review.screenshot({ path: join(e2e.shots, "review.png") });
    await review.screenshot({ path: join(e2e.shots, "review-full.png"), fullPage: true });
    // the round's counters just under the bar: the numbers and both charts in one projector screen
    await review.evaluate(
      `window.scrollTo(0, document.querySelector('[data-testid="round-n"]').getBoundingClientRect().top + window.scrollY - 90)`,
    );
    await review.screenshot({ path: join(e2e.shots, "review-round.png") });
  });

  it("downloads the samples as CSV with the host key: one row per sample", async () => {
    const [download] = await Promise.all([
      review.waitForEvent("download", { timeout: WAIT_MS }),
      click(review, "Samples (CSV)"),
    ]);
    expect(download.suggestedFilename()).toBe(`tokenroom-${code}-samples.csv`);
    const text = readFileSync(await download.path(), "utf8");
    expect(text.split(/\r?\n/)[0]).toMatch(
      /^\uFEFF?round_seq,round_id,participant_id,nickname,idx,tokens,text,log_prob,prob,created_at,model_log_prob$/,
    );
    expect(csvRecords(text) - 1).toBe(SAMPLES);
    await review
      .getByTestId("export-done")
      .getByText(`tokenroom-${code}-samples.csv`)
      .waitFor({ timeout: WAIT_MS });

    const [json] = await Promise.all([
      review.waitForEvent("download", { timeout: WAIT_MS }),
      click(review, "Everything (JSON)"),
    ]);
    const data = JSON.parse(readFileSync(await json.path(), "utf8")) as { rounds: { samples: unknown[] }[] };
    expect(data.rounds[0]?.samples).toHaveLength(SAMPLES);
  });

  it("reads in Chinese too", async () => {
    await review.getByTestId("language-switcher").selectOption("zh", { timeout: WAIT_MS });
    await review.getByRole("button", { name: "样本（CSV）" }).waitFor({ timeout: WAIT_MS });
    await review.getByRole("button", { name: /播放/ }).waitFor({ timeout: WAIT_MS });
    await review.screenshot({ path: join(e2e.shots, "zh-review.png") });
    await review.getByTestId("language-switcher").selectOption("en", { timeout: WAIT_MS });
    await review.getByRole("button", { name: "Samples (CSV)" }).waitFor({ timeout: WAIT_MS });
  });

  it("lets the admin list and open it from another browser, with the token kept in the tab", async () => {
    const admin = watchCsp(await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } }));
    await admin.goto(`${e2e.server.url}/sessions/${sessionId}/review`, { timeout: WAIT_MS });
    await admin.getByText("This browser is not the host").waitFor({ timeout: WAIT_MS });
    await admin.goto(`${e2e.server.url}/admin`, { timeout: WAIT_MS });
    await admin.getByLabel("Admin token").fill("wrong-token-but-long-enough", { timeout: WAIT_MS });
    await click(admin, "Show the sessions");
    await admin
      .getByRole("alert")
      .getByText(/did not accept/)
      .waitFor({ timeout: WAIT_MS });
    await admin.getByLabel("Admin token").fill(ADMIN_TOKEN, { timeout: WAIT_MS });
    await click(admin, "Show the sessions");
    const row = admin.locator(`tr[data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: WAIT_MS });
    expect(await row.getByRole("button", { name: /Rename/ }).count()).toBe(0); // renaming is the host's
    await admin.screenshot({ path: join(e2e.shots, "admin-list.png") });
    expect(await admin.evaluate<string | null>(`localStorage.getItem("tokenroom:adminToken")`)).toBeNull();
    await row.getByRole("link", { name: "Open review" }).click({ timeout: WAIT_MS });
    expect(await numberIn(admin, "review-samples")).toBe(SAMPLES);
    await admin.close();
  });

  it("runs a round again: a new session whose setup holds that round's settings", async () => {
    await click(review, "Run again");
    await review.waitForURL(/\/host\/[^/]+$/, { timeout: WAIT_MS });
    const newId = decodeURIComponent(new URL(review.url()).pathname.split("/")[2] ?? "");
    expect(newId).not.toBe(sessionId);
    await until(
      async () => (await review.getByLabel("Prompt", { exact: true }).inputValue()) === "the",
      "the prompt to be prefilled",
    );
    expect(await review.getByLabel("Model", { exact: true }).inputValue()).toBe("toy");
    expect(
      await review.evaluate<string | null>(`localStorage.getItem("tokenroom:setup:${newId}")`),
    ).toBeNull();
  });

  it("deletes the session after a confirmation: gone from the list, the browser and the server", async () => {
    await review.goto(`${e2e.server.url}/sessions`, { timeout: WAIT_MS });
    const row = review.locator(`tr[data-session-id="${sessionId}"]`);
    await row.getByRole("button", { name: /^Delete/ }).click({ timeout: WAIT_MS });
    const dialog = review.getByRole("dialog", { name: "Delete this session?" });
    await dialog.getByText(`${SAMPLES} samples from 2 students`).waitFor({ timeout: WAIT_MS });
    await review.screenshot({ path: join(e2e.shots, "review-delete-dialog.png") });
    await dialog.getByRole("button", { name: "Yes, delete it" }).click({ timeout: WAIT_MS });
    await until(async () => (await row.count()) === 0, "the deleted session to leave the list");
    expect(
      await review.evaluate<string | null>(`localStorage.getItem("tokenroom:host:${sessionId}")`),
    ).toBeNull();
    await review.reload({ timeout: WAIT_MS });
    await review.getByTestId("sessions-table").waitFor({ timeout: WAIT_MS }); // the "Run again" session is still there
    expect(await row.count()).toBe(0);
    const res = await fetch(`${e2e.server.url}/api/sessions/${sessionId}/review`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(404);
  });

  it("[H2] ran the review, admin and host pages under the server's CSP without a violation", () => {
    expect(cspViolations).toEqual([]);
  });
});
