/** Seeds: a participant's sampling seed is derived from the round seed and the participant id. */

/** 32-bit FNV-1a hash of a string (UTF-16 code units). */
export function hashString32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The seed of `participantId` in a round: sample i of that participant is drawn with createRng(seed, i). */
export function participantSeed(roundSeed: number, participantId: string): number {
  let h = Math.imul((roundSeed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ hashString32(participantId);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
