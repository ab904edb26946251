/**
 * [OFF1] Builds a custom model's LanguageModel off the event loop: JSON.parse of its artifact and its indexes
 * (compileNgram) run in a worker_thread (model-build-worker.ts), which transfers the typed arrays back; only
 * wrapping them (ngramModelFromCompiled) happens here. A large order-5 model takes seconds to index.
 */
import { Worker } from "node:worker_threads";
import {
  type CompiledNgram,
  type LanguageModel,
  type NgramArtifact,
  ngramModelFromCompiled,
} from "@tokenroom/shared";
import { workerSource } from "../worker-source.ts";

export interface BuildRequest {
  artifactJson: string;
  /** Made by our own training worker: not validated again. */
  trusted: boolean;
}

export type BuildResult =
  | {
      ok: true;
      artifact: Pick<NgramArtifact, "id" | "hash" | "vocab" | "tokenizer">;
      compiled: CompiledNgram;
    }
  | { ok: false; message: string };

/** The model of `artifactJson`, built in a worker; rejects if the artifact is invalid or the worker fails. */
export function buildModelOffThread(artifactJson: string, trusted: boolean): Promise<LanguageModel> {
  return new Promise((resolve, reject) => {
    const source = workerSource("model-build-worker");
    // the artifact goes as a message, not as workerData: the Worker constructor serializes workerData on the
    // event loop (about 80 ms for a 24 MB artifact, measured), a posted string costs a few ms
    const worker = new Worker(source.code, { eval: source.eval, execArgv: [] });
    worker.postMessage({ artifactJson, trusted } satisfies BuildRequest);
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      outcome();
    };
    worker.once("message", (m: BuildResult) =>
      finish(() =>
        m.ok ? resolve(ngramModelFromCompiled(m.artifact, m.compiled)) : reject(new Error(m.message)),
      ),
    );
    worker.once("error", (error) => finish(() => reject(error)));
    worker.once("exit", (code) =>
      finish(() => reject(new Error(`the model build worker exited with code ${code}`))),
    );
  });
}
