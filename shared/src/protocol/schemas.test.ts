import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { ErrorCode } from "./errors.ts";
import { CLIENT_EVENTS, type ClientToServerEvents } from "./events.ts";
import {
  guessSubmitSchema,
  handshakeSchema,
  hostAttachSchema,
  LIMITS,
  nicknameSchema,
  roomCodeSchema,
  type RoundSettings,
  roundSettingsSchema,
  type SampleSubmit,
  sampleSubmitSchema,
  studentJoinSchema,
  studentResumeSchema,
} from "./schemas.ts";

const passes = (schema: z.ZodType, value: unknown) => expect(schema.safeParse(value).success).toBe(true);
const fails = (schema: z.ZodType, value: unknown) => expect(schema.safeParse(value).success).toBe(false);

const settings = {
  modelId: "toy",
  prompt: "the",
  temperature: 0.8,
  topK: 4,
  topP: 0.95,
  maxTokens: 3,
  mode: "sample",
};

describe("protocol schemas", () => {
  it("normalises room codes and rejects look-alikes, wrong lengths and non-strings", () => {
    expect(roomCodeSchema.parse(" acdefg ")).toBe("ACDEFG");
    for (const bad of ["ACDEF", "ACDEFGH", "ACDEF0", "ACDEFO", "ACDEF1", "ACDEFS", "", 123456, null]) {
      fails(roomCodeSchema, bad);
    }
  });

  it("collapses nickname whitespace and rejects empty, overlong and control characters", () => {
    expect(nicknameSchema.parse("  Ada \t  Lovelace ")).toBe("Ada Lovelace");
    expect(nicknameSchema.parse("e\u0301")).toBe("\u00e9"); // NFC
    passes(nicknameSchema, "x".repeat(LIMITS.nicknameMax));
    fails(nicknameSchema, "x".repeat(LIMITS.nicknameMax + 1));
    fails(nicknameSchema, "   ");
    fails(nicknameSchema, "a\u0000b");
    fails(nicknameSchema, "a\u200eb"); // a format character (left-to-right mark)
    fails(nicknameSchema, 7);
  });

  it("accepts round settings with defaults and rejects each out-of-range field and unknown keys", () => {
    const parsed = roundSettingsSchema.parse(settings);
    expect(parsed.showClassChart).toBe(false);
    expect(parsed.hideUntilReveal).toBe(true);
    expect(parsed.timerSeconds).toBeNull(); // [TM1] off unless the host sets it
    expect(roundSettingsSchema.parse({ ...settings, timerSeconds: 10 }).timerSeconds).toBe(10);
    expect(parsed.guessCandidates).toBe(5);
    passes(roundSettingsSchema, { ...settings, temperature: 0, topK: 0, topP: 1, mode: "guess" });
    const bad: Record<string, unknown>[] = [
      { temperature: -0.1 },
      { temperature: LIMITS.temperatureMax + 0.1 },
      { temperature: Infinity },
      { temperature: NaN },
      { topK: 1.5 },
      { topK: -1 },
      { topP: 0 },
      { topP: 1.01 },
      { maxTokens: 0 },
      { maxTokens: LIMITS.completionMaxTokens + 1 },
      { mode: "chat" },
      { prompt: "x".repeat(LIMITS.promptMaxChars + 1) },
      { modelId: "" },
      { guessCandidates: 1 },
      { guessCandidates: 13 },
      { timerSeconds: LIMITS.timerSecondsMin - 1 },
      { timerSeconds: LIMITS.timerSecondsMax + 1 },
      { timerSeconds: 30.5 },
      { extra: 1 },
    ];
    for (const change of bad) fails(roundSettingsSchema, { ...settings, ...change });
    for (const key of Object.keys(settings)) {
      const { [key]: _dropped, ...rest } = settings as Record<string, unknown>;
      fails(roundSettingsSchema, rest);
    }
  });

  it("bounds sample batches: count, index, token ids, completion length, no extra keys", () => {
    const sample = { index: 0, tokens: [1, 2] };
    passes(sampleSubmitSchema, { roundId: "r", samples: [sample] });
    passes(sampleSubmitSchema, {
      roundId: "r",
      samples: Array.from({ length: LIMITS.samplesPerBatch }, (_, i) => ({ index: i, tokens: [1] })),
    });
    const bad: unknown[] = [
      { roundId: "r", samples: [] },
      {
        roundId: "r",
        samples: Array.from({ length: LIMITS.samplesPerBatch + 1 }, (_, i) => ({ index: i, tokens: [1] })),
      },
      { roundId: "r", samples: [{ index: -1, tokens: [1] }] },
      { roundId: "r", samples: [{ index: 0.5, tokens: [1] }] },
      { roundId: "r", samples: [{ index: 0, tokens: [] }] },
      { roundId: "r", samples: [{ index: 0, tokens: [-1] }] },
      { roundId: "r", samples: [{ index: 0, tokens: [1.5] }] },
      {
        roundId: "r",
        samples: [{ index: 0, tokens: Array<number>(LIMITS.completionMaxTokens + 1).fill(1) }],
      },
      { roundId: "r", samples: [{ index: 0, tokens: [1], extra: true }] },
      { roundId: "", samples: [sample] },
      { roundId: "x".repeat(65), samples: [sample] },
      { samples: [sample] },
      [{ roundId: "r", samples: [sample] }],
      null,
    ];
    for (const b of bad) fails(sampleSubmitSchema, b);
  });

  it("checks secrets, ids and guesses", () => {
    const key = "k".repeat(16);
    passes(hostAttachSchema, { sessionId: "s", hostKey: key });
    fails(hostAttachSchema, { sessionId: "s", hostKey: "k".repeat(15) });
    fails(hostAttachSchema, { sessionId: "s", hostKey: "k".repeat(129) });
    passes(studentResumeSchema, { participantId: "p", resumeToken: key });
    fails(studentResumeSchema, { participantId: "p", resumeToken: key, more: 1 });
    expect(studentJoinSchema.parse({ code: "acdefg", nickname: " Bo " })).toEqual({
      code: "ACDEFG",
      nickname: "Bo",
    });
    passes(guessSubmitSchema, { roundId: "r", probs: [0.5, 0.5] });
    fails(guessSubmitSchema, { roundId: "r", probs: [1] });
    fails(guessSubmitSchema, { roundId: "r", probs: Array<number>(14).fill(0) });
    passes(handshakeSchema, { protocol: 1 });
    fails(handshakeSchema, { protocol: "1" });
    fails(handshakeSchema, undefined);
  });

  it("types: inferred payloads are what the event maps take", () => {
    expectTypeOf<Parameters<ClientToServerEvents["sample:submit"]>[0]>().toEqualTypeOf<SampleSubmit>();
    expectTypeOf<RoundSettings["showClassChart"]>().toEqualTypeOf<boolean>();
    expectTypeOf<(typeof CLIENT_EVENTS)[number]>().toEqualTypeOf<keyof ClientToServerEvents>();
    expectTypeOf<ErrorCode>().toExtend<string>();
    expect(new Set(CLIENT_EVENTS).size).toBe(CLIENT_EVENTS.length);
    expect(Object.entries(ErrorCode).every(([k, v]) => k === v)).toBe(true);
  });
});
