/**
 * Worker entry (started by model-builder.ts, which posts it `{ artifactJson, trusted }`): parses the artifact
 * (validating it, hash included, unless our own training worker just made it) and builds its indexes
 * (compileNgram: seconds for a large order-5 model), then hands them over without copying (transfer list).
 */
import { parentPort } from "node:worker_threads";
import { compiledBuffers, compileNgram, type NgramArtifact, parseNgramArtifact } from "@tokenroom/shared";
import type { BuildRequest, BuildResult } from "./model-builder.ts";

function build({ artifactJson, trusted }: BuildRequest): { result: BuildResult; transfer: ArrayBuffer[] } {
  try {
    const json: unknown = JSON.parse(artifactJson);
    const artifact = trusted ? (json as NgramArtifact) : parseNgramArtifact(json);
    const compiled = compileNgram(artifact);
    const { id, hash, vocab, tokenizer } = artifact;
    return {
      result: { ok: true, artifact: { id, hash, vocab, tokenizer }, compiled },
      transfer: compiledBuffers(compiled),
    };
  } catch (error) {
    return {
      result: { ok: false, message: error instanceof Error ? error.message : String(error) },
      transfer: [],
    };
  }
}

parentPort?.once("message", (request: BuildRequest) => {
  const { result, transfer } = build(request);
  parentPort?.postMessage(result, transfer);
});
