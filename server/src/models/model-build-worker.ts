/**
 * Worker entry (started by model-builder.ts with `{ artifactJson, trusted }` as workerData): parses the artifact
 * (validating it, hash included, unless our own training worker just made it) and builds its indexes
 * (compileNgram: seconds for a large order-5 model), then hands them over without copying (transfer list).
 */
import { parentPort, workerData } from "node:worker_threads";
import { compiledBuffers, compileNgram, type NgramArtifact, parseNgramArtifact } from "@tokenroom/shared";
import type { BuildRequest, BuildResult } from "./model-builder.ts";

const { artifactJson, trusted } = workerData as BuildRequest;
let result: BuildResult;
let transfer: ArrayBuffer[] = [];
try {
  const json: unknown = JSON.parse(artifactJson);
  const artifact = trusted ? (json as NgramArtifact) : parseNgramArtifact(json);
  const compiled = compileNgram(artifact);
  transfer = compiledBuffers(compiled);
  const { id, hash, vocab, tokenizer } = artifact;
  result = { ok: true, artifact: { id, hash, vocab, tokenizer }, compiled };
} catch (error) {
  result = { ok: false, message: error instanceof Error ? error.message : String(error) };
}
parentPort?.postMessage(result, transfer);
