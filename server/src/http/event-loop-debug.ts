/**
 * [LAG1] GET /debug/event-loop (only when the server starts with DEBUG_EVENT_LOOP=1, for benchmarks): the event
 * loop's delay since the last reset, from perf_hooks.monitorEventLoopDelay (10 ms resolution), in milliseconds:
 * `{ p50Ms, p99Ms, maxMs, meanMs, samples }`, and where the process's memory is now (`memoryMb`: rss, V8 heap,
 * external and array buffers, the WebAssembly memory of the database thread being outside all but rss).
 * `?reset=1` starts a new window after answering.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Request, Response } from "express";

export const eventLoopDebugEnabled = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.DEBUG_EVENT_LOOP === "1";

export function eventLoopDebugRoute() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return (req: Request, res: Response) => {
    const figures = {
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
      meanMs: ms(histogram.mean),
      samples: histogram.count,
      memoryMb: Object.fromEntries(
        Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 2 ** 20)]),
      ),
    };
    if (req.query.reset === "1") histogram.reset();
    res.set("Cache-Control", "no-store").json(figures);
  };
}
