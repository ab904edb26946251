import { describe, expect, it } from "vitest";
import { ErrorCode, HttpOnlyErrorCode } from "@tokenroom/shared";
import { en } from "../i18n/en.ts";
import { zh } from "../i18n/zh.ts";
import { HOST_WORDED, KNOWN } from "./error-message.tsx";

describe("server error codes on screen", () => {
  it("map every protocol error code to a catalogue entry in both languages, never the server's raw message", () => {
    for (const code of [...Object.values(ErrorCode), ...Object.values(HttpOnlyErrorCode)]) {
      expect(KNOWN.has(code), code).toBe(true);
      expect(en.errors, code).toHaveProperty(code);
      expect(zh.errors, code).toHaveProperty(code);
    }
  });

  it("give the host its own wording (what to do next as a host) for the codes it meets, in both languages", () => {
    for (const code of HOST_WORDED) {
      expect(KNOWN.has(code), code).toBe(true);
      expect(en.hostErrors, code).toHaveProperty(code);
      expect(zh.hostErrors, code).toHaveProperty(code);
    }
    expect(Object.keys(en.hostErrors).sort()).toEqual([...HOST_WORDED].sort());
  });
});
