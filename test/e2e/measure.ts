/**
 * Measurements (printed, not asserted): the gzipped JavaScript a phone downloads to join and sample, and how
 * many 20-token completions per second the engine worker produces with the CPU throttled 4× (CDP).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { CLIENT_DIST } from "./harness.ts";

// The browser globals the evaluated callback uses: test/ compiles without the DOM library.
declare const window: unknown;
declare class Worker {
  constructor(url: string, options: { type: "module" });
  onmessage: ((event: { data: never }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

export function gzippedSizes(paths: Iterable<string>): {
  files: { path: string; gzip: number }[];
  totalJs: number;
  totalCss: number;
} {
  const files = [...paths]
    .filter((p) => p.startsWith("/assets/"))
    .sort()
    .map((p) => ({ path: p, gzip: gzipSync(readFileSync(join(CLIENT_DIST, p))).length }));
  const sum = (ext: string) => files.filter((f) => f.path.endsWith(ext)).reduce((s, f) => s + f.gzip, 0);
  return { files, totalJs: sum(".js"), totalCss: sum(".css") };
}

export interface SamplingRate {
  modelId: string;
  throttle: number;
  completions: number;
  seconds: number;
  perSecond: number;
  meanTokens: number;
}

/**
 * Drives the built engine worker bundle through its own message protocol, on a page of the app's origin:
 * in a real Worker, or (`mainThread`) loaded on the page's main thread with postMessage redirected.
 * Chromium applies Emulation.setCPUThrottlingRate to pages only (a worker target answers "Operation is only
 * supported for pages, not workers"), so the throttled figure runs the same bundle on the throttled main thread.
 */
export async function engineSamplingRate(
  browser: Browser,
  url: string,
  options: { throttle: number; mainThread: boolean; seconds?: number },
): Promise<SamplingRate & { where: string }> {
  const worker = readdirSync(join(CLIENT_DIST, "assets")).find((f) => /^worker-.*\.js$/.test(f));
  if (!worker) throw new Error("no engine worker in client/dist/assets");
  const models = (await (await fetch(`${url}/api/models`)).json()) as { id: string; hash: string }[];
  const model = models.find((m) => m.id === "tiny-stories") ?? models.find((m) => m.id === "toy")!;
  const page = await browser.newPage();
  try {
    await page.goto(`${url}/`, { timeout: 15_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: options.throttle });
    const workerUrl = `/assets/${worker}`;
    if (options.mainThread) {
      // the worker module sets self.onmessage and answers with self.postMessage: on a page, self is window
      await page.evaluate(() => {
        const win = window as { postMessage: (m: unknown) => void; __deliver?: (m: unknown) => void };
        win.postMessage = (m) => win.__deliver?.(m);
      });
      await page.addScriptTag({ url: workerUrl, type: "module" });
    }
    const result = await page.evaluate(
      async ({ workerUrl, model, seconds, mainThread }) => {
        type Reply = { id: number; ok: boolean; result?: unknown; message?: string };
        const waiting = new Map<number, (r: Reply) => void>();
        const deliver = (r: Reply) => waiting.get(r.id)?.(r);
        let send: (msg: Record<string, unknown>) => void;
        let stop = () => undefined as void;
        if (mainThread) {
          const win = window as {
            __deliver?: (m: Reply) => void;
            onmessage: ((e: { data: unknown }) => void) | null;
          };
          win.__deliver = deliver;
          send = (msg) => win.onmessage?.({ data: msg });
        } else {
          const w = new Worker(workerUrl, { type: "module" });
          w.onmessage = (e: { data: Reply }) => deliver(e.data);
          send = (msg) => w.postMessage(msg);
          stop = () => w.terminate();
        }
        let id = 0;
        const call = (msg: Record<string, unknown>) =>
          new Promise<unknown>((resolve, reject) => {
            const mine = ++id;
            waiting.set(mine, (r) => {
              waiting.delete(mine);
              if (r.ok) resolve(r.result);
              else reject(new Error(r.message));
            });
            send({ ...msg, id: mine });
          });
        await call({ type: "load", model });
        const round = {
          model,
          promptTokens: [],
          temperature: 1,
          topK: 0,
          topP: 1,
          maxTokens: 20,
          seed: 12345,
        };
        let completions = 0;
        let tokens = 0;
        const t0 = performance.now();
        while (performance.now() - t0 < seconds * 1000) {
          const batch = (await call({
            type: "generate",
            round,
            participantId: "bench",
            start: completions,
            count: 10,
          })) as { tokens: number[] }[];
          completions += batch.length;
          tokens += batch.reduce((s, c) => s + c.tokens.length, 0);
        }
        const elapsed = (performance.now() - t0) / 1000;
        stop();
        return { completions, tokens, elapsed };
      },
      { workerUrl, model, seconds: options.seconds ?? 3, mainThread: options.mainThread },
    );
    return {
      where: options.mainThread ? "main thread" : "worker",
      modelId: model.id,
      throttle: options.throttle,
      completions: result.completions,
      seconds: result.elapsed,
      perSecond: result.completions / result.elapsed,
      meanTokens: result.tokens / Math.max(1, result.completions),
    };
  } finally {
    await page.close();
  }
}
