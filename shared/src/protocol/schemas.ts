/**
 * zod schemas for every client → server payload. The server treats every payload as `unknown`
 * and parses it with these; the inferred types are what clients send.
 */
import { z } from "zod";
import { LIMITS, ROOM_CODE_ALPHABET } from "./limits.ts";

export { LIMITS, ROOM_CODE_ALPHABET };

/**
 * [H4] Text that is valid Unicode: no lone UTF-16 surrogate ("a\ud800b" cannot be stored as UTF-8, and
 * PostgreSQL would refuse it deep inside a query). Every string a client sends is one of these.
 */
export const LONE_SURROGATE = /\p{Cs}/u;
export const INVALID_UNICODE_MESSAGE =
  "the text is not valid Unicode (it has a broken character); retype it or paste it again";
export const unicodeString = () => z.string().refine((s) => !LONE_SURROGATE.test(s), INVALID_UNICODE_MESSAGE);

const id = unicodeString().min(1).max(64);
const secret = unicodeString().min(16).max(128);

export const roomCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(
    new RegExp(`^[${ROOM_CODE_ALPHABET}]{${LIMITS.roomCodeLength}}$`),
    "a room code is 6 letters/digits",
  );

/** Nicknames: trimmed, inner whitespace collapsed, 1..24 characters, no control characters. */
export const nicknameSchema = unicodeString()
  .transform((s) => s.normalize("NFC").replace(/\s+/g, " ").trim())
  .pipe(
    z
      .string()
      .min(1, "choose a nickname")
      .max(LIMITS.nicknameMax, `a nickname has at most ${LIMITS.nicknameMax} characters`)
      .regex(/^[^\p{Cc}\p{Cf}]+$/u, "a nickname cannot contain control characters"),
  );

export const roundModeSchema = z.enum(["sample", "guess", "be-model"]);
export type RoundMode = z.infer<typeof roundModeSchema>;

export const roundSettingsSchema = z.strictObject({
  modelId: id,
  prompt: unicodeString().max(LIMITS.promptMaxChars),
  temperature: z.number().finite().min(0).max(LIMITS.temperatureMax),
  topK: z.number().int().min(0).max(1_000_000),
  topP: z.number().gt(0).max(1),
  maxTokens: z.number().int().min(1).max(LIMITS.completionMaxTokens),
  mode: roundModeSchema,
  /** Students see the live class chart before the reveal. */
  showClassChart: z.boolean().default(false),
  /**
   * [RV1] Sample rounds: the model's exact distribution stays hidden on the projector and in every phone's
   * "why this word?" dialog until the reveal (the class predicts, then sees). On unless a client says otherwise.
   */
  hideUntilReveal: z.boolean().default(true),
  /**
   * [TM1] Optional round timer in whole seconds (LIMITS.timerSecondsMin..Max), or null: no timer (the default,
   * so older clients and stored settings still parse). The countdown is shown only; the host still closes the round.
   */
  timerSeconds: z
    .number()
    .int()
    .min(LIMITS.timerSecondsMin)
    .max(LIMITS.timerSecondsMax)
    .nullable()
    .default(null),
  /** Guess rounds: how many of the theory's most probable tokens are candidates (plus "something else"). */
  guessCandidates: z.number().int().min(2).max(12).default(5),
  /** "Be the model" (SPEC [BM6]): a held-out passage of the model's corpus, or `passageText`. */
  passage: z.enum(["corpus", "text"]).default("corpus"),
  passageText: unicodeString().max(LIMITS.passageMaxChars).default(""),
  /** "Be the model": how many words of the passage the class predicts, one round each. */
  words: z.number().int().min(1).max(LIMITS.beModelWordsMax).default(5),
});
export type RoundSettingsInput = z.input<typeof roundSettingsSchema>;
export type RoundSettings = z.output<typeof roundSettingsSchema>;

export const createSessionSchema = z.strictObject({
  title: unicodeString().trim().max(LIMITS.titleMax).optional(),
});

export const hostAttachSchema = z.strictObject({ sessionId: id, hostKey: secret });
export const roundRefSchema = z.strictObject({ roundId: id });
export const lockSchema = z.strictObject({ locked: z.boolean() });
export const removeParticipantSchema = z.strictObject({ participantId: id });
export const emptySchema = z.strictObject({});

export const studentJoinSchema = z.strictObject({ code: roomCodeSchema, nickname: nicknameSchema });
export const studentResumeSchema = z.strictObject({ participantId: id, resumeToken: secret });

export const sampleSchema = z.strictObject({
  index: z.number().int().min(0).max(1_000_000_000),
  tokens: z.array(z.number().int().min(0).max(10_000_000)).min(1).max(LIMITS.completionMaxTokens),
});
export const sampleSubmitSchema = z.strictObject({
  roundId: id,
  samples: z.array(sampleSchema).min(1).max(LIMITS.samplesPerBatch),
});

/** A guess: one probability per candidate, in the round's candidate order, then "something else". */
export const guessSubmitSchema = z.strictObject({
  roundId: id,
  probs: z.array(z.number()).min(2).max(13),
});

export type GuessSubmit = z.infer<typeof guessSubmitSchema>;
export type HostAttach = z.infer<typeof hostAttachSchema>;
export type RoundRef = z.infer<typeof roundRefSchema>;
export type LockRequest = z.infer<typeof lockSchema>;
export type RemoveParticipant = z.infer<typeof removeParticipantSchema>;
export type StudentJoin = z.input<typeof studentJoinSchema>;
export type StudentResume = z.infer<typeof studentResumeSchema>;
export type SampleInput = z.infer<typeof sampleSchema>;
export type SampleSubmit = z.infer<typeof sampleSubmitSchema>;

/** Handshake `auth` of every socket. */
export const handshakeSchema = z.object({ protocol: z.number().int() });
