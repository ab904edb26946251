/**
 * The protocol's limits and the room-code alphabet: plain constants, apart from the zod schemas that use them
 * (schemas.ts), so that a page that needs only these (the phone's) does not load zod.
 */
export const LIMITS = {
  roomCodeLength: 6,
  nicknameMax: 24,
  titleMax: 80,
  promptMaxChars: 400,
  promptMaxTokens: 80,
  completionMaxTokens: 40,
  temperatureMax: 10,
  samplesPerBatch: 100,
  /**
   * [SW1] A participant's fresh sample indices must lie in [nextIndex, nextIndex + sampleWindow), nextIndex being the
   * lowest index not yet stored (a batch's own in-order samples move it along). One full batch: see docs/security.md.
   */
  sampleWindow: 100,
  /** "Be the model": a pasted passage, and how many of its words a series predicts. */
  passageMaxChars: 2000,
  beModelWordsMax: 20,
  /** [TM1] An optional round timer: 10 s (short enough for a browser test) to 10 minutes. */
  timerSecondsMin: 10,
  timerSecondsMax: 600,
  /** socket.io's maxHttpBufferSize: larger messages are dropped and the socket closed. */
  maxMessageBytes: 64 * 1024,
} as const;

/** Room codes use an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B). */
export const ROOM_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679";
