/**
 * The model beside the sampler, and ties at the cut (SPEC [MS1], [CUT1]), in real Chromium: the host sets the
 * toy model, prompt "the", top-k 4 (which cuts between "ate" and "the", both 0.02 under the model), sees the
 * tie in the round setup, starts the round and finds on the projector the sampler (T = 1, top-k 4) beside the
 * model itself with both entropies and the tie marks; a phone's "why this word" dialog shows the same pair.
 * Screenshots: ms-host-setup, ms-host-live (1920x1080), ms-phone-why (390x844).
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
  waitAcked,
  waitHostN,
  waitParticipants,
  WAIT_MS,
} from "./pages.ts";

const e2e = useE2eEnvironment();

/** H of the toy row after "the" (0.38, 0.33, 0.25, 0.02, 0.02), and of its top-4 renormalised. */
const H = (ps: number[]) => -ps.reduce((s, p) => s + p * Math.log2(p), 0);
const MODEL_H = H([0.38, 0.33, 0.25, 0.02, 0.02]);
const SAMPLER_H = H([0.38, 0.33, 0.25, 0.02].map((p) => p / 0.98));
const bits = (x: number) => `entropy ${x.toFixed(3)} bits`;

const text = async (page: Page, testId: string) =>
  ((await page.getByTestId(testId).first().textContent({ timeout: WAIT_MS })) ?? "")
    .replace(/\s+/g, " ")
    .trim();

/** What the test reads of a table row (the test project has no DOM types). */
interface Row {
  children: ArrayLike<{ textContent: string | null }>;
  getAttribute(name: string): string | null;
}

interface Measured {
  getBoundingClientRect(): { width: number };
}

/** Each row of a pair table: [token cell, sampler cell, model cell, data-tie]. */
async function pairRows(page: Page, testId: string): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .first()
    .locator("tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) => {
        const row = tr as unknown as Row;
        const cells = Array.from(row.children, (c) => (c.textContent ?? "").replace(/\s+/g, " ").trim());
        return [...cells, row.getAttribute("data-tie") ?? ""];
      }),
    );
}

describe("[MS1] [CUT1] the model beside the sampler, ties at the cut", () => {
  it("shows the pair and the tie in the setup, on the projector and on the phone", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const { page: host, code } = await openHost(e2e.browser, e2e.server.url, context);
    await host.getByLabel("Model", { exact: true }).selectOption("toy", { timeout: WAIT_MS });
    await host.getByLabel("Prompt", { exact: true }).fill("the", { timeout: WAIT_MS });
    await host.getByLabel("Top-k", { exact: true }).fill("4", { timeout: WAIT_MS });

    // the round setup: the sampler and the model side by side, and a note on the tie
    const tie = host.getByTestId("setup-pair-tie");
    await tie.waitFor({ timeout: WAIT_MS });
    expect(await text(host, "setup-pair-tie")).toMatch(
      /Tie at the cut: ate and the have exactly the same probability \(2(\.0)?% under the model\)\..*so ate stays and the goes/,
    );
    expect(await text(host, "setup-pair-sampler-head")).toBe(
      `Sampler (model at T = 1, top-k 4)${bits(SAMPLER_H)}`,
    );
    expect(await text(host, "setup-pair-model-head")).toBe(`Model itself (T = 1, no cut)${bits(MODEL_H)}`);
    await host.getByTestId("setup-pair").scrollIntoViewIfNeeded();
    await host.screenshot({ path: join(e2e.shots, "ms-host-setup.png") });

    const phone = await joinStudent(e2e.browser, e2e.server.url, code, "Ada");
    await waitParticipants(host, 1);
    // [RV1] this round shows the model from the start (the reveal is tested in projector.test.ts)
    await host.getByLabel(/Hide the model's probabilities/).uncheck({ timeout: WAIT_MS });
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });

    // the projector: the pair panel in the model's order, the cut token marked as cut, both tie marks
    await host.getByTestId("model-sampler-panel").waitFor({ timeout: WAIT_MS });
    expect(await text(host, "model-sampler-sampler-head")).toBe(
      `Sampler (model at T = 1, top-k 4)${bits(SAMPLER_H)}`,
    );
    expect(await text(host, "model-sampler-model-head")).toBe(`Model itself (T = 1, no cut)${bits(MODEL_H)}`);
    const rows = await pairRows(host, "model-sampler");
    expect(rows.map((r) => r[0]!.replace(/ ⚖.*/, ""))).toEqual(["mouse", "cheese", "ball", "ate", "the"]);
    expect(rows.map((r) => r[1])).toEqual(["38.8%", "33.7%", "25.5%", "2.04%", "cut"]); // 0.38/0.98, …
    expect(rows.map((r) => r[2])).toEqual(["38%", "33%", "25%", "2%", "2%"]);
    expect(rows.map((r) => r[3])).toEqual(["", "", "", "kept", "dropped"]);
    expect(rows[3]![0]).toContain("tied at the cut: kept only because its token id is lower");
    // the bars are drawn to scale: the model's column 38 : 33 : 25 : 2 : 2
    const widths = await host
      .getByTestId("model-sampler")
      .locator("tbody tr td:nth-child(3) .ms-bar")
      .evaluateAll((bars) => bars.map((b) => (b as unknown as Measured).getBoundingClientRect().width));
    [0.38, 0.33, 0.25, 0.02, 0.02].forEach((p, i) =>
      expect(widths[i]! / widths[0]!).toBeCloseTo(p / 0.38, 1),
    );
    expect(await text(host, "model-sampler-tie")).toMatch(/ate and the have exactly the same probability/);
    expect(await text(host, "model-sampler-note")).toMatch(/change the sampler, not the model/);
    // the first-token chart is the sampler's, and its tied token carries the mark
    await host.getByText("Sampler (exact)").first().waitFor({ timeout: WAIT_MS });
    expect(await host.getByText("Model (exact)").count()).toBe(0);
    // the metrics: the sampler's entropy and the model's own
    expect(await text(host, "stat-model-entropy")).toBe(MODEL_H.toFixed(3));

    await sample(phone.page, "Sample 10", 2);
    await waitAcked(phone.page, 20);
    await waitHostN(host, 20);
    await host.getByTestId("model-sampler-panel").scrollIntoViewIfNeeded();
    await host.screenshot({ path: join(e2e.shots, "ms-host-live.png") });
    await host.screenshot({ path: join(e2e.shots, "ms-host-live-full.png"), fullPage: true });
    expect(await text(host, "stat-entropy")).toBe(SAMPLER_H.toFixed(3));
    expect(await host.getByText("Sampler entropy per token (estimate)").count()).toBe(1);
    expect(await host.getByText("Cross-entropy per token").count()).toBe(0);
    expect(await text(host, "per-step-note")).toMatch(/apply at each step/);

    // the phone: "why this word" names the sampler and shows the model beside it, with the tie marks
    await phone.page
      .getByRole("button", { name: /probability/ })
      .first()
      .click({ timeout: WAIT_MS });
    const dialog = phone.page.getByRole("dialog");
    await dialog.getByTestId("inspector-pair").waitFor({ timeout: WAIT_MS });
    expect(
      await dialog.getByText(/The sampler's next-word probabilities right after the prompt/).count(),
    ).toBe(1);
    expect(await text(phone.page, "inspector-pair-sampler-head")).toBe(
      `Sampler (model at T = 1, top-k 4)${bits(SAMPLER_H)}`,
    );
    expect(await text(phone.page, "inspector-pair-model-head")).toBe(
      `Model itself (T = 1, no cut)${bits(MODEL_H)}`,
    );
    const phoneRows = await pairRows(phone.page, "inspector-pair");
    expect(phoneRows.map((r) => r.at(-1))).toEqual(["", "", "", "kept", "dropped"]);
    await phone.page.screenshot({ path: join(e2e.shots, "ms-phone-why.png") });
    await phone.page.getByRole("button", { name: "Close", exact: true }).click({ timeout: WAIT_MS });
    await phone.context.close();
    await context.close();
  });

  it("[H2] ran the model-sampler host and phone pages under the server's CSP without a violation", () => {
    expect(cspViolations).toEqual([]);
  });
});
