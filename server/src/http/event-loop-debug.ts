/**
 * [LAG1] GET /debug/event-loop (only when the server starts with DEBUG_EVENT_LOOP=1, for benchmarks): the event
 * loop's delay since the last reset, from perf_hooks.monitorEventLoopDelay (loopDelay below), in milliseconds:
 * `{ p50Ms, p99Ms, maxMs, meanMs, samples }`, and where the process's memory is now (`memoryMb`: rss, V8 heap,
 * external and array buffers, the WebAssembly memory of the database thread being outside all but rss).
 * `?reset=1` starts a new window after answering.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Request, Response } from "express";

const RESOLUTION_MS = 10;

/**
 * The event loop's delay: how much later than due a timer of `RESOLUTION_MS` fires. Node's histogram records
 * the whole interval between two firings (an idle loop shows p50 ≈ 10.1 ms at a 10 ms resolution), so the
 * timer's own period is taken off every figure; an idle loop reads ~0.
 */
export function loopDelay() {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  return {
    figures: () => ({
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
      meanMs: ms(histogram.mean),
      samples: histogram.count,
    }),
    reset: () => histogram.reset(),
    stop: () => histogram.disable(),
  };
}

export const eventLoopDebugEnabled = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.DEBUG_EVENT_LOOP === "1";

export function eventLoopDebugRoute() {
  const delay = loopDelay();
  return (req: Request, res: Response) => {
    const figures = {
      ...delay.figures(),
      memoryMb: Object.fromEntries(
        Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 2 ** 20)]),
      ),
    };
    if (req.query.reset === "1") delay.reset();
    res.set("Cache-Control", "no-store").json(figures);
  };
}
