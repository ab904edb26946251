/**
 * Cross-process change notices: after a change, a room publishes which part of a session changed; the other
 * server processes (scale/) hear it and reload that part from the database (live-layer.ts `refresh`).
 */
export type SyncKind = "session" | "round" | "participants" | "presence" | "guesses";

export interface SyncBus {
  publish(sessionId: string, kind: SyncKind): void;
}

/** One process: nobody else to tell. */
export const noSync: SyncBus = { publish: () => undefined };
