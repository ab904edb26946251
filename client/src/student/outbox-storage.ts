/** Where the phone keeps its outboxes: this browser's storage, one key a participant and round. */
import { keysWithPrefix, readJson, removeKey, writeJson } from "../lib/storage.ts";
import { isOutboxState, type OutboxStore } from "./outbox.ts";

export const localOutboxes: OutboxStore = {
  load: (key) => readJson(key, isOutboxState),
  save: (key, state) => void writeJson(key, state),
  remove: (key) => removeKey(key),
};

/** Outboxes of earlier rounds can never be counted: free their storage. */
export function forgetOtherOutboxes(participantId: string, roundId: string): void {
  for (const key of keysWithPrefix(`outbox:${participantId}:`)) {
    if (!key.endsWith(`:${roundId}`)) removeKey(key);
  }
}
