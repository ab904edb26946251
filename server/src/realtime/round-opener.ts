/**
 * Opening a round (rounds.ts's start and next word): the settings become a stored round with its theory
 * snapshot and seed, the open round closes, the new one goes live and is announced.
 */
import {
  type DecodingSettings,
  decodingOf,
  encodeText,
  ErrorCode,
  type LanguageModel,
  LIMITS,
  PLAIN_SETTINGS,
  type RoundInfo,
  type RoundMode,
  type RoundSettings,
  type TokenDistribution,
  tokenLabel,
} from "@tokenroom/shared";
import type { Clock } from "../clock.ts";
import { ServiceError } from "../errors.ts";
import type { ModelRegistry } from "../models/registry.ts";
import type { StatsHub } from "../rounds/stats-hub.ts";
import { roundTheory } from "../rounds/theory.ts";
import { newId, newSeed } from "../secrets.ts";
import type { Repository, RoundCandidates } from "../store/repository.ts";
import type { BeModelService } from "./be-model-service.ts";
import { type DecoderWarmup, warmLiveRound } from "./decoder-warmup.ts";
import type { Broadcaster } from "./broadcaster.ts";
import { pickCandidates } from "./guess-service.ts";
import { type LiveSession, makeLiveRound, roundInfo } from "./live-state.ts";
import type { SyncBus } from "./sync-bus.ts";

export interface RoundOpenerDeps {
  repo: Repository;
  models: ModelRegistry;
  clock: Clock;
  broadcaster: Broadcaster;
  stats: StatsHub;
  beModel: BeModelService;
  sync: SyncBus;
  /** [WARM1] Warms a new round's decoder in the background (none: the first samples decode it). */
  warmup?: DecoderWarmup | undefined;
}

/** What a new round is made of, whatever asked for it. */
export interface RoundPlan {
  prompt: string;
  promptTokens: number[];
  decoding?: DecodingSettings;
  maxTokens?: number;
  mode: RoundMode;
  showClassChart?: boolean;
  hideUntilReveal?: boolean;
  timerSeconds?: number | null;
  seed: number;
  candidates?: RoundCandidates;
  pick?: ((dist: TokenDistribution, label: (t: number) => string) => RoundCandidates) | undefined;
}

const E = ErrorCode;

/** The host's settings as a plan for `open`: the model resolved, the prompt tokenized, the seed drawn. */
export async function planRound(
  deps: RoundOpenerDeps,
  sessionId: string,
  settings: RoundSettings,
): Promise<{ model: LanguageModel; plan: RoundPlan }> {
  const entry = await deps.models.resolve(settings.modelId);
  // a model trained from a host's text is the training session's own: another session cannot run it
  if (!entry || (entry.summary.custom && !(await deps.repo.ownsCustomModel(sessionId, settings.modelId))))
    throw new ServiceError(E.UNKNOWN_MODEL, `no model "${settings.modelId}"; pick one from the list`);
  // [OFF1] a custom model's indexes are built in a worker the first time (an invalid artifact throws below, as before)
  await entry.load?.().catch(() => undefined);
  const model = entry.model;
  const seed = newSeed();
  if (settings.mode === "be-model") {
    const plan = await deps.beModel.plan(model, settings, seed);
    const series = {
      seriesId: newId(),
      source: settings.passage,
      passage: plan.tokens,
      start: plan.start,
      words: plan.words,
      k: settings.guessCandidates,
    };
    const word = await deps.beModel.wordRound(model, series, 0, series.k, seed);
    return { model, plan: { ...word, mode: "be-model", seed } };
  }
  let promptTokens: number[];
  try {
    promptTokens = encodeText(model, settings.prompt);
  } catch (error) {
    throw new ServiceError(E.INVALID_SETTINGS, (error as Error).message);
  }
  if (promptTokens.length > LIMITS.promptMaxTokens) {
    throw new ServiceError(
      E.INVALID_SETTINGS,
      `the prompt has ${promptTokens.length} tokens; the limit is ${LIMITS.promptMaxTokens}`,
    );
  }
  const k = settings.guessCandidates;
  const plan: RoundPlan = {
    prompt: settings.prompt,
    promptTokens,
    decoding: decodingOf(settings),
    maxTokens: settings.maxTokens,
    mode: settings.mode,
    showClassChart: settings.showClassChart,
    hideUntilReveal: settings.hideUntilReveal,
    timerSeconds: settings.timerSeconds,
    seed,
    pick: settings.mode === "guess" ? (dist, label) => pickCandidates(dist, k, seed, label) : undefined,
  };
  return { model, plan };
}

/** Stores a new round (closing the open one), makes it live and announces it. */
export async function openRound(
  deps: RoundOpenerDeps,
  live: LiveSession,
  model: LanguageModel,
  r: RoundPlan,
): Promise<RoundInfo> {
  const { repo, clock, broadcaster } = deps;
  const sessionId = live.session.id;
  const decoding = r.decoding ?? PLAIN_SETTINGS;
  const decoder = deps.models.decoder(model, decoding);
  const id = newId();
  const label = (t: number) => tokenLabel(model, t);
  const dist = decoder.distribution(r.promptTokens);
  const theory = roundTheory(id, model, r.promptTokens, decoding, dist);
  const candidates = r.candidates ?? r.pick?.(dist, label) ?? null;
  const now = new Date(clock.now());
  if (live.round) await repo.closeOpenRounds(sessionId, now);
  const previous = await repo.latestRound(sessionId);
  const row = await repo.createRound({
    id,
    sessionId,
    seq: (previous?.seq ?? 0) + 1,
    modelId: model.id,
    modelHash: model.hash,
    prompt: r.prompt,
    promptTokens: r.promptTokens,
    ...decoding,
    maxTokens: r.maxTokens ?? 1,
    mode: r.mode,
    showClassChart: r.showClassChart ?? false,
    hideUntilReveal: r.hideUntilReveal ?? false,
    timerSeconds: r.timerSeconds ?? null,
    seed: r.seed,
    theory,
    candidates,
    startedAt: now,
  });
  if (live.round)
    broadcaster.emit({ students: sessionId }, "round:closed", {
      ...roundInfo(live.round.row, clock.now()),
      status: "closed",
    });
  live.round = makeLiveRound(row, deps.models, model);
  warmLiveRound(deps.warmup, live, live.round);
  await deps.stats.started(live.round);
  deps.sync.publish(sessionId, "round");
  const info = roundInfo(row, clock.now());
  broadcaster.emit({ host: sessionId }, "round:started", info);
  broadcaster.emit({ host: sessionId }, "round:theory", theory);
  broadcaster.emit({ students: sessionId }, "round:started", info);
  if (r.mode === "be-model") await sendBeModelSummary(deps, live);
  return info;
}

/** The host's "be the model" summary of the current round, if it is one. */
export async function sendBeModelSummary(
  deps: Pick<RoundOpenerDeps, "beModel" | "broadcaster">,
  live: LiveSession,
): Promise<void> {
  const summary = live.round ? await deps.beModel.summary(live, live.round.row) : null;
  if (summary) deps.broadcaster.emit({ host: live.session.id }, "bemodel:summary", summary);
}
