/**
 * A share of the load benchmark's students, on a worker thread of its own (bench-load.ts `--bot-workers`):
 * connects its bots, joins them, then on "go" makes and submits samples exactly as a phone does (the shared
 * engine, the participant's seed stream) and reports what it saw, with its own event-loop delay, so a
 * saturated load generator shows as such instead of as a slow server.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Socket } from "socket.io-client";
import {
  createRng,
  Decoder,
  generate,
  type JoinResult,
  participantSeed,
  type RoundInfo,
  type RoundStats,
  type SubmitResult,
} from "@tokenroom/shared";
import { loadModelRegistry } from "../../server/src/models/registry.ts";
import { loopDelay } from "../../server/src/http/event-loop-debug.ts";
import { askBot, connectBot } from "./bot-socket.ts";

export interface BotJob {
  /** The server processes' URLs; bot k connects to urls[k % urls.length]. */
  urls: string[];
  /** Room code to join; null: a bare server (no join, no round). */
  code: string | null;
  /** Bot numbers [first, first + count). */
  first: number;
  count: number;
  round: RoundInfo | null;
  rate: number;
  durationS: number;
  maxTokens: number;
}

/** Times are epoch milliseconds (performance.timeOrigin + now), comparable across threads. */
export interface BotReport {
  sent: number;
  acked: number;
  rejected: number;
  errors: number;
  ackMs: number[];
  ackAt: number[];
  /** Every round:stats a bot received: its N and when. */
  stats: [n: number, at: number][];
  lagP50Ms: number;
  lagP99Ms: number;
}

export type ToMain =
  { type: "ready" } | { type: "report"; report: BotReport } | { type: "error"; message: string };
export type ToBots = { type: "go"; startAt: number };

const epochNow = () => performance.timeOrigin + performance.now();

const ask = askBot;

async function main(job: BotJob, port: NonNullable<typeof parentPort>): Promise<void> {
  const bots: { socket: Socket; participantId: string }[] = [];
  for (let i = 0; i < job.count; i += 50) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(50, job.count - i) }, async (_, k) => {
        const n = job.first + i + k;
        const socket = await connectBot(job.urls[n % job.urls.length]!);
        if (job.code === null) return { socket, participantId: "" };
        const res = await ask<JoinResult>(socket, "student:join", { code: job.code, nickname: `bot${n}` });
        if (!res.ok) throw new Error(res.error.message);
        return { socket, participantId: res.data.participantId };
      }),
    );
    bots.push(...chunk);
  }
  // the model is loaded (its artifacts parsed: about half a second of this thread) before "ready": loaded after
  // "go", it held this thread while the first samples' acks came back, and the first seconds' acks looked slow
  const round = job.round;
  const settings = round
    ? { temperature: round.temperature, topK: round.topK, topP: round.topP }
    : { temperature: 1, topK: 0, topP: 0.9 };
  const model = loadModelRegistry().get(round?.modelId ?? "tiny-stories")!.model;
  const decoder = new Decoder(model, settings);
  const prompt = round?.promptTokens ?? [];

  const interval = Math.max(1000 / job.rate, 200);
  const perTick = Math.max(1, Math.round((job.rate * interval) / 1000));
  // each student sends rate × duration samples, tick k at its own start + k × interval: a late timer does not
  // push the later ticks back (drifting bots sent ~1% fewer samples than asked, and the server was blamed for it)
  const ticks = Math.round((job.durationS * 1000) / interval);
  // Every sample is made before "ready", as each phone makes its own on its own CPU: made during the load, a
  // thread's few hundred students' sampling (cold decoder cache first) held the thread while acks came back,
  // and the first second's acks read 200-400 ms slow against the bare server as much as against Tokenroom
  const batches = bots.map((b, i) => {
    const seed = round ? participantSeed(round.seed, b.participantId) : job.first + i;
    return Array.from({ length: ticks }, (_, tick) =>
      Array.from({ length: perTick }, (_, k) => {
        const index = tick * perTick + k;
        return {
          index,
          tokens: generate(model, prompt, settings, createRng(seed, index), job.maxTokens, decoder).tokens,
        };
      }),
    );
  });

  const { startAt } = await new Promise<ToBots>((resolve) => {
    port.postMessage({ type: "ready" } satisfies ToMain);
    port.once("message", resolve);
  });
  const report: BotReport = {
    sent: 0,
    acked: 0,
    rejected: 0,
    errors: 0,
    ackMs: [],
    ackAt: [],
    stats: [],
    lagP50Ms: 0,
    lagP99Ms: 0,
  };
  for (const b of bots) b.socket.on("round:stats", (s: RoundStats) => report.stats.push([s.n, epochNow()]));
  const lag = loopDelay();

  await Promise.all(
    bots.map(async (b, i) => {
      // spread the bots over a tick
      const first = startAt + (i / bots.length) * interval;
      const pending: Promise<void>[] = [];
      for (let tick = 0; tick < ticks; tick++) {
        await new Promise((r) => setTimeout(r, Math.max(0, first + tick * interval - epochNow())));
        const samples = batches[i]![tick]!;
        // the ack's latency runs from the send
        const t0 = epochNow();
        report.sent += samples.length;
        pending.push(
          ask<SubmitResult>(b.socket, "sample:submit", { roundId: round?.id ?? "bare", samples }).then(
            (res) => {
              const now = epochNow();
              if (!res.ok) return void (report.rejected += samples.length);
              for (const x of res.data.results) {
                if (x.status === "accepted") {
                  report.acked++;
                  report.ackAt.push(now);
                  report.ackMs.push(now - t0);
                } else report.rejected++;
              }
            },
            () => void (report.errors += samples.length),
          ),
        );
      }
      await Promise.all(pending);
    }),
  );
  lag.stop();
  ({ p50Ms: report.lagP50Ms, p99Ms: report.lagP99Ms } = lag.figures());
  // the last statistics of the round arrive after the last ack
  await new Promise((r) => setTimeout(r, 1500));
  for (const b of bots) b.socket.disconnect();
  port.postMessage({ type: "report", report } satisfies ToMain);
}

if (parentPort) {
  const port = parentPort;
  main(workerData as BotJob, port).catch((error: unknown) =>
    port.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
    } satisfies ToMain),
  );
}
