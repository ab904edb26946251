/**
 * The protocol limits the phone's page needs. `LIMITS` and `ROOM_CODE_ALPHABET` live in shared's schemas.ts,
 * which builds zod schemas at import time: importing it would put zod (~25 KB gzipped) on the student's
 * page. protocol-limits.test.ts keeps these copies equal to the originals.
 */
export const NICKNAME_MAX = 24;
export const SAMPLES_PER_BATCH = 100;
export const ROOM_CODE_LENGTH = 6;
export const ROOM_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679";
