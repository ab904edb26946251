/**
 * Round-level SQL of the review: every aggregate is a GROUP BY in the database, and the KL-vs-N curve is
 * replayed with window functions (running counts per outcome in insertion order), so no round's
 * samples are ever held in memory. Natural logs in SQL; the caller converts to bits.
 */
import type { PrismaClient } from "../generated/prisma/index.js";

/** One bucket of the insertion-order replay: sums over its own samples (the caller accumulates). */
export interface ReplayBucket {
  /** N at the bucket's last sample. */
  last: number;
  count: number;
  /** Σ completion lengths, Σ ln p, Σ Δ(c ln c) over completions, completions seen for the first time. */
  tokens: number;
  sumLogProb: number;
  completionCLnC: number;
  newCompletions: number;
  /** First tokens of the bucket's samples with their counts. */
  first: [number, number][];
  firstAt: Date;
  lastAt: Date;
}

/** The insertion-order replay of one round, and its most frequent completions. */
export interface Replay {
  buckets: ReplayBucket[];
  /** Ties: first stored first; logProb is the one stored with the first. */
  top: { tokens: number[]; count: number; logProb: number }[];
}

type Sql = Pick<PrismaClient, "$queryRawUnsafe" | "$executeRawUnsafe">;

// Rounds are numbered by their position in $1 (ord) and read one after the other through the primary
// key (OFFSET 0 keeps that nested loop), so every window sorts one round at a time, in memory.
// n numbers a round's samples in insertion order: created_at, then participant id in byte order, then index.
// Bucket j = ⌊(B−1) ln n / ln N⌋ groups them log-spaced; the caller labels each bucket with the running
// count at its end, so the grouping needs no exactness, only the sums do. Each sample adds
// k ln k − (k−1) ln(k−1) to Σ c ln c over completions, k its running count among equal completions ([EMP4]).
const REPLAY = `
  WITH r AS (SELECT * FROM unnest($1::text[], $4::int8[]) WITH ORDINALITY AS r(id, total, ord) ORDER BY ord),
  s AS (
    SELECT ord, n, created_at, log_prob, tokens, first, tk, len,
      CASE WHEN total <= 1 THEN 0 ELSE floor($3 * ln(n::float8) / ln(total::float8)) END AS j
    FROM (
      SELECT r.ord, r.total, x.created_at, x.log_prob, x.tokens, x.tokens[1] AS first,
        cardinality(x.tokens) AS len, x.tokens::text COLLATE "C" AS tk,
        row_number() OVER (PARTITION BY r.ord ORDER BY x.created_at, x.participant_id COLLATE "C", x.idx) AS n
      FROM r CROSS JOIN LATERAL (SELECT * FROM samples WHERE round_id = r.id OFFSET 0) x
    ) y WHERE n <= total
  ),
  k AS MATERIALIZED (
    SELECT ord, j, n, first, len, log_prob, created_at,
      row_number() OVER c AS kc,
      first_value(n) OVER c AS seen,
      CASE WHEN lead(n) OVER c IS NULL THEN tokens END AS last_tokens
    FROM s WINDOW c AS (PARTITION BY ord, tk ORDER BY n ROWS UNBOUNDED PRECEDING)
  ),
  g AS (
    SELECT ord, j, first, GROUPING(first) AS whole, count(*)::int AS c, max(n) AS last, sum(len) AS len,
      sum(kc::float8 * ln(kc::float8) - (kc - 1)::float8 * ln(greatest(kc - 1, 1)::float8)) AS d,
      sum(log_prob) AS lp, count(*) FILTER (WHERE kc = 1) AS e, min(created_at) AS t0, max(created_at) AS t1
    FROM k GROUP BY GROUPING SETS ((ord, j), (ord, j, first))
  ),
  f AS (SELECT ord, j, array_agg(first) AS ids, array_agg(c) AS cs FROM g WHERE whole = 0 GROUP BY ord, j)
  SELECT 0 AS part, g.ord, g.j, g.c, g.last, g.len, g.d, g.lp, g.e, g.t0, g.t1, f.ids, f.cs, NULL::int[] AS tokens
  FROM g JOIN f ON f.ord = g.ord AND f.j = g.j WHERE g.whole = 1
  UNION ALL
  -- a completion's last row carries its count (kc) and when it was first seen
  SELECT 1, ord, rk, kc, NULL, NULL, NULL, log_prob, NULL, NULL, NULL, NULL, NULL, last_tokens FROM (
    SELECT ord, kc, log_prob, last_tokens, row_number() OVER (PARTITION BY ord ORDER BY kc DESC, seen) AS rk
    FROM k WHERE last_tokens IS NOT NULL
  ) t WHERE rk <= $2
  ORDER BY part, ord, j`;

interface ReplayRow {
  part: number;
  ord: bigint;
  j: number;
  c: number | bigint;
  last: bigint | null;
  len: bigint | null;
  d: number | null;
  lp: number;
  e: bigint | null;
  t0: Date | null;
  t1: Date | null;
  ids: number[] | null;
  cs: number[] | null;
  tokens: number[] | null;
}

export class RoundQueries {
  constructor(private readonly sql: Sql) {}

  /** Samples and distinct participants with a sample, per round. */
  async counts(roundIds: readonly string[]): Promise<Map<string, { n: number; contributors: number }>> {
    const rows = await this.sql.$queryRawUnsafe<{ round_id: string; n: bigint; c: bigint }[]>(
      `SELECT round_id, sum(n) AS n, count(*) AS c FROM (
         SELECT round_id, participant_id, count(*) AS n FROM samples WHERE round_id = ANY($1::text[])
         GROUP BY round_id, participant_id
       ) d GROUP BY round_id`,
      roundIds,
    );
    return new Map(rows.map((r) => [r.round_id, { n: Number(r.n), contributors: Number(r.c) }]));
  }

  async guessCounts(roundIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.sql.$queryRawUnsafe<{ round_id: string; c: bigint }[]>(
      `SELECT round_id, count(*) AS c FROM guesses WHERE round_id = ANY($1::text[]) GROUP BY round_id`,
      roundIds,
    );
    return new Map(rows.map((r) => [r.round_id, Number(r.c)]));
  }

  /**
   * Replays the listed rounds in one statement, each up to its first `n` samples (later ones are left
   * out), in at most `buckets` buckets.
   */
  async replay(n: Map<string, number>, top: number, buckets: number): Promise<Map<string, Replay>> {
    const roundIds = [...n.keys()];
    const out = new Map<string, Replay>(roundIds.map((id) => [id, { buckets: [], top: [] }]));
    if (roundIds.length === 0) return out;
    const rows = await this.sql.$queryRawUnsafe<ReplayRow[]>(
      REPLAY,
      roundIds,
      top,
      Math.max(0, buckets - 1),
      roundIds.map((id) => n.get(id)!),
    );
    for (const r of rows) {
      const replay = out.get(roundIds[Number(r.ord) - 1]!)!;
      if (r.part === 1) {
        replay.top.push({ tokens: r.tokens ?? [], count: Number(r.c), logProb: r.lp });
        continue;
      }
      const ids = r.ids ?? [];
      const cs = r.cs ?? [];
      replay.buckets.push({
        last: Number(r.last),
        count: Number(r.c),
        tokens: Number(r.len),
        sumLogProb: r.lp,
        completionCLnC: r.d ?? 0,
        newCompletions: Number(r.e ?? 0),
        first: ids.map((id, i) => [id, Number(cs[i])]),
        firstAt: r.t0!,
        lastAt: r.t1!,
      });
    }
    return out;
  }
}
