/**
 * Worker entry (started by trainer.ts with a WorkerInput as workerData). A check: the raw body of a training
 * request through checkTrainBody, answered with "checked". A TrainJob: checks that the text has enough tokens and
 * [TL1] not too many distinct ones, trains it with trainNgram and posts progress, then the artifact as file text
 * ([TL1] unless it is over the size limit). Decoding, parsing and counting happen here, never on the server's
 * event loop.
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
import { checkArtifactBytes, checkTokens, checkTrainBody } from "./text-check.ts";
import type { TrainJob, WorkerInput, WorkerMessage } from "./trainer.ts";

/** Progress is posted when the stage changes or the fraction moved by this much. */
const STEP = 0.02;

const input = workerData as WorkerInput;
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void =>
  parentPort?.postMessage(message, transfer);

if ("check" in input) {
  const check = checkTrainBody(input.check, input.charset);
  post({ type: "checked", check }, check.ok ? [check.request.text.buffer as ArrayBuffer] : []);
} else train(input);

function train(job: TrainJob): void {
  const text = typeof job.text === "string" ? job.text : new TextDecoder().decode(job.text);
  const problem = checkTokens(tokenizeLines(tokenizerFor(job.tokenizer), text), job.tokenizer);
  if (problem) return post({ type: "rejected", message: problem });
  post({ type: "accepted" });
  let stage: TrainStage | null = null;
  let last = 0;
  const artifact = (job.withoutHeldOut ? trainWithoutHeldOut : trainNgram)(text, {
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
