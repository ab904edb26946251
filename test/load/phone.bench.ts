/**
 * `pnpm bench:phone`: how many 20-token completions per second the engine bundle produces in Chromium, in the
 * worker and on the main thread, with the CPU at full speed and throttled 4× (a cheap phone). The baseline
 * is the unthrottled worker of the same run; every other figure is printed with its ratio to it.
 * A benchmark, not a test: nothing is asserted about speed (vitest only drives it, see vitest.bench.config.ts).
 */
import { expect, it } from "vitest";
import { useE2eEnvironment } from "../e2e/harness.ts";
import { engineSamplingRate, type SamplingRate } from "../e2e/measure.ts";

const e2e = useE2eEnvironment();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

it("measures the engine's sampling rate in Chromium (printed, not asserted)", async () => {
  const runs = [
    { throttle: 1, mainThread: false },
    { throttle: 4, mainThread: false },
    { throttle: 1, mainThread: true },
    { throttle: 4, mainThread: true },
  ];
  const results: (SamplingRate & { where: string })[] = [];
  for (const run of runs) {
    results.push(await engineSamplingRate(e2e.browser, e2e.server.url, { ...run, seconds: SECONDS }));
  }
  const baseline = results[0]!.perSecond;
  for (const r of results) {
    console.log(
      `${r.modelId}, ${r.where.padEnd(11)} CPU ×${r.throttle}: ${r.perSecond.toFixed(0).padStart(4)} completions/s` +
        ` (×${(r.perSecond / baseline).toFixed(2)} of the unthrottled worker; mean ${r.meanTokens.toFixed(1)} tokens,` +
        ` ${r.completions} in ${r.seconds.toFixed(1)} s)`,
    );
  }
  expect(results.every((r) => r.completions > 0)).toBe(true);
}, 600_000);
