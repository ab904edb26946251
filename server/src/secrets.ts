/** Random secrets and ids, and the hashes we store instead of secrets. */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { LIMITS, ROOM_CODE_ALPHABET } from "@tokenroom/shared";

export const newId = (): string => randomUUID();
export const newSecret = (): string => randomBytes(24).toString("base64url");
export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");
export const newSeed = (): number => randomInt(0, 2 ** 32);

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function newRoomCode(): string {
  let code = "";
  for (let i = 0; i < LIMITS.roomCodeLength; i++)
    code += ROOM_CODE_ALPHABET[randomInt(ROOM_CODE_ALPHABET.length)];
  return code;
}
