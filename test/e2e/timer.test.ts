/**
 * [TM1] The optional round timer in real Chromium: the host sets a 10 s timer (the minimum) with the sound cue
 * on; the countdown shows on the host's view and on a phone, presentation mode shows the timer, and both the
 * projector and the phone say "Time's up" when it runs out; the host's browser plays the cue once (WebAudio,
 * counted by wrapping AudioContext; not again when the view changes), and the round stays open: the phone can
 * still sample and the host still has Reveal. Waits on visible text only.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useE2eEnvironment } from "./harness.ts";
import { joinStudent, openHost, sample, until, waitAcked, WAIT_MS } from "./pages.ts";

const e2e = useE2eEnvironment();
/** The timer's 10 s plus a loaded machine's slack. */
const TIMER_WAIT_MS = 10_000 + WAIT_MS;

/** Counts the oscillators the page starts: the cue is two tones. */
const countOscillators = `(() => {
  window.__oscillators = 0;
  const Ctx = window.AudioContext;
  if (!Ctx) return;
  const create = Ctx.prototype.createOscillator;
  Ctx.prototype.createOscillator = function () {
    window.__oscillators += 1;
    return create.call(this);
  };
})()`;

const oscillators = (page: Page) => page.evaluate<number>("window.__oscillators");

describe("[TM1] round timer", () => {
  it("counts down on the host and a phone, says Time's up, beeps once on the host, and leaves the round open", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(countOscillators);
    const { page: host, code } = await openHost(e2e.browser, e2e.server.url, context);
    const phone = await joinStudent(e2e.browser, e2e.server.url, code, "Ada");

    await host.getByRole("checkbox", { name: /Round timer/ }).check({ timeout: WAIT_MS });
    await host.getByRole("spinbutton", { name: "Seconds" }).fill("10");
    await host.getByRole("checkbox", { name: /Play a short sound/ }).check();
    await host.getByRole("button", { name: "Start round" }).click({ timeout: WAIT_MS });

    const countdown = /Time left\s*0:(10|0\d)/;
    await Promise.all(
      [host, phone.page].map((p) =>
        p.getByRole("timer").filter({ hasText: countdown }).waitFor({ timeout: WAIT_MS }),
      ),
    );
    expect(await oscillators(host)).toBe(0);
    // presentation mode shows the countdown in its header, and runs out there
    await host.getByRole("button", { name: "Present (F)" }).click({ timeout: WAIT_MS });
    const projector = host.getByTestId("projector");
    // (a loaded machine may take the rest of the 10 s to get here: the timer itself, counting or run out)
    await projector.getByTestId("round-timer").waitFor({ timeout: WAIT_MS });

    await Promise.all([
      projector.getByText("Time's up").waitFor({ timeout: TIMER_WAIT_MS }),
      phone.page.getByText("Time's up").waitFor({ timeout: TIMER_WAIT_MS }),
    ]);
    await host.screenshot({ path: join(e2e.shots, "timer-presentation.png") });
    await phone.page.screenshot({ path: join(e2e.shots, "timer-phone.png") });
    await until(async () => (await oscillators(host)) === 2, "the host's time's-up cue (two tones)");
    expect(await phone.page.evaluate<string>("typeof window.__oscillators")).toBe("undefined");

    // the server does not close the round: the phone still samples and the host still decides
    await host.keyboard.press("f"); // back to the host view: still "Time's up", no second cue
    await host.getByText("Time's up").waitFor({ timeout: WAIT_MS });
    await sample(phone.page, "Sample");
    await waitAcked(phone.page, 1);
    await host.getByRole("button", { name: "Reveal" }).waitFor({ timeout: WAIT_MS });
    expect(await oscillators(host)).toBe(2);
    expect(await host.getByRole("button", { name: "Reveal" }).isEnabled()).toBe(true);
    await context.close();
    await phone.context.close();
  });
});
