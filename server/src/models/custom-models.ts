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

export interface CustomModelRow {
  id: string;
  hash: string;
  name: string;
  artifact: string;
  createdAt: Date;
  createdBySession: string | null;
}

/** The `custom_models` table, and `custom_model_owners`: which sessions may see each model. */
export class CustomModelStore {
  constructor(private readonly prisma: PrismaClient) {}

  find(id: string): Promise<CustomModelRow | null> {
    return this.prisma.customModel.findUnique({ where: { id } });
  }

  all(): Promise<CustomModelRow[]> {
    return this.prisma.customModel.findMany({ orderBy: { createdAt: "asc" } });
  }

  /** Every stored id (the admin's listing), oldest first. */
  async ids(): Promise<string[]> {
    const rows = await this.prisma.customModel.findMany({
      select: { id: true },
      orderBy: { createdAt: "asc" },
    });
    return rows.map((r) => r.id);
  }

  /** The ids of the models a session trained (or trained again: the same text is stored once), oldest first. */
  async owned(sessionId: string): Promise<string[]> {
    const rows = await this.prisma.customModelOwner.findMany({
      where: { sessionId },
      select: { modelId: true },
      orderBy: { createdAt: "asc" },
    });
    return rows.map((r) => r.modelId);
  }

  async owns(sessionId: string, modelId: string): Promise<boolean> {
    return (await this.prisma.customModelOwner.count({ where: { sessionId, modelId } })) > 0;
  }

  /** Makes a stored model visible to the session (idempotent). False when the model is not stored (deleted). */
  async own(modelId: string, sessionId: string): Promise<boolean> {
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO custom_model_owners (model_id, session_id)
       SELECT id, $2 FROM custom_models WHERE id = $1 ON CONFLICT DO NOTHING`,
      modelId,
      sessionId,
    );
    return this.owns(sessionId, modelId);
  }

  /**
   * Takes the model away from one session; the stored model is deleted with its last owner. Returns whether the
   * session owned it and whether the stored model is gone.
   */
  async disown(modelId: string, sessionId: string): Promise<{ owned: boolean; deleted: boolean }> {
    const { count } = await this.prisma.customModelOwner.deleteMany({ where: { modelId, sessionId } });
    if (count === 0) return { owned: false, deleted: false };
    const deleted = await this.prisma.$executeRawUnsafe(
      `DELETE FROM custom_models WHERE id = $1
       AND NOT EXISTS (SELECT 1 FROM custom_model_owners WHERE model_id = $1)`,
      modelId,
    );
    return { owned: true, deleted: deleted > 0 };
  }

  /** Deletes the stored model for every session (the admin). Returns whether it existed. */
  async remove(modelId: string): Promise<boolean> {
    const { count } = await this.prisma.customModel.deleteMany({ where: { id: modelId } });
    return count > 0;
  }

  /** Whether a round of the session that is not closed uses the model (its phones may download it). */
  async inOpenRound(sessionId: string, modelId: string): Promise<boolean> {
    return (await this.prisma.round.count({ where: { sessionId, modelId, closedAt: null } })) > 0;
  }

  /**
   * Stores a model once. Returns the row that is stored under its id: this one, or the one a concurrent
   * identical upload stored first. (Raw SQL: Prisma's createMany takes seconds over a multi-megabyte string.)
   */
  async insert(row: Omit<CustomModelRow, "createdAt">): Promise<Pick<CustomModelRow, "hash" | "artifact">> {
    const inserted = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO custom_models (id, hash, name, artifact, created_by_session) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING id`,
      row.id,
      row.hash,
      row.name,
      row.artifact,
      row.createdBySession,
    );
    if (inserted.length > 0) return row;
    const stored = await this.find(row.id);
    if (!stored) throw new Error(`custom model ${row.id} was neither stored nor found`);
    return stored;
  }
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
