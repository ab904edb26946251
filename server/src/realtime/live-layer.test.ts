/** LiveLayer.refresh: a second process (a second live layer over the same database) catches up on a change. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleRound, services, type Services } from "../../test/fixtures.ts";
import { pgliteDataDir } from "../../test/pglite.ts";
import { type Database, openDatabase } from "../store/database.ts";

let db: Database;
let a: Services;
let b: Services;
beforeAll(async () => {
  db = await openDatabase({ kind: "pglite", dataDir: pgliteDataDir() });
  a = services(db);
  b = services(db);
});
afterAll(() => db.close());

async function sharedSession() {
  const { sessionId, code } = await a.sessions.create();
  const theirs = await b.live.get(sessionId);
  return { sessionId, code, theirs };
}

describe("LiveLayer.refresh", () => {
  it("reloads participants: new ones appear, removals land, and the list is marked for resending", async () => {
    const { sessionId, code, theirs } = await sharedSession();
    const ada = await a.participants.join(code, "Ada");
    const bo = await a.participants.join(code, "Bo");
    expect(theirs.participants.size).toBe(0);
    theirs.participantsDirty = false;
    await b.refresh(sessionId, "participants");
    expect([...theirs.participants.keys()].sort()).toEqual([ada.participantId, bo.participantId].sort());
    expect(theirs.participantsDirty).toBe(true);

    const local = theirs.participants.get(ada.participantId)!;
    local.connections = 2; // presence on this process survives a reload
    await a.participants.remove(sessionId, ada.participantId);
    await b.refresh(sessionId, "participants");
    expect(theirs.participants.get(ada.participantId)).toBe(local);
    expect(local.row.removedAt).toBeInstanceOf(Date);
    expect(local.connections).toBe(2);
    expect(theirs.participants.get(bo.participantId)!.row.removedAt).toBeNull();
  });

  it("follows a round from start through reveal to close, keeping the live round (and its counts) across updates", async () => {
    const { sessionId, theirs } = await sharedSession();
    const round = await a.rounds.start(sessionId, sampleRound());
    expect(theirs.round).toBeNull();
    await b.refresh(sessionId, "round");
    const live = theirs.round!;
    expect(live.id).toBe(round.id);
    expect(live.row.seed).toBe(round.seed);

    live.dirty = false;
    await a.rounds.reveal(sessionId, round.id);
    await b.refresh(sessionId, "round");
    expect(theirs.round).toBe(live);
    expect(live.row.revealedAt).toBeInstanceOf(Date);
    expect(live.dirty).toBe(true);

    const next = await a.rounds.start(sessionId, sampleRound({ temperature: 0.5 }));
    await b.refresh(sessionId, "round");
    expect(theirs.round?.id).toBe(next.id);
    expect(theirs.round?.row.temperature).toBe(0.5);

    await a.rounds.close(sessionId, next.id);
    await b.refresh(sessionId, "round");
    expect(theirs.round).toBeNull();
  });

  it("reloads the session row: a lock, then the end (which drops the open round)", async () => {
    const { sessionId, theirs } = await sharedSession();
    await a.rounds.start(sessionId, sampleRound());
    await b.refresh(sessionId, "round");
    await a.sessions.lock(sessionId, true);
    await b.refresh(sessionId, "session");
    expect(theirs.session.locked).toBe(true);
    expect(theirs.round).not.toBeNull();
    await a.sessions.end(sessionId);
    await b.refresh(sessionId, "session");
    expect(theirs.session.endedAt).toBeInstanceOf(Date);
    expect(theirs.round).toBeNull();
  });

  it("marks presence and guesses for resending, and ignores sessions this process has not loaded", async () => {
    const { sessionId, theirs } = await sharedSession();
    theirs.participantsDirty = false;
    await b.refresh(sessionId, "presence");
    expect(theirs.participantsDirty).toBe(true);
    expect(theirs.guessesDirty).toBe(false);
    await b.refresh(sessionId, "guesses");
    expect(theirs.guessesDirty).toBe(true);

    const elsewhere = await a.sessions.create();
    for (const kind of ["session", "round", "participants", "presence", "guesses"] as const)
      await b.refresh(elsewhere.sessionId, kind);
    expect(b.live.has(elsewhere.sessionId)).toBe(false);
    await b.refresh("no-such-session", "round");
    expect(b.live.has("no-such-session")).toBe(false);
  });
});
