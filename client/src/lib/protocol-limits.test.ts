import { describe, expect, it } from "vitest";
import { LIMITS, ROOM_CODE_ALPHABET as SHARED_ALPHABET } from "@tokenroom/shared";
import { NICKNAME_MAX, ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, SAMPLES_PER_BATCH } from "./protocol-limits.ts";

describe("client copies of the protocol limits", () => {
  it("equal shared's", () => {
    expect(NICKNAME_MAX).toBe(LIMITS.nicknameMax);
    expect(SAMPLES_PER_BATCH).toBe(LIMITS.samplesPerBatch);
    expect(ROOM_CODE_LENGTH).toBe(LIMITS.roomCodeLength);
    expect(ROOM_CODE_ALPHABET).toBe(SHARED_ALPHABET);
  });
});
