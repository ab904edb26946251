export * from "./types.ts";
export * from "./prng.ts";
export {
  applyTemperature,
  logSumExp,
  settingsError,
  softmax,
  TOP_P_TOLERANCE,
  topK,
  topP,
} from "./decoding-steps.ts";
export * from "./decoding.ts";
export * from "./decoder.ts";
export * from "./sampling.ts";
export * from "./info.ts";
export * from "./toy.ts";
export * from "./tokenizer.ts";
export {
  artifactHash,
  canonicalJson,
  MODEL_ID_PATTERN,
  NGRAM_FORMAT,
  ngramArtifactSchema,
  parseNgramArtifact,
  serializeArtifact,
  type HeldOutStats,
  type NgramArtifact,
  type NgramTrainingStats,
} from "./artifact.ts";
export { compiledBuffers, type CompiledNgram, compileNgram } from "./ngram-compile.ts";
export { ngramModel, ngramModelFromCompiled } from "./ngram.ts";
export { trainNgram, trainWithoutHeldOut, type TrainNgramOptions, type TrainStage } from "./ngram-train.ts";
export * from "./evaluate.ts";
export * from "./models.ts";
export * from "./scoring.ts";
export * from "./expected-kl.ts";
export * from "./model-sampler.ts";
export * from "./be-model.ts";
export * from "./be-model-passage.ts";
export * from "./be-model-heldout.ts";
