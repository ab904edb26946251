import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleRound, services } from "../../test/fixtures.ts";
import { pgliteDataDir } from "../../test/pglite.ts";
import { type Database, openDatabase } from "./database.ts";
import { type Repository, type SampleRow } from "./repository.ts";
import { type SampleSink, SampleWriter } from "./sample-writer.ts";

let db: Database;
let repo: Repository;
let roundId: string;
let participants: string[];
beforeAll(async () => {
  db = await openDatabase({ kind: "pglite", dataDir: pgliteDataDir() });
  const s = services(db);
  repo = s.repo;
  const { sessionId, code } = await s.sessions.create();
  participants = [
    (await s.participants.join(code, "A")).participantId,
    (await s.participants.join(code, "B")).participantId,
  ];
  roundId = (await s.rounds.start(sessionId, sampleRound())).id;
});
afterAll(() => db.close());

const row = (participant: number, index: number, logProb = -1): SampleRow => ({
  roundId,
  participantId: participants[participant]!,
  index,
  tokens: [1, 2],
  logProb,
});
const stored = () => db.prisma.sample.count({ where: { roundId } });

describe("SampleWriter", () => {
  it("groups the writes of one tick into one INSERT and reports which rows were new", async () => {
    const calls: number[] = [];
    const writer = new SampleWriter({
      insertSamples: (rows) => (calls.push(rows.length), repo.insertSamples(rows)),
    });
    const [a, b] = await Promise.all([writer.write([row(0, 0), row(0, 1)]), writer.write([row(1, 0)])]);
    expect(calls).toEqual([3]);
    expect(a).toEqual([true, true]);
    expect(b).toEqual([true]);
    expect(await writer.write([row(0, 1), row(0, 2)])).toEqual([false, true]);
    expect(await stored()).toBe(4);
  });

  it("reports a key repeated within one batch as new once only, to the first row", async () => {
    const writer = new SampleWriter(repo);
    const before = await stored();
    const [a, b, c] = await Promise.all([
      writer.write([row(0, 10), row(1, 10)]),
      writer.write([row(0, 10, -2)]), // a resend from a second socket of the same phone, same tick
      writer.write([row(1, 11), row(1, 11)]),
    ]);
    expect(a).toEqual([true, true]);
    expect(b).toEqual([false]);
    expect(c).toEqual([true, false]);
    expect(await stored()).toBe(before + 3);
    const kept = await db.prisma.sample.findUnique({
      where: { roundId_participantId_idx: { roundId, participantId: participants[0]!, idx: 10 } },
    });
    expect(kept?.logProb).toBe(-1);
  });

  it("rejects every write of a failed batch, stores none of it, and keeps draining later batches", async () => {
    let failNext = true;
    const sink: SampleSink = {
      insertSamples: (rows) => {
        if (!failNext) return repo.insertSamples(rows);
        failNext = false;
        return Promise.reject(new Error("connection terminated"));
      },
    };
    const writer = new SampleWriter(sink, 2);
    const before = await stored();
    const first = writer.write([row(0, 20), row(0, 21)]); // one batch (maxBatch 2): fails
    const second = writer.write([row(0, 22)]); // the next batch: succeeds
    await expect(first).rejects.toThrow("connection terminated");
    expect(await second).toEqual([true]);
    expect(await stored()).toBe(before + 1);
    await writer.idle();
    expect(writer.pending).toBe(0);
    // the failed rows are written by a resend, as new
    expect(await writer.write([row(0, 20), row(0, 21)])).toEqual([true, true]);
  });

  it("fails a batch the database refuses (a row of no round) without affecting the rows of other batches", async () => {
    const writer = new SampleWriter(repo, 1);
    const before = await stored();
    const bad = writer.write([{ ...row(0, 30), roundId: "no-such-round" }]);
    const good = writer.write([row(0, 31)]);
    await expect(bad).rejects.toThrow();
    expect(await good).toEqual([true]);
    expect(await stored()).toBe(before + 1);
  });

  it("lets rows that arrive while an INSERT runs wait lingerMs after it started, to share the next one", async () => {
    const calls: number[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const sink: SampleSink = {
      insertSamples: async (rows) => {
        calls.push(rows.length);
        if (calls.length === 1) await gate; // the first INSERT is still running…
        return repo.insertSamples(rows);
      },
    };
    const writer = new SampleWriter(sink, 1000, 2000);
    const idle = () => new Promise((r) => setImmediate(r));
    const a = writer.write([row(0, 40)]);
    await idle();
    expect(calls).toEqual([1]); // nothing was waiting: written at once
    const b = writer.write([row(0, 41)]); // …when this one arrives: the class is busy
    open();
    expect(await a).toEqual([true]);
    await idle();
    expect(calls).toEqual([1]); // b waits for the rest of the two seconds…
    const c = writer.write([row(1, 40), row(1, 41)]); // …and this one joins it
    expect(await Promise.all([b, c])).toEqual([[true], [true, true]]);
    expect(calls).toEqual([1, 3]);
    const d = writer.write([row(1, 42)]); // nothing waiting again: at once
    await idle();
    expect(calls).toEqual([1, 3, 1]);
    expect(await d).toEqual([true]);
  });
});
