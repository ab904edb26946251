/**
 * Node-side model loading, shared by the CLI and (later) the server: a built-in id, an id of an artifact in
 * shared/models/<id>.json, or a path to an artifact file. Artifacts are validated and hash-checked.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MODEL_ID_PATTERN, parseNgramArtifact, type NgramArtifact } from "../../src/engine/artifact.ts";
import { builtinModels } from "../../src/engine/models.ts";
import { ngramModel } from "../../src/engine/ngram.ts";
import type { LanguageModel } from "../../src/engine/types.ts";
import { UserError } from "./errors.ts";

/** shared/models: where built artifacts live. */
export const MODELS_DIR = fileURLToPath(new URL("../../models/", import.meta.url));

/** Reads, validates and hash-checks an artifact file. */
export function readArtifact(path: string): NgramArtifact {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UserError(`cannot read model file ${path}`, "check the path");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`model file ${path} is not valid JSON`, "rebuild it with pnpm engine train");
  }
  try {
    return parseNgramArtifact(json);
  } catch (error) {
    throw new UserError(`${path}: ${(error as Error).message}`, "rebuild it with pnpm engine train");
  }
}

/** Artifact files in a models directory, sorted by name. */
export function artifactFiles(dir = MODELS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => join(dir, file));
}

/** Ids that `loadModel` accepts by name. */
export function knownModelIds(dir = MODELS_DIR): string[] {
  return [...builtinModels.map((m) => m.id), ...artifactFiles(dir).map((file) => basename(file, ".json"))];
}

/** A model by built-in id, by artifact id in `dir`, or by file path. */
export function loadModel(ref: string, dir = MODELS_DIR): LanguageModel {
  const builtin = builtinModels.find((m) => m.id === ref);
  if (builtin) return builtin.create();
  const byId = MODEL_ID_PATTERN.test(ref) ? join(dir, `${ref}.json`) : undefined;
  if (byId !== undefined && existsSync(byId)) return ngramModel(readArtifact(byId));
  if (ref.endsWith(".json") || ref.includes("/")) {
    if (!existsSync(ref)) throw new UserError(`model file ${ref} does not exist`, "check the path");
    return ngramModel(readArtifact(ref));
  }
  throw new UserError(
    `unknown model "${ref}"`,
    `known models: ${knownModelIds(dir).join(", ")}; or pass a .json path`,
  );
}
