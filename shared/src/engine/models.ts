/**
 * Model registry: the built-in models, and models built from (untrusted) artifact JSON.
 */
import { NGRAM_FORMAT, parseNgramArtifact } from "./artifact.ts";
import { ngramModel } from "./ngram.ts";
import { createToyModel } from "./toy.ts";
import type { LanguageModel } from "./types.ts";

export interface BuiltinModel {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** n, for n-gram models. */
  readonly order?: number;
  create(): LanguageModel;
}

/** Models that need no artifact. */
export const builtinModels: readonly BuiltinModel[] = Object.freeze([
  Object.freeze({
    id: "toy",
    name: "Toy bigram (CS324 lecture 1)",
    description: "The lecture's five-word model: ate, ball, cheese, mouse, the.",
    order: 2,
    create: createToyModel,
  }),
]);

/** A fresh instance of the built-in model `id`, or undefined. */
export function builtinModel(id: string): LanguageModel | undefined {
  return builtinModels.find((m) => m.id === id)?.create();
}

/** Validates artifact JSON (shape, structure and hash) and builds its model. Throws a one-line Error. */
export function modelFromArtifact(json: unknown): LanguageModel {
  const format =
    typeof json === "object" && json !== null ? (json as { format?: unknown }).format : undefined;
  if (format !== NGRAM_FORMAT) {
    throw new Error(
      `unsupported model artifact format ${JSON.stringify(format) ?? "(none)"} (expected "${NGRAM_FORMAT}")`,
    );
  }
  return ngramModel(parseNgramArtifact(json));
}
