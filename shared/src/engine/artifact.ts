/**
 * The n-gram model artifact (docs/engine.md "Artifact format"): a content-hashed JSON file holding the vocabulary,
 * the discounts and only the highest-order n-gram counts. Untrusted input goes through parseNgramArtifact.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import { BOS, EOS, UNK } from "./types.ts";

export const NGRAM_FORMAT = "tokenroom-ngram";
export const NGRAM_VERSION = 1;
/** Fixed vocabulary prefix: ids 0, 1, 2. */
export const EOS_ID = 0;
export const BOS_ID = 1;
export const UNK_ID = 2;
export const MAX_ORDER = 8;
export const MAX_VOCAB = 1_000_000;
export const MAX_NGRAMS = 5_000_000;
/** Model ids appear in URLs and file names. */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

const heldOutSchema = z.strictObject({
  lines: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  oov: z.number().int().nonnegative(),
  crossEntropyBits: z.number().nonnegative(),
  perplexity: z.number().min(1),
});

const trainingSchema = z.strictObject({
  lines: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  vocabSize: z.number().int().positive(),
  /** Null when the corpus had no line to hold out. */
  heldOut: heldOutSchema.nullable(),
});

/** Cross-field checks: special tokens, unique vocabulary, discounts per order, and the counts' layout. */
function checkStructure(a: NgramArtifactInput, ctx: z.RefinementCtx): void {
  const fail = (path: (string | number)[], message: string): void => {
    ctx.addIssue({ code: "custom", path, message });
  };
  if (a.vocab[EOS_ID] !== EOS || a.vocab[BOS_ID] !== BOS || a.vocab[UNK_ID] !== UNK) {
    return fail(["vocab"], `must start with "${EOS}", "${BOS}", "${UNK}"`);
  }
  if (new Set(a.vocab).size !== a.vocab.length) return fail(["vocab"], "entries must be unique");
  if (a.discounts.length !== a.order) return fail(["discounts"], `needs one discount per order (${a.order})`);
  if (a.training.vocabSize !== a.vocab.length)
    return fail(["training", "vocabSize"], "must equal vocab.length");
  const width = a.order + 1;
  if (a.counts.length % width !== 0)
    return fail(["counts"], `length must be a multiple of order + 1 (${width})`);
  const v = a.vocab.length;
  const c = a.counts;
  for (let start = 0; start < c.length; start += width) {
    const at = (message: string): void => fail(["counts", start], `n-gram ${start / width}: ${message}`);
    let inPadding = true;
    for (let j = 0; j < a.order; j++) {
      const id = c[start + j]!;
      if (!(Number.isInteger(id) && id >= 0 && id < v)) return at(`id ${id} is not in [0, ${v})`);
      const last = j === a.order - 1;
      if (id === BOS_ID && !inPadding) return at(`"${BOS}" may only pad the start`);
      if (id !== BOS_ID) inPadding = false;
      if (id === EOS_ID && !last) return at(`"${EOS}" may only be predicted`);
      if (last && (id === BOS_ID || id === UNK_ID)) return at(`"${a.vocab[id]}" is never predicted`);
    }
    const count = c[start + a.order]!;
    if (!(Number.isSafeInteger(count) && count > 0)) return at(`count ${count} is not a positive integer`);
    if (start > 0 && compareAt(c, start - width, start, a.order) >= 0) return at("not sorted or duplicated");
  }
}

/** Lexicographic comparison of the `len` ids at offsets i and j. */
function compareAt(c: ArrayLike<number>, i: number, j: number, len: number): number {
  for (let k = 0; k < len; k++) {
    const d = c[i + k]! - c[j + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

const artifactFields = {
  format: z.literal(NGRAM_FORMAT),
  version: z.literal(NGRAM_VERSION),
  id: z.string().regex(MODEL_ID_PATTERN, "lower-case letters, digits and dashes, at most 64"),
  name: z.string().min(1).max(200),
  description: z.string().max(2000),
  tokenizer: z.enum(["word", "char"]),
  order: z.number().int().min(1).max(MAX_ORDER),
  vocab: z.array(z.string().min(1).max(200)).min(3).max(MAX_VOCAB),
  /** discounts[n - 1] is the absolute discount D_n of order n. */
  discounts: z.array(z.number().gt(0).lt(1)),
  /** Flat: for each highest-order n-gram, its `order` ids then its count; sorted lexicographically by ids. */
  counts: z.array(z.number()).max(MAX_NGRAMS * (MAX_ORDER + 1)),
  training: trainingSchema,
};

type NgramArtifactInput = z.infer<z.ZodObject<typeof artifactFields>>;

/** Validates an untrusted artifact's shape and structure (not its hash: see parseNgramArtifact). */
export const ngramArtifactSchema = z
  .strictObject({ ...artifactFields, hash: z.string().regex(/^[0-9a-f]{64}$/, "hex sha-256") })
  .superRefine(checkStructure);

export type NgramArtifact = z.infer<typeof ngramArtifactSchema>;
export type UnhashedNgramArtifact = Omit<NgramArtifact, "hash">;
export type NgramTrainingStats = NgramArtifact["training"];
export type HeldOutStats = NonNullable<NgramTrainingStats["heldOut"]>;

/** JSON with object keys sorted (by UTF-16 code units) at every depth and no whitespace; finite numbers only. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`canonicalJson: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
}

/** hex sha-256 of the canonical JSON of the artifact without its `hash` field. */
export function artifactHash(artifact: UnhashedNgramArtifact | NgramArtifact): string {
  const { hash: _ignored, ...rest } = artifact as NgramArtifact;
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(rest))));
}

/** The artifact with its hash filled in. */
export function withHash(artifact: UnhashedNgramArtifact): NgramArtifact {
  return { ...artifact, hash: artifactHash(artifact) };
}

/** Validates untrusted JSON as an n-gram artifact and re-checks its hash. Throws an Error with one line. */
export function parseNgramArtifact(json: unknown): NgramArtifact {
  const result = ngramArtifactSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "artifact";
    throw new Error(`invalid n-gram artifact: ${where}: ${issue?.message ?? "malformed"}`);
  }
  const expected = artifactHash(result.data);
  if (expected !== result.data.hash) {
    throw new Error(
      `n-gram artifact hash mismatch: it says ${result.data.hash.slice(0, 12)}…, content is ${expected.slice(0, 12)}…`,
    );
  }
  return result.data;
}

/**
 * The artifact as file text: one top-level field per line, metadata first, counts last; deterministic.
 * (The hash covers the canonical JSON, not this layout.)
 */
export function serializeArtifact(artifact: NgramArtifact): string {
  const order: (keyof NgramArtifact)[] = [
    "format",
    "version",
    "id",
    "name",
    "description",
    "tokenizer",
    "order",
    "training",
    "discounts",
    "hash",
    "vocab",
    "counts",
  ];
  const lines = order.map((key) => `${JSON.stringify(key)}:${canonicalJson(artifact[key])}`);
  return `{\n${lines.join(",\n")}\n}\n`;
}
