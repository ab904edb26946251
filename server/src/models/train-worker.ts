/**
 * Worker entry (started by trainer.ts with a TrainJob as workerData): checks that the text has enough tokens and
 * [TL1] not too many distinct ones, trains it with trainNgram and posts progress, then the artifact as file text
 * ([TL1] unless it is over the size limit). Seconds of counting happen here, never on the server's event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import {
  serializeArtifact,
  tokenizeLines,
  tokenizerFor,
  trainNgram,
  trainWithoutHeldOut,
  type TrainStage,
} from "@tokenroom/shared";
import { artifactSummary } from "./registry.ts";
import { checkArtifactBytes, checkTokens } from "./text-check.ts";
import type { TrainJob, WorkerMessage } from "./trainer.ts";

/** Progress is posted when the stage changes or the fraction moved by this much. */
const STEP = 0.02;

const job = workerData as TrainJob;
const post = (message: WorkerMessage): void => parentPort?.postMessage(message);

const problem = checkTokens(tokenizeLines(tokenizerFor(job.tokenizer), job.text), job.tokenizer);
if (problem) {
  post({ type: "rejected", message: problem });
} else {
  post({ type: "accepted" });
  let stage: TrainStage | null = null;
  let last = 0;
  const artifact = (job.withoutHeldOut ? trainWithoutHeldOut : trainNgram)(job.text, {
    id: job.id,
    name: job.name,
    description: job.description,
    order: job.order,
    tokenizer: job.tokenizer,
    heldOutEvery: job.heldOutEvery,
    onProgress: (current, fraction) => {
      if (current === stage && fraction - last < STEP && fraction < 1) return;
      stage = current;
      last = fraction;
      post({ type: "progress", stage: current, progress: Math.round(fraction * 1000) / 1000 });
    },
  });
  const artifactJson = serializeArtifact(artifact);
  const tooLarge = checkArtifactBytes(Buffer.byteLength(artifactJson, "utf8"), job.order);
  if (tooLarge) post({ type: "rejected", message: tooLarge });
  else post({ type: "done", artifactJson, summary: artifactSummary(artifact) });
}
