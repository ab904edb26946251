/**
 * The models this server offers: the built-in toy, every artifact in shared/models, and the models hosts
 * trained from their own text (custom-models.ts), which a loader fetches from the database on a miss.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  builtinModels,
  Decoder,
  type DecodingSettings,
  type LanguageModel,
  type ModelSummary,
  type NgramArtifact,
  ngramModel,
  parseNgramArtifact,
} from "@tokenroom/shared";
import { SHIPPED_MODELS_DIR } from "../paths.ts";

/**
 * A model as GET /api/models lists it: custom models (trained from a host's text) say so; they are listed only
 * to the sessions that trained them and the admin (http/model-routes.ts).
 */
export type ListedModel = ModelSummary & { custom?: true };
export type ModelCard = NonNullable<ModelSummary["card"]>;

/** The model card of an artifact, from its `training` metadata. */
export function cardOf(artifact: Pick<NgramArtifact, "order" | "training">): ModelCard {
  const { training: t } = artifact;
  return {
    vocabSize: t.vocabSize,
    order: artifact.order,
    trainingTokens: t.tokens,
    trainingLines: t.lines,
    heldOut: t.heldOut
      ? {
          tokens: t.heldOut.tokens,
          oov: t.heldOut.oov,
          crossEntropyBits: t.heldOut.crossEntropyBits,
          perplexity: t.heldOut.perplexity,
        }
      : null,
  };
}

/** The summary of an n-gram artifact (parsed JSON; its vocabulary is not read again). */
export function artifactSummary(artifact: NgramArtifact): ModelSummary {
  return {
    id: artifact.id,
    name: artifact.name,
    description: artifact.description,
    hash: artifact.hash,
    vocabSize: artifact.vocab.length,
    order: artifact.order,
    tokenizer: artifact.tokenizer,
    card: cardOf(artifact),
  };
}

/** Finds a model this process has not loaded (a custom model trained by another process); null if none. */
export type ModelLoader = (id: string) => Promise<RegisteredModel | null>;

export interface RegisteredModel {
  summary: ListedModel;
  model: LanguageModel;
  /** The artifact as served to phones (null for built-ins, which phones have in their bundle). */
  artifactJson: string | null;
  /** [OFF1] Builds `model` off the event loop if it is not built yet (custom models); then `model` is cheap. */
  load?: () => Promise<LanguageModel>;
}

export class ModelRegistry {
  private readonly models = new Map<string, RegisteredModel>();
  private readonly decoders = new Map<string, Decoder>();
  private readonly loading = new Map<string, Promise<RegisteredModel | undefined>>();
  private loader: ModelLoader | undefined;

  add(entry: RegisteredModel): void {
    this.models.set(entry.summary.id, entry);
  }

  /**
   * The model, if this process has it. On a miss with a loader set, starts loading it in the background, so
   * that a caller that cannot wait (a socket handler) finds it when the host tries again; use `resolve` to wait.
   */
  get(id: string): RegisteredModel | undefined {
    const entry = this.models.get(id);
    if (!entry && this.loader) void this.resolve(id);
    return entry;
  }

  /** Forgets a model (a deleted custom model); built-in and shipped models are never removed. */
  remove(id: string): void {
    if (this.models.get(id)?.summary.custom) this.models.delete(id);
  }

  /** Whether this process has the model (never loads it). */
  has(id: string): boolean {
    return this.models.has(id);
  }

  /** The model, loading it with the loader (the database) when this process does not have it yet. */
  resolve(id: string): Promise<RegisteredModel | undefined> {
    const known = this.models.get(id);
    if (known || !this.loader) return Promise.resolve(known);
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.loader(id)
        .then((entry) => {
          if (entry && !this.models.has(id)) this.add(entry);
          return this.models.get(id);
        })
        .catch(() => undefined) // the database is down: the model stays unknown until it answers
        .finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  /** Where to look for models this process does not have (set by the train routes). */
  setLoader(loader: ModelLoader): void {
    this.loader = loader;
  }

  list(): ListedModel[] {
    return [...this.models.values()].map((m) => m.summary);
  }

  /** One cached Decoder per (model, settings), shared by every round that uses them. */
  decoder(model: LanguageModel, settings: DecodingSettings): Decoder {
    const key = `${model.id}@${model.hash}|${settings.temperature}|${settings.topK}|${settings.topP}`;
    let decoder = this.decoders.get(key);
    if (!decoder) {
      if (this.decoders.size >= 64) this.decoders.delete(this.decoders.keys().next().value!);
      decoder = new Decoder(model, settings, { maxCachedTokens: 4_000_000 });
      this.decoders.set(key, decoder);
    } else {
      this.decoders.delete(key);
      this.decoders.set(key, decoder);
    }
    return decoder;
  }
}

export function loadModelRegistry(dir = SHIPPED_MODELS_DIR): ModelRegistry {
  const registry = new ModelRegistry();
  for (const b of builtinModels) {
    const model = b.create();
    registry.add({
      summary: {
        id: b.id,
        name: b.name,
        description: b.description,
        hash: model.hash,
        vocabSize: model.vocab.length,
        order: 2,
        tokenizer: model.tokenizer.kind,
      },
      model,
      artifactJson: null,
    });
  }
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const text = readFileSync(join(dir, file), "utf8");
    const artifact = parseNgramArtifact(JSON.parse(text));
    registry.add({ summary: artifactSummary(artifact), model: ngramModel(artifact), artifactJson: text });
  }
  return registry;
}
