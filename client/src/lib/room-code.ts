/**
 * What a student types as a room code, made into the code: full-width characters (a Chinese input method)
 * become ASCII, spaces and dashes go, lower case becomes upper case. The alphabet leaves out both sides of
 * every look-alike pair (0/O, 1/I/L, 2/Z, 5/S, 8/B), so a typed look-alike cannot be mapped to one letter
 * for sure: it is named in the error instead, so the student checks exactly that character.
 */
import { LIMITS, ROOM_CODE_ALPHABET } from "@tokenroom/shared";

export type RoomCodeCheck =
  | { ok: true; code: string }
  | { ok: false; reason: "empty" | "length"; code: string }
  | { ok: false; reason: "letters"; code: string; bad: string[] };

export function normaliseRoomCode(input: string): string {
  return input
    .normalize("NFKC")
    .replace(/[\s\-_.·]+/gu, "")
    .toUpperCase();
}

export function checkRoomCode(input: string): RoomCodeCheck {
  const code = normaliseRoomCode(input);
  if (code.length === 0) return { ok: false, reason: "empty", code };
  const bad = [...new Set([...code].filter((c) => !ROOM_CODE_ALPHABET.includes(c)))];
  if (bad.length > 0) return { ok: false, reason: "letters", code, bad };
  if (code.length !== LIMITS.roomCodeLength) return { ok: false, reason: "length", code };
  return { ok: true, code };
}
