/**
 * The engine worker: loads models once and generates samples off the UI thread. Sample i of a participant
 * is generate(model, prompt, settings, createRng(participantSeed(seed, participantId), i), maxTokens): the
 * very computation the server repeats to verify it.
 */
import {
  createRng,
  cutTie,
  Decoder,
  decodingOf,
  distributionsDiffer,
  entropyBits,
  generate,
  type LanguageModel,
  modelDistribution,
  participantSeed,
  type TokenDistribution,
  tokenLabel,
} from "@tokenroom/shared";
import type {
  DistributionView,
  InspectView,
  GeneratedSample,
  RoundSpec,
  WorkerRequest,
  WorkerResponse,
  WorkerResults,
} from "./messages.ts";
import { spacesBefore } from "../lib/token-spacing.ts";
import { loadModel } from "./model-cache.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse): void;
}
const scope = self as unknown as WorkerScope;

/** Decoders by model and settings (a few rounds' worth). */
const decoders = new Map<string, Decoder>();

function decoderFor(model: LanguageModel, round: RoundSpec): Decoder {
  const key = `${model.id}@${model.hash}|${round.temperature}|${round.topK}|${round.topP}`;
  let decoder = decoders.get(key);
  if (!decoder) {
    if (decoders.size >= 8) decoders.delete(decoders.keys().next().value!);
    const settings = decodingOf(round);
    decoder = new Decoder(model, settings, { maxCachedTokens: 1_000_000 });
    decoders.set(key, decoder);
  }
  return decoder;
}

async function samples(
  round: RoundSpec,
  participantId: string,
  start: number,
  count: number,
): Promise<GeneratedSample[]> {
  const model = await loadModel(round.model);
  const decoder = decoderFor(model, round);
  const seed = participantSeed(round.seed, participantId);
  const out: GeneratedSample[] = [];
  for (let index = start; index < start + count; index++) {
    const g = generate(
      model,
      round.promptTokens,
      decoder.settings,
      createRng(seed, index),
      round.maxTokens,
      decoder,
    );
    const labels = g.tokens.map((t) => tokenLabel(model, t));
    out.push({
      index,
      tokens: g.tokens,
      probs: g.probs,
      labels,
      spaceBefore: spacesBefore(model.tokenizer, labels),
    });
  }
  return out;
}

function view(model: LanguageModel, dist: TokenDistribution, top: number): DistributionView {
  const entries = [];
  let shown = 0;
  for (let i = 0; i < dist.ids.length && i < top; i++) {
    const id = dist.ids[i]!;
    const p = dist.probs[i]!;
    entries.push({ id, label: tokenLabel(model, id), p });
    shown += p;
  }
  return {
    entries,
    otherP: Math.max(0, 1 - shown),
    support: dist.ids.length,
    entropyBits: entropyBits(dist.probs),
  };
}

/** [MS1] [CUT1] The sampler at a context, the model itself beside it when they differ, and a tie at the cut. */
async function distribution(round: RoundSpec, context: number[], top: number): Promise<InspectView> {
  const model = await loadModel(round.model);
  const dist = decoderFor(model, round).distribution(context);
  const own = modelDistribution(model, context);
  const tie = cutTie(model.nextTokenLogProbs(context), round);
  const label = (id: number) => tokenLabel(model, id);
  return {
    sampler: view(model, dist, top),
    model: distributionsDiffer(dist, own) ? view(model, own, top) : null,
    tie: tie && { kept: tie.kept.map(label), dropped: tie.dropped.map(label), modelP: tie.modelP },
  };
}

async function handle(req: WorkerRequest): Promise<WorkerResults[keyof WorkerResults]> {
  switch (req.type) {
    case "load":
      return { vocabSize: (await loadModel(req.model)).vocab.length };
    case "generate":
      return samples(req.round, req.participantId, req.start, req.count);
    case "distribution":
      return distribution(req.round, req.context, req.top);
  }
}

scope.onmessage = (event) => {
  const req = event.data;
  handle(req).then(
    (result) => scope.postMessage({ id: req.id, ok: true, result }),
    (error: unknown) =>
      scope.postMessage({
        id: req.id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      }),
  );
};
