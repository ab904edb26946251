/**
 * A whole class in real Chromium against the real server: a host creates a session, three phones join and
 * sample, the host's N equals what the phones had acknowledged, the host reveals, and a phone that reloads
 * mid-round continues as the same participant without any sample counted twice.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import { gzippedSizes } from "./measure.ts";
import {
  counts,
  cspViolations,
  hostParticipantCount,
  joinStudent,
  openHost,
  sample,
  storedParticipantId,
  type Student,
  waitAcked,
  waitHostN,
  waitMade,
  waitParticipants,
  WAIT_MS,
} from "./pages.ts";

const e2e = useE2eEnvironment();

describe("a live classroom", () => {
  let host: Page;
  let code: string;
  let students: Student[] = [];
  let joinAndSampleScripts = new Set<string>();

  it("joins three phones, counts every acknowledged sample exactly once, and survives a reload", async () => {
    ({ page: host, code } = await openHost(e2e.browser, e2e.server.url));
    expect(code).toMatch(/^[A-Z0-9]{6}$/);

    students = await Promise.all(
      ["Ada", "Grace", "Alan"].map((name) => joinStudent(e2e.browser, e2e.server.url, code, name)),
    );
    await waitParticipants(host, 3);
    await host.screenshot({ path: join(e2e.shots, "host-lobby.png") });

    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });
    const [ada, grace, alan] = students as [Student, Student, Student];
    await Promise.all([
      sample(ada.page, "Sample", 3).then(() => sample(ada.page, "Sample 10")),
      sample(grace.page, "Sample 10", 2),
      sample(alan.page, "Sample"),
    ]);
    await Promise.all([waitAcked(ada.page, 13), waitAcked(grace.page, 20), waitAcked(alan.page, 1)]);
    await waitHostN(host, 34);
    joinAndSampleScripts = new Set(ada.scripts); // before the reveal loads the class chart

    await host.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT_MS });
    await Promise.all(students.map((s) => s.page.getByText("Sampler (exact)").waitFor({ timeout: WAIT_MS })));

    // Grace makes 10 more and reloads before (or while) they are acknowledged
    const before = await storedParticipantId(grace.page, code);
    expect(before).toBeTruthy();
    await sample(grace.page, "Sample 10");
    await waitMade(grace.page, 30);
    await grace.page.reload({ timeout: WAIT_MS });
    await sample(grace.page, "Sample 10");
    await waitAcked(grace.page, 40);
    expect(await storedParticipantId(grace.page, code)).toBe(before);

    const all = await Promise.all(students.map((s) => counts(s.page)));
    const made = all.reduce((sum, c) => sum + c.made, 0);
    const acked = all.reduce((sum, c) => sum + c.acked, 0);
    expect(made).toBe(13 + 40 + 1);
    expect(acked).toBe(made);
    await waitHostN(host, acked);
    expect(await hostParticipantCount(host)).toBe(3);

    await host.screenshot({ path: join(e2e.shots, "host-live.png") });
    await host.screenshot({ path: join(e2e.shots, "host-live-full.png"), fullPage: true });
    await ada.page.screenshot({ path: join(e2e.shots, "student-phone.png") });
    await ada.page.getByTestId("class-chart").scrollIntoViewIfNeeded({ timeout: WAIT_MS });
    await ada.page.screenshot({ path: join(e2e.shots, "student-class-chart.png") });
    // tapping a token shows the distribution it was drawn from
    await ada.page
      .getByRole("button", { name: /probability/ })
      .first()
      .click({ timeout: WAIT_MS });
    await ada.page
      .getByRole("dialog")
      .getByText(/had probability/)
      .waitFor({ timeout: WAIT_MS });
    await ada.page.screenshot({ path: join(e2e.shots, "student-token.png") });
    await ada.page.getByRole("button", { name: "Close", exact: true }).click({ timeout: WAIT_MS });

    // [H2] all of the above ran under the server's Content-Security-Policy without one violation
    const csp = (await fetch(`${e2e.server.url}/`)).headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(cspViolations).toEqual([]);
  });

  it("measures the JavaScript a phone downloads to join and sample (printed; the sampling rate is pnpm bench:phone)", () => {
    const sizes = gzippedSizes(joinAndSampleScripts);
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    console.log(`student join+sample path: ${kb(sizes.totalJs)} JS gzipped (+ ${kb(sizes.totalCss)} CSS)`);
    for (const f of sizes.files) console.log(`  ${f.path}: ${kb(f.gzip)}`);
    expect(sizes.files.some((f) => f.path.endsWith(".js"))).toBe(true);
  });
});
