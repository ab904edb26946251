/**
 * The contract every statistics hub keeps (rounds/stats-hub.ts): run by stats-hub.test.ts for the in-memory
 * LocalStatsHub (one process) and by scale/redis-stats-hub.test.ts for the RedisStatsHub (several processes,
 * running sums in Lua). The same samples, stored in the real database, must give the class the same numbers,
 * and those numbers are the definitions evaluated here on the samples themselves (counts over the whole
 * population, not the running sums of [EMP4] both hubs keep):
 *   KL(empirical ‖ theory) = Σ_x (c_x/N) log2((c_x/N) / q_x) ([EMP1]),  H(empirical, theory) = −Σ_x (c_x/N) log2 q_x.
 * The KL-vs-N history is checked against its rule written out here again: a point when N moved at least 2%
 * since the last one; past 400 points, the first, the last and every other one are kept.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodingOf,
  empiricalKlBits,
  expectedEmpiricalKlExactBits,
  type KlPoint,
  nextTokenDistribution,
  type RoundInfo,
} from "@tokenroom/shared";
import { models, phoneSamples } from "../../test/boot.ts";
import { sampleRound, services } from "../../test/fixtures.ts";
import { pgliteDataDir } from "../../test/pglite.ts";
import { SampleSource } from "../../test/seeded-samples.ts";
import { SampleService } from "../realtime/sample-service.ts";
import { type Database, openDatabase } from "../store/database.ts";
import { SampleWriter } from "../store/sample-writer.ts";
import type { Repository, SampleRow } from "../store/repository.ts";
import type { StatsHub } from "./stats-hub.ts";

export interface HubUnderTest {
  hub: StatsHub;
  close: () => Promise<void>;
}

/** Makes a fresh hub over the test's repository (the Redis hub rebuilds and reconciles from it). */
export type HubFactory = (repo: Repository) => Promise<HubUnderTest>;

interface Sample {
  tokens: readonly number[];
  logProb: number;
  participantId: string;
}

/** The definitions, on the samples. */
function expected(round: RoundInfo, rows: readonly Sample[]) {
  const { model } = models().get(round.modelId)!;
  const { temperature, topK, topP } = round;
  const theory = nextTokenDistribution(model, round.promptTokens, { temperature, topK, topP });
  const q = new Map(Array.from(theory.ids, (id, i) => [id, theory.probs[i]!] as const));
  const n = rows.length;
  const first = new Map<number, number>();
  const completions = new Map<string, { count: number; logProb: number }>();
  let tokens = 0;
  let negLog2P = 0;
  for (const r of rows) {
    first.set(r.tokens[0]!, (first.get(r.tokens[0]!) ?? 0) + 1);
    const key = r.tokens.join(",");
    const c = completions.get(key) ?? { count: 0, logProb: r.logProb };
    c.count += 1;
    completions.set(key, c);
    tokens += r.tokens.length;
    negLog2P -= r.logProb / Math.LN2;
  }
  let firstKl = 0;
  let firstCe = 0;
  for (const [id, c] of first) {
    firstKl += (c / n) * Math.log2(c / n / q.get(id)!);
    firstCe -= (c / n) * Math.log2(q.get(id)!);
  }
  let completionKl = 0;
  for (const { count, logProb } of completions.values())
    completionKl += (count / n) * Math.log2(count / n / Math.exp(logProb));
  return {
    n,
    tokens,
    contributors: new Set(rows.map((r) => r.participantId)).size,
    first: Object.fromEntries(first),
    firstKl,
    firstCe,
    completionKl,
    completionsDistinct: completions.size,
    perToken: negLog2P / tokens,
  };
}

/** Counts of the samples so far, for the definitions at every point of the history. */
class Population {
  readonly first = new Map<number, number>();
  readonly completions = new Map<string, number>();
  readonly q = new Map<string, number>();
  n = 0;

  add(x: Sample): void {
    this.n += 1;
    this.first.set(x.tokens[0]!, (this.first.get(x.tokens[0]!) ?? 0) + 1);
    const key = x.tokens.join(",");
    this.completions.set(key, (this.completions.get(key) ?? 0) + 1);
    this.q.set(key, Math.exp(x.logProb));
  }
}

export function statsHubContract(name: string, make: HubFactory): void {
  describe(`${name}: the statistics hub contract`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await openDatabase({ kind: "pglite", dataDir: pgliteDataDir() });
    });
    afterAll(() => db.close());

    /** A session with three students and a round of the toy model, live in a fresh hub. */
    async function liveRound(maxTokens: number) {
      const s = services(db);
      const made = await make(s.repo);
      const { sessionId, code } = await s.sessions.create();
      const students = await Promise.all(["Ada", "Bo", "Cy"].map((n) => s.participants.join(code, n)));
      const round = await s.rounds.start(sessionId, sampleRound({ temperature: 1.4, maxTokens }));
      const live = await s.live.get(sessionId);
      await made.hub.started(live.round!);
      return {
        s,
        ...made,
        live,
        hubRound: live.round!,
        round,
        students: students.map((x) => x.participantId),
      };
    }

    it("[EMP1] [EMP4] shows the class the KL, cross-entropy and perplexity of the stored samples, exactly", async () => {
      const { s, hub, close, live, hubRound, round, students } = await liveRound(4);
      try {
        const service = new SampleService(
          new SampleWriter(s.repo),
          hub,
          s.clock,
          { verifyFraction: 1, ratePerSecond: 10_000, burst: 10_000 },
          s.repo,
        );
        // three phones, uneven batches, several ticks in between
        for (const [batch, from, count] of [
          [0, 0, 7],
          [1, 0, 40],
          [2, 0, 1],
          [0, 7, 60],
          [2, 1, 25],
        ] as const) {
          const pid = students[batch]!;
          const r = await service.submit(live, pid, round.id, phoneSamples(round, pid, from, count));
          expect(r.results.every((x) => x.status === "accepted")).toBe(true);
          await hub.tick(hubRound, s.clock.now());
        }
        const rows: SampleRow[] = await s.repo.roundSamples(round.id);
        const want = expected(round, rows);
        expect(want.n).toBe(133);

        const stats = (await hub.view(hubRound, s.clock.now())).stats(true);
        expect(stats.n).toBe(want.n);
        expect(stats.tokens).toBe(want.tokens);
        expect(stats.contributors).toBe(want.contributors);
        expect(Object.fromEntries(stats.firstToken.counts.map((c) => [c.id, c.count]))).toEqual(want.first);
        expect(stats.firstToken.klBits).toBeCloseTo(want.firstKl, 10);
        expect(stats.firstToken.crossEntropyBits).toBeCloseTo(want.firstCe, 10);
        expect(stats.firstToken.perplexity).toBeCloseTo(2 ** want.firstCe, 9);
        expect(stats.completions.distinct).toBe(want.completionsDistinct);
        expect(stats.completions.klBits).toBeCloseTo(want.completionKl, 10);
        expect(stats.completions.crossEntropyBitsPerToken).toBeCloseTo(want.perToken, 10);
        expect(stats.completions.perplexityPerToken).toBeCloseTo(2 ** want.perToken, 9);
        // before the reveal a student sees the counts, never the theory's numbers
        const hidden = (await hub.view(hubRound, s.clock.now())).stats(false);
        expect(hidden.n).toBe(want.n);
        expect([hidden.firstToken.klBits, hidden.completions.klBits, hidden.firstToken.entropyBits]).toEqual([
          null,
          null,
          null,
        ]);
      } finally {
        await close();
      }
    });

    it("[EMP1] [EMP4] records the KL-vs-N history: a point per 2% of N, thinned past 400 points, each the KL of its N samples", async () => {
      const { s, hub, close, hubRound, round, students } = await liveRound(2);
      try {
        // the same seeded samples for every hub: drawn for fixed names, then given the students' ids
        const names = ["ada", "bo", "cy"];
        const idOf = new Map(names.map((x, i) => [x, students[i]!]));
        const source = new SampleSource({
          model: models().get(round.modelId)!.model,
          promptTokens: round.promptTokens,
          settings: decodingOf(round),
          maxTokens: round.maxTokens,
          seed: 12_345,
          participants: names,
        });
        const theory = nextTokenDistribution(models().get(round.modelId)!.model, round.promptTokens, round);
        const q = new Map(Array.from(theory.ids, (id, i) => [id, theory.probs[i]!] as const));
        const all: Sample[] = [];
        const seen = new Population();
        const want: KlPoint[] = [];
        let recorded = 0;
        let lastN = 0;
        for (let tick = 0; recorded < 402; tick++) {
          const n = all.length;
          // mostly just enough to move N by 2%; every fifth tick one sample (too few past N = 50)
          const add = tick % 5 === 4 ? 1 : Math.max(1, Math.ceil(n * 1.02) - n);
          const batch = source.take(add).map((x) => ({ ...x, participantId: idOf.get(x.participantId)! }));
          await s.repo.insertSamples(batch.map((x) => ({ roundId: round.id, ...x })));
          hub.accepted(hubRound, batch, s.clock.now());
          all.push(...batch);
          for (const x of batch) seen.add(x);
          s.clock.advance(100);
          await hub.tick(hubRound, s.clock.now());
          // the rule, written out again, with [EMP1] on the counts
          const N = seen.n;
          if (N >= lastN * 1.02) {
            want.push({
              n: N,
              firstKlBits: empiricalKlBits(seen.first, (id) => q.get(id)!),
              completionKlBits: empiricalKlBits(seen.completions, (key) => seen.q.get(key)!),
              expectedKlBits: expectedEmpiricalKlExactBits(theory.probs, N),
            });
            recorded++;
            lastN = N;
            if (want.length > 400) {
              const kept = want.filter((_, i) => i === 0 || i % 2 === 1 || i === want.length - 1);
              want.splice(0, want.length, ...kept);
            }
          }
        }
        expect(want.length).toBe(203); // thinned once, at the 401st point (to 202), then one more
        const view = await hub.view(hubRound, s.clock.now());
        const history = view.history ?? [];
        expect(history.map((p) => p.n)).toEqual(want.map((p) => p.n));
        history.forEach((p, i) => {
          const w = want[i]!;
          expect(p.firstKlBits).toBeCloseTo(w.firstKlBits, 9);
          expect(p.completionKlBits).toBeCloseTo(w.completionKlBits, 9);
          expect(p.expectedKlBits).toBeCloseTo(w.expectedKlBits!, 12);
        });
        const final = expected(round, all);
        const stats = view.stats(true);
        expect(stats.n).toBe(final.n);
        expect(Object.fromEntries(stats.firstToken.counts.map((c) => [c.id, c.count]))).toEqual(final.first);
        expect(stats.firstToken.klBits).toBeCloseTo(final.firstKl, 9);
        expect(stats.completions.klBits).toBeCloseTo(final.completionKl, 9);
        expect(stats.completions.distinct).toBe(final.completionsDistinct);
      } finally {
        await close();
      }
    });
  });
}
