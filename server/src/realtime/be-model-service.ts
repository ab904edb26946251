/**
 * "Be the model" series (SPEC [BM1]–[BM7]): each word of a passage is one round of mode "be-model"; its
 * candidates, true token and the model's loss are fixed at the start and stored with the round, answers
 * are stored as guesses, and the reveal stores each answer's loss as its score.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type BeModelSummary,
  collapseTruth,
  createRng,
  decodeTokens,
  encodeText,
  ErrorCode,
  heldOutLines,
  type LanguageModel,
  modelLossBits,
  type NgramArtifact,
  ngramModel,
  oneHot,
  onVocabOf,
  type PassagePlan,
  planCorpusPassage,
  planPastedPassage,
  PLAIN_SETTINGS,
  type RoundSettings,
  seriesScores,
  tokenLabel,
  type VocabView,
  wordCandidates,
} from "@tokenroom/shared";
import { ServiceError } from "../errors.ts";
import type { ModelRegistry } from "../models/registry.ts";
import { Trainer } from "../models/trainer.ts";
import { SHIPPED_CORPORA_DIR } from "../paths.ts";
import type { BeModelWordState } from "../store/json-columns.ts";
import type { Repository, RoundCandidates, RoundRow } from "../store/repository.ts";
import type { LiveSession } from "./live-state.ts";

const E = ErrorCode;
/** The shipped models hold out every 10th non-empty line ([NG8] default, shared/scripts train). */
const HELD_OUT_EVERY = 10;

/** Where a series stands, stored in the round's `candidates` JSON next to the candidates (server only). */
export type { BeModelWordState };

export type BeModelCandidates = RoundCandidates & { word: BeModelWordState };

export const wordState = (r: RoundRow): BeModelWordState | null =>
  r.mode === "be-model" ? (r.candidates?.word ?? null) : null;

/** What a new round of the series needs: its context as prompt, and its candidates. */
export interface WordRound {
  prompt: string;
  promptTokens: number[];
  candidates: BeModelCandidates;
}

export class BeModelService {
  /** Held-out lines of each shipped corpus, tokenized with the model (per model id and hash). */
  private readonly corpusLines = new Map<string, number[][]>();
  /** [BM3] Each shipped model trained without its held-out lines, built on first use (per model id and hash). */
  private readonly heldOutModels = new Map<string, Promise<VocabView>>();

  constructor(
    private readonly repo: Repository,
    private readonly models: ModelRegistry,
    private readonly corporaDir: string = SHIPPED_CORPORA_DIR,
    private readonly trainer: Trainer = new Trainer(),
  ) {}

  /** [BM6] The passage of a new series, from the settings. */
  async plan(model: LanguageModel, settings: RoundSettings, seed: number): Promise<PassagePlan> {
    if (settings.passage === "text") {
      let tokens: number[];
      try {
        tokens = encodeText(model, settings.passageText);
      } catch (error) {
        throw new ServiceError(E.INVALID_SETTINGS, (error as Error).message);
      }
      const plan = planPastedPassage(model, tokens, settings.words);
      if (typeof plan === "string") throw new ServiceError(E.INVALID_SETTINGS, plan);
      return plan;
    }
    const lines = this.heldOut(model);
    const rng = createRng(seed, 0x7061);
    const plan = lines.length
      ? planCorpusPassage(await this.heldOutModel(model), lines, settings.words, rng)
      : null;
    if (!plan)
      throw new ServiceError(
        E.INVALID_SETTINGS,
        `model "${model.id}" has no shipped passage for ${settings.words} words; paste a text instead`,
      );
    return plan;
  }

  private heldOut(model: LanguageModel): number[][] {
    const key = `${model.id}@${model.hash}`;
    let lines = this.corpusLines.get(key);
    if (!lines) {
      lines = heldOutLines(model, this.corpusText(model)).map((line) => encodeText(model, line));
      this.corpusLines.set(key, lines);
    }
    return lines;
  }

  private corpusText(model: LanguageModel): string {
    try {
      return readFileSync(join(this.corporaDir, `${model.id}.txt`), "utf8");
    } catch {
      return ""; // custom models and the toy have no shipped corpus
    }
  }

  /**
   * [BM3] The shipped model's twin trained without the held-out lines (same order, tokenizer and
   * options), on the training worker, over the shipped model's token ids; cached. A failure is not cached.
   */
  private heldOutModel(model: LanguageModel): Promise<VocabView> {
    const key = `${model.id}@${model.hash}`;
    let pending = this.heldOutModels.get(key);
    if (!pending) {
      pending = this.trainHeldOut(model);
      this.heldOutModels.set(key, pending);
      pending.catch(() => this.heldOutModels.delete(key));
    }
    return pending;
  }

  private async trainHeldOut(model: LanguageModel): Promise<VocabView> {
    const summary = this.models.get(model.id)?.summary;
    const tokenizer = summary?.tokenizer;
    if (!summary || summary.order === null || (tokenizer !== "word" && tokenizer !== "char"))
      throw new ServiceError(E.INVALID_SETTINGS, `model "${model.id}" is not a shipped n-gram model`);
    const outcome = await this.trainer.train(
      {
        id: summary.id,
        name: summary.name,
        description: summary.description,
        text: this.corpusText(model),
        tokenizer,
        order: summary.order,
        heldOutEvery: HELD_OUT_EVERY,
        withoutHeldOut: true,
      },
      () => {},
    );
    if (!outcome.ok)
      throw new ServiceError(
        E.UNAVAILABLE,
        `the held-out model of "${model.id}" is not ready: ${outcome.message}`,
      );
    // trained here from the shipped corpus by our own worker: trusted, not validated again
    return onVocabOf(ngramModel(JSON.parse(outcome.artifactJson) as NgramArtifact), model);
  }

  /** Word `step` of a series: context, candidates ([BM2]), the model's loss ([BM3]). */
  async wordRound(
    model: LanguageModel,
    series: Omit<BeModelWordState, "step" | "trueId" | "trueIndex" | "modelLossBits" | "modelProbs">,
    step: number,
    k: number,
    seed: number,
  ): Promise<WordRound> {
    const context = series.passage.slice(0, series.start + step);
    const trueId = series.passage[series.start + step]!;
    // [BM2]/[BM3] a shipped passage is a held-out line: candidates and loss come from the held-out model
    const scorer = series.source === "corpus" ? await this.heldOutModel(model) : model;
    const dist = this.models.decoder(scorer, PLAIN_SETTINGS).distribution(context);
    const { ids, trueIndex } = wordCandidates(dist, trueId, k, createRng(seed, 0x6755));
    const word: BeModelWordState = {
      ...series,
      step,
      trueId,
      trueIndex,
      modelLossBits: modelLossBits(scorer, context, trueId),
      modelProbs: collapseTruth(dist, ids),
    };
    return {
      prompt: decodeTokens(model, context),
      promptTokens: context,
      candidates: {
        ids,
        tokens: ids.map((id) => tokenLabel(model, id)),
        truth: oneHot(ids.length + 1, trueIndex),
        word,
      },
    };
  }

  /** The host's view of the series the round belongs to ([BM4]–[BM5]). */
  async summary(live: LiveSession, round: RoundRow): Promise<BeModelSummary | null> {
    const state = wordState(round);
    if (!state) return null;
    const rounds = (await this.repo.sessionRoundsOfMode(live.session.id, "be-model")).filter(
      (r) => wordState(r)?.seriesId === state.seriesId && r.revealedAt !== null,
    );
    const guesses = await this.repo.guessesOfRounds([...rounds.map((r) => r.id), round.id]);
    const nickname = (id: string) => live.participants.get(id)?.row.nickname ?? "?";
    const removed = (id: string) => live.participants.get(id)?.row.removedAt != null;
    const words = rounds.map((r) => {
      const w = wordState(r)!;
      const losses = new Map<string, number>();
      for (const g of guesses.get(r.id) ?? [])
        if (g.scoreBits !== null && !removed(g.participantId)) losses.set(g.participantId, g.scoreBits);
      return {
        round: r,
        w,
        scored: { outcomes: w.modelProbs.length, modelLossBits: w.modelLossBits, losses },
      };
    });
    const scores = seriesScores(
      words.map((x) => x.scored),
      (a, b) => nickname(a).localeCompare(nickname(b)),
    );
    return {
      roundId: round.id,
      seriesId: state.seriesId,
      step: state.step,
      words: state.words,
      submitted: (guesses.get(round.id) ?? []).length,
      history: words.map(({ round: r, w, scored }, i) => ({
        roundId: r.id,
        step: w.step,
        candidates: r.candidates!.tokens,
        trueIndex: w.trueIndex,
        trueToken: r.candidates!.tokens[w.trueIndex]!,
        modelProbs: w.modelProbs,
        modelLossBits: w.modelLossBits,
        classLossBits: scores.standings.length ? scores.classLossesBits[i]! : null,
        answered: scored.losses.size,
      })),
      standings: scores.standings.map((s) => ({
        participantId: s.participantId,
        nickname: nickname(s.participantId),
        lossesBits: s.lossesBits,
        answered: s.answered,
        averageBits: s.averageBits,
        perplexity: s.perplexity,
        rank: s.rank,
      })),
      classAverage: scores.classAverage,
      modelAverage: scores.modelAverage,
    };
  }
}
