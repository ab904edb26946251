/**
 * [WARM1] A round's decoder is warmed before its class samples. The first second of a class's sampling used to
 * be its slowest: every phone's first completion needs distributions nobody has decoded yet (a cold decode costs
 * about ten times a cached one), so the first samples of 1,000 phones queued behind ~150 ms of decoding and the
 * garbage it makes (bench:load's first second read 100–250 ms ack p99 against ~30 ms after). When a round goes
 * live on a process, this decodes the contexts its phones are most likely to need: it samples completions from
 * the round's own prompt and settings with the shared engine (the same steps as a phone, from seeds of its own),
 * one model step at a time, a couple of milliseconds per turn of the event loop, in the background.
 *
 * Bounded: at most `tokens` model steps and `cpuMs` of CPU per warm-up, never past half the decoder's cache bound
 * (warm-up never evicts what the class is using), at most `cpuShare` of one core over time (a host starting round
 * after round cannot turn warm-ups into a busy process), one warm-up at a time per process, at most `maxQueued` waiting
 * (a restart restoring many sessions warms the first ones; the rest warm as their classes sample), and a
 * (decoder, prompt) that was warmed is not warmed again. A round that is not live any more is skipped.
 */
import { createRng, type Decoder, hashString32, sampleIndex, type TokenId } from "@tokenroom/shared";
import type { LiveRound, LiveSession } from "./live-state.ts";

export interface WarmupOptions {
  /** Model steps per warm-up (DECODER_WARMUP_TOKENS; 0 turns warming off). */
  tokens: number;
  /** CPU per warm-up, at most. */
  cpuMs?: number;
  /** CPU per turn of the event loop. */
  sliceMs?: number;
  /** Share of one core warm-ups may take over time (a token bucket of CPU time holding one warm-up's `cpuMs`). */
  cpuShare?: number;
  /** Warm-ups waiting, at most. */
  maxQueued?: number;
}

/** What a warm-up needs of a live round. */
export interface WarmupRound {
  id: string;
  decoder: Decoder;
  promptTokens: readonly TokenId[];
  maxTokens: number;
  /** Whether the round still wants it (it is still live on this process). */
  wanted: () => boolean;
}

/** DECODER_WARMUP_TOKENS' default: about 3,000 completions of 8 tokens (~130 ms of CPU for tiny-stories). */
export const DEFAULT_WARMUP_TOKENS = 24_000;
const DEFAULT_CPU_MS = 500;
const DEFAULT_SLICE_MS = 2;
const DEFAULT_CPU_SHARE = 0.2;
const DEFAULT_MAX_QUEUED = 8;
/** Prompts remembered as warmed per decoder (a decoder outlives its rounds: it is shared by equal settings). */
const WARMED_PROMPTS = 64;

export interface WarmupResult {
  roundId: string;
  steps: number;
  completions: number;
  cpuMs: number;
  /** Time it waited for CPU credit (warm-ups beyond their share of a core). */
  waitedMs: number;
  /** Why it stopped: its step budget, its CPU budget, the decoder's cache half full, or the round gone. */
  stop: "tokens" | "cpu" | "cache" | "gone";
}

export class DecoderWarmup {
  private readonly queue: WarmupRound[] = [];
  private running: Promise<void> | null = null;
  /** The warm-up running now. */
  private current: WarmupRound | null = null;
  private readonly warmed = new WeakMap<Decoder, Set<string>>();
  private readonly cpuMs: number;
  private readonly sliceMs: number;
  private readonly maxQueued: number;
  private readonly cpuShare: number;
  /** CPU milliseconds warm-ups may spend now (refilled at cpuShare, up to cpuMs), and when it was last refilled. */
  private credit: number;
  private creditAt = performance.now();

  constructor(
    private readonly options: WarmupOptions,
    /** Told of each finished warm-up (for the log and tests). */
    private readonly onDone: (result: WarmupResult) => void = () => undefined,
  ) {
    this.cpuMs = options.cpuMs ?? DEFAULT_CPU_MS;
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.cpuShare = options.cpuShare ?? DEFAULT_CPU_SHARE;
    this.credit = this.cpuMs;
  }

  /** Queues a warm-up of the round's decoder for its prompt; returns whether it was queued. */
  warm(round: WarmupRound): boolean {
    if (this.options.tokens <= 0 || round.maxTokens <= 0) return false;
    const prompt = round.promptTokens.join(",");
    if (this.warmed.get(round.decoder)?.has(prompt)) return false;
    const same = (r: WarmupRound | null) =>
      r !== null && r.decoder === round.decoder && r.promptTokens.join(",") === prompt;
    if (same(this.current) || this.queue.some(same) || this.queue.length >= this.maxQueued) return false;
    this.queue.push(round);
    this.running ??= this.drain();
    return true;
  }

  /** Resolves when nothing is queued or running (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (let round = this.queue.shift(); round; round = this.queue.shift()) {
      if (!round.wanted()) continue; // checked again after the first wait (run)
      this.current = round;
      const result = await this.run(round);
      this.current = null;
      this.onDone(result);
    }
    this.running = null;
  }

  private remember(round: WarmupRound): void {
    let prompts = this.warmed.get(round.decoder);
    if (!prompts) this.warmed.set(round.decoder, (prompts = new Set()));
    if (prompts.size >= WARMED_PROMPTS) prompts.clear();
    prompts.add(round.promptTokens.join(","));
  }

  /**
   * The next turn of the event loop, later if warm-ups have spent their share of the CPU; resolves with the
   * milliseconds it waited for credit.
   */
  private async nextSlice(): Promise<number> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    let waited = 0;
    for (;;) {
      const now = performance.now();
      this.credit = Math.min(this.cpuMs, this.credit + (now - this.creditAt) * this.cpuShare);
      this.creditAt = now;
      if (this.credit > 0) return waited;
      const wait = -this.credit / this.cpuShare + 1;
      await new Promise<void>((resolve) => setTimeout(resolve, wait));
      waited += performance.now() - now;
    }
  }

  private async run(round: WarmupRound): Promise<WarmupResult> {
    const { decoder, promptTokens, maxTokens } = round;
    const eos = decoder.model.eosId;
    const seed = hashString32(`warm-up:${round.id}`);
    const cacheLimit = decoder.maxCachedTokens / 2;
    let steps = 0;
    let completions = 0;
    let cpu = 0;
    let waited = await this.nextSlice();
    let sliceStart = performance.now();
    const spend = (now: number) => {
      cpu += now - sliceStart;
      this.credit -= now - sliceStart;
    };
    const result = (stop: WarmupResult["stop"]): WarmupResult => {
      if (stop !== "gone") this.remember(round);
      return {
        roundId: round.id,
        steps,
        completions,
        cpuMs: Math.round(cpu),
        waitedMs: Math.round(waited),
        stop,
      };
    };
    for (;;) {
      const rng = createRng(seed, completions);
      const context = promptTokens.slice();
      for (let n = 0; n < maxTokens; n++) {
        const { dist, cdf } = decoder.step(context);
        const token = dist.ids[sampleIndex(cdf, rng.next())]!;
        context.push(token);
        steps++;
        const now = performance.now();
        if (now - sliceStart >= this.sliceMs) {
          spend(now);
          if (cpu >= this.cpuMs) return result("cpu");
          waited += await this.nextSlice();
          if (!round.wanted()) return result("gone");
          sliceStart = performance.now();
        }
        if (steps >= this.options.tokens) {
          spend(performance.now());
          return result("tokens");
        }
        if (decoder.cacheSize.tokens >= cacheLimit) {
          spend(performance.now());
          return result("cache");
        }
        if (token === eos) break;
      }
      completions++;
    }
  }
}

/** Queues a warm-up for a round that just went live on this process (a "be the model" round takes no samples). */
export function warmLiveRound(
  warmup: DecoderWarmup | undefined,
  live: Pick<LiveSession, "round" | "session">,
  round: LiveRound,
): void {
  if (!warmup || round.row.mode === "be-model") return;
  warmup.warm({
    id: round.id,
    decoder: round.decoder,
    promptTokens: round.row.promptTokens,
    maxTokens: round.row.maxTokens,
    wanted: () => live.round === round && !live.session.endedAt,
  });
}
