/**
 * What "Train from your own text" accepts: the request body, and checks of the text that say what to do
 * when it cannot be used. All of them run in a training worker (train-worker.ts), never on the event loop: those
 * of the body (checkTrainBody) before the request handler decides to train, the token count (checkTokens) and
 * the artifact size (checkArtifactBytes) in the training itself.
 */
import { z } from "zod";
import { type TokenizerKind, unicodeString } from "@tokenroom/shared";
import { customModelId } from "./custom-models.ts";

export const TRAIN_LIMITS = {
  /** UTF-8 bytes of text. */
  maxTextBytes: 2 * 1024 * 1024,
  /** JSON body: the text plus escapes (newlines, quotes) and the other fields. */
  maxBodyBytes: 2.5 * 1024 * 1024,
  minTokens: 50,
  minLines: 2,
  maxOrder: 5,
  /**
   * [TL1] Distinct tokens (the vocabulary) a trained model may have. A 2 MB English novel has about 20,000–30,000
   * distinct lower-cased words, a 2 MB Chinese text (char tokenizer) a few thousand characters; 2 MB of random
   * words about 190,000–300,000, whose decoded steps (every token of the vocabulary at top-k 0) each cost
   * milliseconds.
   */
  maxVocab: 50_000,
  /**
   * [TL1] UTF-8 bytes of a trained model's artifact (JSON). 2 MB of text at order 5 gives 9–13 MB (novel-like words
   * ~9 MB, random words from 49,000 ~11 MB, Chinese ~13 MB); only this check needs the model trained first.
   */
  maxArtifactBytes: 20 * 1024 * 1024,
  maxNameLength: 80,
  /** Share of control or replacement characters above which a text is taken for a binary file. */
  maxBadCharRatio: 0.01,
} as const;

export const trainRequestSchema = z.object({
  text: z.string({ error: "send the text to train on as `text`" }).pipe(unicodeString()),
  tokenizer: z.enum(["word", "char"], { error: 'tokenizer is "word" or "char" (for Chinese)' }),
  order: z
    .number()
    .int()
    .min(1)
    .max(TRAIN_LIMITS.maxOrder, { error: `order is an integer from 1 to ${TRAIN_LIMITS.maxOrder}` }),
  name: unicodeString().trim().max(TRAIN_LIMITS.maxNameLength).optional(),
});
export type TrainRequest = z.infer<typeof trainRequestSchema>;

export const TEXT_MESSAGES = {
  empty: "the text is empty: paste at least a few sentences",
  tooLarge: "the text is larger than 2 MB: upload a shorter text (split a long book into parts)",
  binary: "this looks like a binary file: upload plain text (.txt, UTF-8)",
} as const;

/** A problem with the text itself: HTTP status and message. */
export interface TextProblem {
  status: 400 | 413;
  message: string;
}

/** Line endings as \n and no surrounding whitespace: texts that train the same model get the same id. */
export const normalizeText = (text: string): string => text.replace(/\r\n?/g, "\n").trim();

/** NUL anywhere, or more than 1% of C0/C1 control characters (besides tab, newlines, form feed) and U+FFFD. */
export function looksBinary(text: string): boolean {
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (
      (c < 32 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13) ||
      (c >= 127 && c < 160) ||
      c === 0xfffd
    )
      bad++;
  }
  return bad > text.length * TRAIN_LIMITS.maxBadCharRatio;
}

/** [TL1] A trained artifact over TRAIN_LIMITS.maxArtifactBytes: what to do; null if it fits. */
export function checkArtifactBytes(bytes: number, order: number): string | null {
  if (bytes <= TRAIN_LIMITS.maxArtifactBytes) return null;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return (
    `the trained model is ${mb(bytes)} MB; the limit is ${mb(TRAIN_LIMITS.maxArtifactBytes)} MB: ` +
    (order > 2 ? `train with a lower order (now ${order}) or on a shorter text` : "train on a shorter text")
  );
}

/** The checks that need no tokenizer, in the order a user would fix them. */
export function checkText(text: string): TextProblem | null {
  if (Buffer.byteLength(text, "utf8") > TRAIN_LIMITS.maxTextBytes)
    return { status: 413, message: TEXT_MESSAGES.tooLarge };
  if (text.trim() === "") return { status: 400, message: TEXT_MESSAGES.empty };
  if (looksBinary(text)) return { status: 400, message: TEXT_MESSAGES.binary };
  return null;
}

const count = (n: number): string => n.toLocaleString("en-US");

/**
 * Enough to learn from (at least 50 tokens on at least 2 non-empty lines), and [TL1] not more distinct tokens than
 * TRAIN_LIMITS.maxVocab.
 */
export function checkTokens(lines: readonly (readonly string[])[], tokenizer: TokenizerKind): string | null {
  const tokens = lines.reduce((sum, line) => sum + line.length, 0);
  if (tokens >= TRAIN_LIMITS.minTokens && lines.length >= TRAIN_LIMITS.minLines) {
    const distinct = new Set<string>();
    for (const line of lines) for (const token of line) distinct.add(token);
    if (distinct.size <= TRAIN_LIMITS.maxVocab) return null;
    const what = tokenizer === "word" ? "words" : "tokens";
    return (
      `this text has ${count(distinct.size)} distinct ${what}; the limit is ${count(TRAIN_LIMITS.maxVocab)}: ` +
      (tokenizer === "word"
        ? "train on a shorter text or use the char tokenizer"
        : "train on a shorter text (or one with fewer different words and characters)")
    );
  }
  return (
    `this text has ${tokens} token${tokens === 1 ? "" : "s"} on ${lines.length} line${lines.length === 1 ? "" : "s"}: ` +
    `paste at least a few sentences (${TRAIN_LIMITS.minTokens} tokens on ${TRAIN_LIMITS.minLines} or more lines)`
  );
}

/** What a body that is not a training request is told. */
export const BODY_MESSAGES = {
  /** Not JSON, not in a UTF charset, or not an object or array. */
  notJson: "the body is not valid JSON",
  /** Not sent as application/json. */
  sendJson: 'send JSON: { text, tokenizer: "word" | "char", order: 1-5, name? }',
} as const;

/** "Your text: once upon a time, there was a…" */
export function defaultName(text: string): string {
  const head = Array.from(text.slice(0, 200).replace(/\s+/g, " "));
  return `Your text: ${head.length > 32 ? `${head.slice(0, 32).join("").trimEnd()}…` : head.join("")}`;
}

/** A training request that passed the checks of the request handler: its normalized text as UTF-8. */
export interface CheckedTrainRequest {
  /** customModelId of the normalized text and options. */
  id: string;
  /** The given name, or defaultName of the text. */
  name: string;
  tokenizer: TokenizerKind;
  order: number;
  /** normalizeText of the text, UTF-8 (its own ArrayBuffer, to be transferred). */
  text: Uint8Array;
}

export type TrainBodyCheck = { ok: true; request: CheckedTrainRequest } | { ok: false; problem: TextProblem };

/**
 * The checks of POST /api/models/train on its raw body, in the training worker (train-worker.ts) so that the event
 * loop never decodes, parses or scans a 2 MB text: decode (`charset`, UTF-8 by default; invalid bytes become
 * U+FFFD), parse as express.json (strict: an object or array), the schema, checkText, then normalize and name it
 * and compute its id (customModelId). Answers as the handler did when express.json parsed the body.
 */
export function checkTrainBody(body: Uint8Array, charset: string): TrainBodyCheck {
  const refuse = (message: string, status: 400 | 413 = 400): TrainBodyCheck => ({
    ok: false,
    problem: { status, message },
  });
  let json: string;
  try {
    json = new TextDecoder(charset).decode(body);
  } catch {
    return refuse(BODY_MESSAGES.notJson); // a charset TextDecoder does not know
  }
  let value: unknown = {}; // express.json: an empty body is {}
  if (json.length > 0) {
    // express.json's strict mode: only an object or an array
    const first = /^[ \t\n\r]*([^ \t\n\r])/.exec(json)?.[1];
    if (first !== "{" && first !== "[") return refuse(BODY_MESSAGES.notJson);
    try {
      value = JSON.parse(json);
    } catch {
      return refuse(BODY_MESSAGES.notJson);
    }
  }
  if (typeof value !== "object" || value === null) return refuse(BODY_MESSAGES.sendJson);
  const parsed = trainRequestSchema.safeParse(value);
  if (!parsed.success) return refuse(parsed.error.issues[0]?.message ?? "invalid request");
  const bad = checkText(parsed.data.text);
  if (bad) return { ok: false, problem: bad };
  const text = normalizeText(parsed.data.text);
  const { tokenizer, order } = parsed.data;
  return {
    ok: true,
    request: {
      id: customModelId({ text, tokenizer, order }),
      name: parsed.data.name || defaultName(text),
      tokenizer,
      order,
      text: new TextEncoder().encode(text),
    },
  };
}
