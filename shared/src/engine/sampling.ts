/**
 * Sampling and scoring completions (SPEC.md [S1] [G1] [CR1] [V1]), all under the same decoded distributions
 * as nextTokenDistribution. Log-probabilities are natural logs (nats).
 */
import { Decoder, sameSettings } from "./decoder.ts";
import { settingsError } from "./decoding-steps.ts";
import { probabilityOf } from "./decoding.ts";
import type {
  DecodingSettings,
  Generation,
  LanguageModel,
  Rng,
  TokenDistribution,
  TokenId,
} from "./types.ts";

export type CompletionCheck = { ok: true; logProb: number } | { ok: false; reason: string };

/** [S1] Inverse CDF: the smallest i with u < cdf_i (binary search); the last index if u >= cdf_last (rounding). */
export function sampleIndex(cdf: Float64Array, u: number): number {
  if (!(u >= 0 && u < 1)) throw new RangeError(`u must be in [0, 1) (got ${String(u)})`);
  if (cdf.length === 0) throw new RangeError("cannot sample from an empty distribution");
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < cdf[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** [S1] The token at sampleIndex(cdf, u): token i is drawn iff cdf_{i-1} <= u < cdf_i, i.e. with probability p_i. */
export function sampleToken(dist: TokenDistribution, cdf: Float64Array, u: number): TokenId {
  if (cdf.length !== dist.ids.length) throw new RangeError("cdf does not match the distribution");
  return dist.ids[sampleIndex(cdf, u)]!;
}

/** The caller's decoder if it decodes `model` under `settings` (else a programming error), or a fresh one. */
function decoderFor(model: LanguageModel, settings: DecodingSettings, decoder: Decoder | undefined): Decoder {
  if (decoder === undefined) return new Decoder(model, settings);
  if (decoder.model !== model || !sameSettings(decoder.settings, settings)) {
    throw new Error("the decoder was built for another model or other settings");
  }
  return decoder;
}

/** maxTokens must be an integer >= 0 (a programming error otherwise). */
function checkMaxTokens(maxTokens: number): void {
  if (!(Number.isInteger(maxTokens) && maxTokens >= 0)) {
    throw new RangeError(`maxTokens must be an integer >= 0 (got ${String(maxTokens)})`);
  }
}

/**
 * [G1] Sample a completion: each step draws one u = rng.next() and takes sampleToken of the decoded
 * distribution after prompt + tokens so far; stops right after EOS (included) or at maxTokens.
 */
export function generate(
  model: LanguageModel,
  promptTokens: readonly TokenId[],
  settings: DecodingSettings,
  rng: Rng,
  maxTokens: number,
  decoder?: Decoder,
): Generation {
  checkMaxTokens(maxTokens);
  const steps = decoderFor(model, settings, decoder);
  const context = promptTokens.slice();
  const tokens: TokenId[] = [];
  const probs: number[] = [];
  while (tokens.length < maxTokens) {
    const { dist, cdf } = steps.step(context);
    const i = sampleIndex(cdf, rng.next());
    const token = dist.ids[i]!;
    tokens.push(token);
    probs.push(dist.probs[i]!);
    context.push(token);
    if (token === model.eosId) break;
  }
  return { tokens, probs };
}

/** Σ_i ln P(c_i | prompt, c_<i), and the first impossible step (P = 0, or a token after EOS), or -1. */
function chainRule(
  steps: Decoder,
  promptTokens: readonly TokenId[],
  completion: readonly TokenId[],
): { logProb: number; impossibleAt: number } {
  const eos = steps.model.eosId;
  const context = promptTokens.slice();
  let logProb = 0;
  for (let i = 0; i < completion.length; i++) {
    const token = completion[i]!;
    if (i > 0 && eos !== undefined && completion[i - 1] === eos)
      return { logProb: -Infinity, impossibleAt: i };
    const p = probabilityOf(steps.distribution(context), token);
    if (!(p > 0)) return { logProb: -Infinity, impossibleAt: i };
    logProb += Math.log(p);
    context.push(token);
  }
  return { logProb, impossibleAt: -1 };
}

/**
 * [CR1] ln P(completion | prompt) = Σ_i ln P(c_i | prompt, c_<i) under the decoding settings (nats);
 * -Infinity if any step has probability 0 or a token follows EOS; 0 for an empty completion.
 */
export function sequenceLogProb(
  model: LanguageModel,
  promptTokens: readonly TokenId[],
  completion: readonly TokenId[],
  settings: DecodingSettings,
  decoder?: Decoder,
): number {
  return chainRule(decoderFor(model, settings, decoder), promptTokens, completion).logProb;
}

/** A short, throw-free description of an untrusted value for error messages. */
function describe(value: unknown): string {
  return typeof value === "number" ? String(value) : typeof value;
}

export type SampleVerdict =
  { ok: true; logProb: number } | { ok: false; kind: "invalid" | "mismatch"; step: number; reason: string };

/**
 * [V2] Is `completion` exactly `generate(model, prompt, settings, rng, maxTokens)`? Replays the seed's stream
 * token by token and stops at the first token that differs, so an honest sample costs one generation and a wrong
 * one only the steps up to its first difference. On success its log-prob is Σ ln p_i of the drawn tokens, summed
 * in order from 0 (bit for bit the sum over generate's `probs`). A difference at step i is "invalid" when the
 * submitted token has probability 0 there, else "mismatch"; the shape checks of [V1] (settings, length, ids, EOS)
 * come first and cost no step ("invalid", step -1). Never throws on a hostile completion, settings or maxTokens.
 */
export function verifySample(...args: Parameters<typeof verifySampleSteps>): SampleVerdict {
  return runSteps(verifySampleSteps(...args));
}

/**
 * A check that runs one model step at a time, so that a caller can spread a long one over several turns of its
 * event loop: `step()` does at most one decoded step and returns the outcome once it is decided, else null.
 */
export interface SteppedCheck<T> {
  step(): T | null;
}

/** Runs a stepped check to its outcome in one go. */
export function runSteps<T>(check: SteppedCheck<T>): T {
  for (;;) {
    const outcome = check.step();
    if (outcome !== null) return outcome;
  }
}

/** [V2] verifySample, one replayed token per `step()` (the shape checks decide on the first call, at no step). */
export function verifySampleSteps(
  model: LanguageModel,
  promptTokens: readonly TokenId[],
  completion: readonly TokenId[],
  settings: DecodingSettings,
  rng: Rng,
  maxTokens: number,
  decoder?: Decoder,
): SteppedCheck<SampleVerdict> {
  const shape = checkShape(model, completion, settings, maxTokens);
  if (shape !== null) return decided({ ok: false, kind: "invalid", step: -1, reason: shape });
  const steps = decoderFor(model, settings, decoder);
  const context = promptTokens.slice();
  let logProb = 0;
  let i = 0;
  return {
    step(): SampleVerdict | null {
      if (i >= completion.length) return { ok: true, logProb };
      const { dist, cdf } = steps.step(context);
      const j = sampleIndex(cdf, rng.next());
      const submitted = completion[i]!;
      if (dist.ids[j] !== submitted) {
        if (probabilityOf(dist, submitted) > 0) {
          return { ok: false, kind: "mismatch", step: i, reason: `token ${i} is not the one the seed draws` };
        }
        const word = model.vocab[submitted] ?? "";
        const reason = `token ${i} ("${word}") has probability 0 under the settings`;
        return { ok: false, kind: "invalid", step: i, reason };
      }
      logProb += Math.log(dist.probs[j]!);
      context.push(submitted);
      i++;
      return i >= completion.length ? { ok: true, logProb } : null;
    },
  };
}

const decided = <T>(outcome: T): SteppedCheck<T> => ({ step: () => outcome });

/** [V1]'s checks that need no model step (settings, maxTokens, array, length, ids, EOS placement); null if fine. */
function checkShape(
  model: LanguageModel,
  completion: readonly TokenId[],
  settings: DecodingSettings,
  maxTokens: number,
): string | null {
  const settingsProblem = settingsError(settings);
  if (settingsProblem !== null) return `invalid settings: ${settingsProblem}`;
  if (!(Number.isInteger(maxTokens) && maxTokens >= 1)) return `maxTokens must be an integer >= 1`;
  const untrusted: unknown = completion; // narrowing `completion` itself would widen it to any[]
  if (!Array.isArray(untrusted)) return "completion must be an array of token ids";
  const n = completion.length;
  if (n === 0) return "empty completion";
  if (n > maxTokens) return `completion has ${n} tokens, more than maxTokens (${maxTokens})`;
  for (let i = 0; i < n; i++) {
    const id: unknown = completion[i];
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= model.vocab.length) {
      return `token ${i} is not a vocabulary id (got ${describe(id)})`;
    }
  }
  const eos = model.eosId;
  for (let i = 0; i < n - 1; i++) {
    if (completion[i] === eos) return `token ${i + 1} follows EOS`;
  }
  if (n < maxTokens && completion[n - 1] !== eos) {
    return `completion stopped after ${n} of ${maxTokens} tokens without EOS`;
  }
  return null;
}

/**
 * [V1] Could `generate(model, prompt, settings, ·, maxTokens)` have produced `completion`? If so, its log-prob.
 * Never throws on a hostile completion, settings or maxTokens (a mismatched decoder is a programming error).
 */
export function checkCompletion(...args: Parameters<typeof checkCompletionSteps>): CompletionCheck {
  return runSteps(checkCompletionSteps(...args));
}

/** [V1] checkCompletion, one scored token per `step()` (the shape checks decide on the first call, at no step). */
export function checkCompletionSteps(
  model: LanguageModel,
  promptTokens: readonly TokenId[],
  completion: readonly TokenId[],
  settings: DecodingSettings,
  maxTokens: number,
  decoder?: Decoder,
): SteppedCheck<CompletionCheck> {
  const shape = checkShape(model, completion, settings, maxTokens);
  if (shape !== null) return decided({ ok: false, reason: shape });
  const steps = decoderFor(model, settings, decoder);
  const eos = model.eosId;
  const context = promptTokens.slice();
  let logProb = 0;
  let i = 0;
  const impossible = (at: number): CompletionCheck => {
    const word = model.vocab[completion[at]!] ?? "";
    return { ok: false, reason: `token ${at} ("${word}") has probability 0 under the settings` };
  };
  return {
    step(): CompletionCheck | null {
      if (i >= completion.length) return { ok: true, logProb };
      const token = completion[i]!;
      if (i > 0 && eos !== undefined && completion[i - 1] === eos) return impossible(i);
      const p = probabilityOf(steps.distribution(context), token);
      if (!(p > 0)) return impossible(i);
      logProb += Math.log(p);
      context.push(token);
      i++;
      return i >= completion.length ? { ok: true, logProb } : null;
    },
  };
}
