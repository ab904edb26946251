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
import { LRUCache } from "lru-cache";
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

/**
 * [MEM2] Bytes a custom model is charged per character of its artifact JSON. Measured with `--expose-gc` on the
 * shipped artifacts (heap + array buffers after building the model and decoding one step, five copies): 4.5 bytes
 * per character for tiny-stories (0.36 MB → 1.6 MB), 5.3 for zh-stories (0.45 MB → 2.4 MB). The entry also keeps
 * the JSON text for downloads: 1 byte per character (2 when it holds non-Latin-1 text). 8 covers both.
 */
export const MODEL_BYTES_PER_ARTIFACT_CHAR = 8;
/**
 * Bytes a Decoder holds per cached distribution beyond its typed arrays (which it counts exactly, `cacheBytes`):
 * the Map entry, the entry and distribution objects, two typed-array headers and the context key. An estimate.
 */
export const DECODER_ENTRY_OVERHEAD_BYTES = 400;
/** A decoder's own bound (13 bytes per cached id: 52 MB), and no more than a quarter of the budget. */
const MAX_DECODER_TOKENS = 4_000_000;
const DECODER_BYTES_PER_TOKEN = 13;

type Cached = { model: RegisteredModel } | { decoder: Decoder };

const modelKey = (id: string) => `m:${id}`;
/** A model's decoders' keys start with this; a listed model has the same id and hash as the model itself. */
const decoderPrefix = (model: { id: string; hash: string }) => `d:${model.id}@${model.hash}|`;

export function cachedBytes(value: Cached): number {
  if ("model" in value)
    return Math.max(1, (value.model.artifactJson?.length ?? 0) * MODEL_BYTES_PER_ARTIFACT_CHAR);
  const d = value.decoder;
  return Math.max(1, d.cacheBytes + d.cacheSize.entries * DECODER_ENTRY_OVERHEAD_BYTES);
}

export class ModelRegistry {
  /** The built-in and shipped models: always loaded (about 5 MB for the two shipped artifacts). */
  private readonly pinned = new Map<string, RegisteredModel>();
  /** [MEM2] Custom models and every decoder, in one LRU bounded by MODEL_CACHE_MB (sizes: cachedBytes). */
  private readonly cache: LRUCache<string, Cached>;
  private readonly loading = new Map<string, Promise<RegisteredModel | undefined>>();
  private loader: ModelLoader | undefined;
  readonly decoderTokens: number;

  constructor(readonly budgetBytes = 256 * 2 ** 20) {
    this.decoderTokens = Math.max(
      1_000,
      Math.min(MAX_DECODER_TOKENS, Math.floor(budgetBytes / 4 / DECODER_BYTES_PER_TOKEN)),
    );
    this.cache = new LRUCache<string, Cached>({
      maxSize: budgetBytes,
      sizeCalculation: cachedBytes,
      // a model leaving takes its decoders along: they hold it, so its memory would not be freed otherwise
      disposeAfter: (value, key) => {
        if (!("model" in value) || this.cache.has(key)) return;
        // from the summary: reading `model` would build a model that was never built (a second, on the event loop)
        const prefix = decoderPrefix(value.model.summary);
        for (const k of [...this.cache.keys()]) if (k.startsWith(prefix)) this.cache.delete(k);
      },
    });
  }

  /** Registers a model and returns it (a custom model larger than the whole budget is returned but not kept). */
  add(entry: RegisteredModel): RegisteredModel {
    if (entry.summary.custom) this.cache.set(modelKey(entry.summary.id), { model: entry });
    else this.pinned.set(entry.summary.id, entry);
    return entry;
  }

  /** The model if this process holds it now (never loads it). */
  cached(id: string): RegisteredModel | undefined {
    const pinned = this.pinned.get(id);
    if (pinned) return pinned;
    const hit = this.cache.get(modelKey(id));
    return hit && "model" in hit ? hit.model : undefined;
  }

  /**
   * The model, if this process has it. On a miss with a loader set, starts loading it in the background, so
   * that a caller that cannot wait (a socket handler) finds it when the host tries again; use `resolve` to wait.
   */
  get(id: string): RegisteredModel | undefined {
    const entry = this.cached(id);
    if (!entry && this.loader) void this.resolve(id);
    return entry;
  }

  /** Forgets a model (a deleted custom model) and its decoders; built-in and shipped models are never removed. */
  remove(id: string): void {
    this.cache.delete(modelKey(id));
  }

  /** Whether this process has the model (never loads it). */
  has(id: string): boolean {
    return this.pinned.has(id) || this.cache.has(modelKey(id));
  }

  /** The model, loading it with the loader (the database) when this process does not have it (or evicted it). */
  resolve(id: string): Promise<RegisteredModel | undefined> {
    const known = this.cached(id);
    if (known || !this.loader) return Promise.resolve(known);
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.loader(id)
        .then((entry) => (entry ? (this.cached(id) ?? this.add(entry)) : undefined))
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

  /** The shipped models and the custom models held now (GET /api/models lists custom ones from the database). */
  list(): ListedModel[] {
    const custom: ListedModel[] = [];
    for (const v of this.cache.values()) if ("model" in v) custom.push(v.model.summary);
    return [...[...this.pinned.values()].map((m) => m.summary), ...custom];
  }

  /** One cached Decoder per (model, settings), shared by every round that uses them. */
  decoder(model: LanguageModel, settings: DecodingSettings): Decoder {
    const key = `${decoderPrefix(model)}${settings.temperature}|${settings.topK}|${settings.topP}`;
    this.cache.get(modelKey(model.id)); // the model is in use too (recency)
    const hit = this.cache.get(key);
    const decoder =
      hit && "decoder" in hit
        ? hit.decoder
        : new Decoder(model, settings, { maxCachedTokens: this.decoderTokens });
    this.cache.set(key, { decoder }); // measured again (a new wrapper): a decoder grows as it is used
    return decoder;
  }

  /**
   * Measures every entry again (decoders grow between lookups) and evicts down to the budget; called by the memory
   * sweep. Set again oldest first, so the LRU order is kept; in a new wrapper, because lru-cache measures a value
   * set again under its key only when it is another object.
   */
  trim(): void {
    for (const key of [...this.cache.rkeys()]) {
      const value = this.cache.peek(key);
      if (value) this.cache.set(key, { ...value });
    }
  }

  cacheStats(): { budgetBytes: number; bytes: number; models: number; decoders: number; pinned: number } {
    let models = 0;
    for (const v of this.cache.values()) if ("model" in v) models++;
    return {
      budgetBytes: this.budgetBytes,
      bytes: this.cache.calculatedSize,
      models,
      decoders: this.cache.size - models,
      pinned: this.pinned.size,
    };
  }
}

export function loadModelRegistry(dir = SHIPPED_MODELS_DIR, budgetBytes?: number): ModelRegistry {
  const registry = new ModelRegistry(budgetBytes);
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
