import { describe, expect, it } from "vitest";
import { checkRoomCode, normaliseRoomCode } from "./room-code.ts";

describe("room codes as typed", () => {
  it("accept lower case, spaces, dashes and full-width characters", () => {
    expect(normaliseRoomCode(" qqp-yyv ")).toBe("QQPYYV");
    expect(normaliseRoomCode("ＱＱＰ ＹＹＶ")).toBe("QQPYYV");
    expect(checkRoomCode("acd efg")).toEqual({ ok: true, code: "ACDEFG" });
  });

  it("name the characters outside the alphabet (the look-alikes it leaves out)", () => {
    expect(checkRoomCode("Q0PSY1")).toEqual({
      ok: false,
      reason: "letters",
      code: "Q0PSY1",
      bad: ["0", "S", "1"],
    });
    expect(checkRoomCode("QOOPYV")).toMatchObject({ ok: false, reason: "letters", bad: ["O"] });
  });

  it("say when the length is wrong or nothing was typed", () => {
    expect(checkRoomCode("ACDEF")).toMatchObject({ ok: false, reason: "length" });
    expect(checkRoomCode("ACDEFGH")).toMatchObject({ ok: false, reason: "length" });
    expect(checkRoomCode("  ")).toMatchObject({ ok: false, reason: "empty" });
  });
});
