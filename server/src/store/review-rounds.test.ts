/**
 * The SQL side of [EMP4]: the review's replay keeps Σ c ln c over completions with window functions (and
 * returns first-token counts and Σ ln p per bucket). On the same seeded samples, at every bucket's N, those
 * sums must be the in-memory ones (rounds/counter-kl.ts), so the one klFromSums gives the same KL curve.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodingOf } from "@tokenroom/shared";
import { klFromSums, type KlSums } from "../rounds/stats.ts";
import { type Database, openDatabase } from "./database.ts";
import { models } from "../../test/boot.ts";
import { sampleRound, services } from "../../test/fixtures.ts";
import { pgliteDataDir } from "../../test/pglite.ts";
import { aggregatorFor, SampleSource } from "../../test/seeded-samples.ts";
import { type Replay, RoundQueries } from "./review-rounds.ts";

let db: Database;
beforeAll(async () => {
  db = await openDatabase({ kind: "pglite", dataDir: pgliteDataDir() });
});
afterAll(() => db.close());

/** A round with seeded samples stored in several statements; the reference counts them in insertion order. */
async function storedRound(batches: readonly number[]) {
  const s = services(db);
  const { sessionId, code } = await s.sessions.create();
  const students = await Promise.all(
    ["Ada", "Bo", "Cy", "Dee"].map((name) => s.participants.join(code, name)),
  );
  const round = await s.rounds.start(sessionId, sampleRound({ temperature: 1.4, maxTokens: 3 }));
  const source = new SampleSource({
    model: models().get(round.modelId)!.model,
    promptTokens: round.promptTokens,
    settings: decodingOf(round),
    maxTokens: round.maxTokens,
    seed: round.seed,
    participants: students.map((p) => p.participantId),
  });
  for (const size of batches)
    await s.repo.insertSamples(source.take(size).map((x) => ({ roundId: round.id, ...x })));
  // insertion order as the replay defines it (docs/review.md): created_at, participant id in byte order, index
  const rows = await db.prisma.$queryRawUnsafe<
    { participant_id: string; idx: number; tokens: number[]; log_prob: number }[]
  >(
    `SELECT participant_id, idx, tokens, log_prob FROM samples WHERE round_id = $1
     ORDER BY created_at, participant_id COLLATE "C", idx`,
    round.id,
  );
  const reference = aggregatorFor(source, round.id);
  /** The reference's sums after n samples, n = 0..N. */
  const at: SumsAt = [{ first: new Map(), completions: reference.completions.sums() }];
  for (const r of rows) {
    reference.add({ participantId: r.participant_id, index: r.idx, tokens: r.tokens, logProb: r.log_prob });
    at.push({ first: new Map(reference.first.counts), completions: reference.completions.sums() });
  }
  return { roundId: round.id, reference, at };
}

/** Equal up to the last bits (SQL's ln, summed per bucket, against Math.log2 summed per sample). */
function near(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(expected)));
}

/** Adds the replay's buckets up and checks the running sums at the end of each against the reference's. */
type SumsAt = { first: Map<number, number>; completions: KlSums }[];

function checkReplay(replay: Replay, at: SumsAt): number {
  let n = 0;
  let cLnC = 0;
  let lnP = 0;
  const first = new Map<number, number>();
  for (const b of replay.buckets) {
    n += b.count;
    expect(b.last).toBe(n);
    cLnC += b.completionCLnC;
    lnP += b.sumLogProb;
    for (const [id, c] of b.first) first.set(id, (first.get(id) ?? 0) + c);
    const want = at[n]!;
    expect(first).toEqual(want.first);
    const sql: KlSums = { n, sumCLogC: cLnC / Math.LN2, sumLogQ: lnP / Math.LN2 };
    near(sql.sumCLogC, want.completions.sumCLogC);
    near(sql.sumLogQ, want.completions.sumLogQ);
    expect(klFromSums(sql)).toBeCloseTo(klFromSums(want.completions), 9);
  }
  return n;
}

describe("the review's SQL replay", () => {
  it("[EMP4] keeps the in-memory running sums at every bucket: the same KL curve from the same seeded samples", async () => {
    const { roundId, reference, at } = await storedRound([1, 2, 7, 30, 160, 600, 1_400]);
    const N = reference.n;
    expect(N).toBe(2_200);
    expect(reference.completions.distinct).toBeGreaterThan(20);
    const replay = (await new RoundQueries(db.prisma).replay(new Map([[roundId, N]]), 12, 200)).get(roundId)!;
    expect(replay.buckets.length).toBeGreaterThan(100);
    expect(checkReplay(replay, at)).toBe(N);
  });

  it("[EMP4] replays a round up to a given N with that N's sums", async () => {
    const { roundId, at } = await storedRound([500, 500]);
    const replay = (await new RoundQueries(db.prisma).replay(new Map([[roundId, 777]]), 12, 50)).get(
      roundId,
    )!;
    expect(checkReplay(replay, at)).toBe(777);
  });
});
