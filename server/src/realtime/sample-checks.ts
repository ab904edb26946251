/**
 * The checks of a sample before it is stored: the rate limit's token bucket, and each sample's validity under
 * the round's settings or, for the verified fraction, [V2] the seed's stream replayed token by token, one model
 * step at a time under the shared [CPU1] budget.
 */
import {
  checkCompletionSteps,
  createRng,
  decodingOf,
  ErrorCode,
  hashString32,
  participantSeed,
  type SampleInput,
  type SteppedCheck,
  verifySampleSteps,
} from "@tokenroom/shared";
import type { LiveRound } from "./live-state.ts";
import { CpuBudget } from "./cpu-budget.ts";

/** A sample's verdict: its ln P under the round's settings, or why it is refused. */
export type Checked = { ok: true; logProb: number } | { ok: false; code: string; message: string };

const E = ErrorCode;

/** Token bucket: `n` samples may pass if the bucket holds them (refilled at ratePerSecond, capped at burst). */
export function takeTokens(
  b: { tokens: number; at: number },
  n: number,
  now: number,
  ratePerSecond: number,
  burst: number,
): boolean {
  b.tokens = b.at === 0 ? burst : Math.min(burst, b.tokens + ((now - b.at) / 1000) * ratePerSecond);
  b.at = now;
  if (b.tokens < n) return false;
  b.tokens -= n;
  return true;
}

export class SampleChecker {
  private readonly budget: CpuBudget;

  /** `verifySliceMs`: [CPU1] milliseconds of verification per turn of the event loop, over all batches. */
  constructor(
    private readonly verifyFraction: number,
    verifySliceMs: number,
  ) {
    this.budget = new CpuBudget(verifySliceMs);
  }

  /** Deterministic per sample, so a resend is verified (or not) the same way. */
  private shouldVerify(participantId: string, index: number): boolean {
    const f = this.verifyFraction;
    if (f >= 1) return true;
    if (f <= 0) return false;
    return hashString32(`${participantId}:${index}`) / 2 ** 32 < f;
  }

  /**
   * ln P of the sample if the round's settings can produce it (and, when verified, it is the seed's sample), one
   * model step per `step()` ([V2] replayed token by token: a wrong sample costs the steps up to its first difference).
   */
  private check(round: LiveRound, participantId: string, s: SampleInput): SteppedCheck<Checked> {
    const r = round.row;
    const settings = decodingOf(r);
    if (this.shouldVerify(participantId, s.index)) {
      const rng = createRng(participantSeed(r.seed, participantId), s.index);
      const v = verifySampleSteps(
        round.model,
        r.promptTokens,
        s.tokens,
        settings,
        rng,
        r.maxTokens,
        round.decoder,
      );
      return {
        step: () => {
          const out = v.step();
          if (out === null || out.ok) return out;
          return out.kind === "mismatch"
            ? {
                ok: false,
                code: E.SAMPLE_MISMATCH,
                message: `sample ${s.index} is not the one its seed gives; use the shared engine with the round's seed`,
              }
            : { ok: false, code: E.INVALID_SAMPLE, message: `sample ${s.index}: ${out.reason}` };
        },
      };
    }
    const c = checkCompletionSteps(
      round.model,
      r.promptTokens,
      s.tokens,
      settings,
      r.maxTokens,
      round.decoder,
    );
    return {
      step: () => {
        const out = c.step();
        if (out === null || out.ok) return out;
        return { ok: false, code: E.INVALID_SAMPLE, message: `sample ${s.index}: ${out.reason}` };
      },
    };
  }

  /**
   * [CPU1] Checks `samples` into `verdicts`, one model step at a time, yielding the event loop whenever this turn's
   * shared budget is spent: a batch on a large model never holds the loop for more than about verifySliceMs.
   */
  async checkAll(
    round: LiveRound,
    participantId: string,
    samples: SampleInput[],
    verdicts: Map<number, Checked>,
  ): Promise<void> {
    for (const s of samples) {
      const check = this.check(round, participantId, s);
      for (;;) {
        if (this.budget.spent()) await this.budget.nextTurn();
        const out = check.step();
        if (out !== null) {
          verdicts.set(s.index, out);
          break;
        }
      }
    }
  }
}
