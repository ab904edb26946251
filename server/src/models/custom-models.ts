/**
 * Models trained from a host's own text: their ids, their rows in `custom_models`, and their registry entries.
 *
 * The id is `custom-` + the first 12 hex digits of sha-256 over the normalized text and the training options
 * (not the name), so the same upload maps to the same id and is trained and stored once. (It cannot be the
 * artifact's hash: the artifact contains its id.) Entries build their LanguageModel on first use, so that
 * neither start-up nor an upload pays for indexes no round has asked for yet.
 */
import { createHash } from "node:crypto";
import {
  canonicalJson,
  type LanguageModel,
  modelFromArtifact,
  type ModelSummary,
  type NgramArtifact,
  ngramModel,
  type TokenizerKind,
} from "@tokenroom/shared";
import type { PrismaClient } from "../generated/prisma/index.js";
import type { Logger } from "../logger.ts";
import { CustomModelStore } from "../store/models.ts";
import { buildModelOffThread } from "./model-builder.ts";
import { artifactSummary, type ModelRegistry, type RegisteredModel } from "./registry.ts";

export const CUSTOM_ID_PATTERN = /^custom-[0-9a-f]{12}$/;
/** Every k-th line is held out to measure the model (the engine's default). */
export const HELD_OUT_EVERY = 10;

export interface TrainingInput {
  /** Already normalized (text-check.ts normalizeText). */
  text: string;
  tokenizer: TokenizerKind;
  order: number;
}

export function customModelId(input: TrainingInput): string {
  const key = canonicalJson({
    format: "tokenroom-custom-model",
    version: 1,
    heldOutEvery: HELD_OUT_EVERY,
    order: input.order,
    text: input.text,
    tokenizer: input.tokenizer,
  });
  return `custom-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
}

/**
 * A registry entry for artifact JSON. With `summary` (just trained by our worker, which computed it) the text is
 * trusted and not parsed now; without (read back from the database) it is parsed for the summary, and validated,
 * hash included, when the model is first built.
 */
export function customEntry(artifactJson: string, summary?: ModelSummary): RegisteredModel {
  const trusted = summary !== undefined;
  let model: LanguageModel | undefined;
  let loading: Promise<LanguageModel> | undefined;
  return {
    summary: { ...(summary ?? artifactSummary(JSON.parse(artifactJson) as NgramArtifact)), custom: true },
    artifactJson,
    get model(): LanguageModel {
      if (!model) {
        const json: unknown = JSON.parse(artifactJson);
        model = trusted ? ngramModel(json as NgramArtifact) : modelFromArtifact(json);
      }
      return model;
    },
    // [OFF1] the same model, built in a worker_thread: a round start awaits this before it reads `model`
    load(): Promise<LanguageModel> {
      if (model) return Promise.resolve(model);
      loading ??= buildModelOffThread(artifactJson, trusted).then(
        (built) => (model ??= built),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
  };
}

/** Registry loader for ids this process does not know: custom ids only, from the database. */
export function customModelLoader(store: CustomModelStore) {
  return async (id: string): Promise<RegisteredModel | null> => {
    if (!CUSTOM_ID_PATTERN.test(id)) return null;
    const row = await store.find(id);
    return row ? customEntry(row.artifact) : null;
  };
}

/**
 * Start-up: adds every stored custom model to the registry and makes the registry look up unknown custom ids
 * in the database (models trained by another process after this one started). Returns how many were loaded.
 */
export async function loadCustomModels(
  registry: ModelRegistry,
  prisma: PrismaClient,
  log?: Logger,
): Promise<number> {
  const store = new CustomModelStore(prisma);
  registry.setLoader(customModelLoader(store));
  let loaded = 0;
  for (const row of await store.all()) {
    try {
      registry.add(customEntry(row.artifact));
      loaded++;
    } catch (error) {
      log?.warn(`custom model ${row.id} is unreadable and was skipped: ${String(error)}`);
    }
  }
  return loaded;
}
