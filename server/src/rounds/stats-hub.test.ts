/**
 * One contract for both statistics hubs: the in-memory LocalStatsHub (one process) and the RedisStatsHub
 * (several processes, running sums in Lua, scale/redis-scripts.ts). The same samples, accepted through the
 * real SampleService into the real database, must give the class the same numbers, and those numbers must
 * be the definitions evaluated here on the stored rows (counts over the whole population, not the
 * running-sums formula both hubs use):
 *   KL(empirical ‖ theory) = Σ_x (c_x/N) log2((c_x/N) / q_x),   H(empirical, theory) = −Σ_x (c_x/N) log2 q_x.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextTokenDistribution, type RoundInfo } from "@tokenroom/shared";
import { models, phoneSamples } from "../../test/boot.ts";
import { sampleRound, services } from "../../test/fixtures.ts";
import { pgliteDataDir } from "../../test/pglite.ts";
import { startRedis } from "../../test/services.ts";
import { SampleService } from "../realtime/sample-service.ts";
import { RedisStatsHub } from "../scale/redis-stats-hub.ts";
import { type Database, openDatabase } from "../store/database.ts";
import type { SampleRow } from "../store/repository.ts";
import { SampleWriter } from "../store/sample-writer.ts";
import { LocalStatsHub, type StatsHub } from "./stats-hub.ts";

let db: Database;
beforeAll(async () => {
  db = await openDatabase({ kind: "pglite", dataDir: pgliteDataDir() });
});
afterAll(() => db.close());

interface HubCase {
  name: string;
  make(repo: ReturnType<typeof services>["repo"]): Promise<{ hub: StatsHub; close(): Promise<void> }>;
}

const hubs: HubCase[] = [
  {
    name: "LocalStatsHub (one process)",
    make: () => Promise.resolve({ hub: new LocalStatsHub(), close: () => Promise.resolve() }),
  },
  {
    name: "RedisStatsHub (several processes)",
    async make(repo) {
      const redis = await startRedis();
      const client = new Redis(redis.url, { maxRetriesPerRequest: 2 });
      return {
        hub: new RedisStatsHub(client, repo, "node-a", 2_000),
        async close() {
          client.disconnect();
          await redis.close();
        },
      };
    },
  },
];

/** The definitions, on the stored rows. */
function expected(round: RoundInfo, rows: readonly SampleRow[]) {
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

describe.each(hubs)("$name", ({ make }) => {
  it("shows the class the KL, cross-entropy and perplexity of the stored samples, exactly", async () => {
    const s = services(db);
    const { hub, close } = await make(s.repo);
    try {
      const { sessionId, code } = await s.sessions.createSession();
      const students = await Promise.all(["Ada", "Bo", "Cy"].map((name) => s.sessions.join(code, name)));
      const round = await s.sessions.startRound(sessionId, sampleRound({ temperature: 1.4, maxTokens: 4 }));
      const live = await s.sessions.getLive(sessionId);
      const liveRound = live.round!;
      await hub.started(liveRound);
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
        const pid = students[batch]!.participantId;
        const r = await service.submit(live, pid, round.id, phoneSamples(round, pid, from, count));
        expect(r.results.every((x) => x.status === "accepted")).toBe(true);
        await hub.tick(liveRound, s.clock.now());
      }
      const rows = await s.repo.roundSamples(round.id);
      const want = expected(round, rows);
      expect(want.n).toBe(133);

      const stats = (await hub.view(liveRound, s.clock.now())).stats(true);
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
      const hidden = (await hub.view(liveRound, s.clock.now())).stats(false);
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
});
