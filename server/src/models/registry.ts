/** The models this server offers: the built-in toy plus every artifact in shared/models. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  builtinModels,
  Decoder,
  type DecodingSettings,
  type LanguageModel,
  type ModelSummary,
  modelFromArtifact,
} from "@tokenroom/shared";

export const SHIPPED_MODELS_DIR = fileURLToPath(new URL("../../../shared/models", import.meta.url));

export interface RegisteredModel {
  summary: ModelSummary;
  model: LanguageModel;
  /** The artifact as served to phones (null for built-ins, which phones have in their bundle). */
  artifactJson: string | null;
}

export class ModelRegistry {
  private readonly models = new Map<string, RegisteredModel>();
  private readonly decoders = new Map<string, Decoder>();

  add(entry: RegisteredModel): void {
    this.models.set(entry.summary.id, entry);
  }

  get(id: string): RegisteredModel | undefined {
    return this.models.get(id);
  }

  list(): ModelSummary[] {
    return [...this.models.values()].map((m) => m.summary);
  }

  /** One cached Decoder per (model, settings), shared by every round that uses them. */
  decoder(model: LanguageModel, settings: DecodingSettings): Decoder {
    const key = `${model.id}@${model.hash}|${settings.temperature}|${settings.topK}|${settings.topP}`;
    let decoder = this.decoders.get(key);
    if (!decoder) {
      if (this.decoders.size >= 64) this.decoders.delete(this.decoders.keys().next().value!);
      decoder = new Decoder(model, settings, { maxCachedTokens: 500_000 });
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
    const json = JSON.parse(text) as { name: string; description: string; order: number };
    const model = modelFromArtifact(json);
    registry.add({
      summary: {
        id: model.id,
        name: json.name,
        description: json.description,
        hash: model.hash,
        vocabSize: model.vocab.length,
        order: json.order,
        tokenizer: model.tokenizer.kind,
      },
      model,
      artifactJson: text,
    });
  }
  return registry;
}
