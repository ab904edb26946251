/** Samples: the accepted completions, keyed (round, participant, index), written in batches and read back in pages. */
import type { PrismaClient } from "../generated/prisma/index.js";
import type { SqlRunner } from "./migrate.ts";

export interface SampleRow {
  roundId: string;
  participantId: string;
  index: number;
  tokens: readonly number[];
  logProb: number;
}

export const sampleKey = (roundId: string, participantId: string, index: number): string =>
  `${roundId}\u0000${participantId}\u0000${index}`;

/** The columns a read of samples selects, and the row they make. */
const SAMPLE_FIELDS = { participantId: true, idx: true, tokens: true, logProb: true } as const;
const sampleRow = (
  roundId: string,
  r: { participantId: string; idx: number; tokens: number[]; logProb: number },
): SampleRow => ({
  roundId,
  participantId: r.participantId,
  index: r.idx,
  tokens: r.tokens,
  logProb: r.logProb,
});

/** One statement for any batch: five array parameters, `unnest`ed; a stored key is skipped, not an error. */
const INSERT_SAMPLES = `INSERT INTO samples (round_id, participant_id, idx, tokens, log_prob)
  SELECT r, p, i, t::int[], l FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::float8[]) AS x(r, p, i, t, l)
  ON CONFLICT DO NOTHING
  RETURNING round_id, participant_id, idx`;

export class SampleStore {
  /** `sql`: the driver without Prisma (Database.sql), for the hot sample insert; without it, Prisma's raw query. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql?: SqlRunner,
  ) {}

  /**
   * Inserts samples in one statement; rows whose (round, participant, index) exists are skipped.
   * Returns the keys actually inserted: only those may be counted (exactly-once).
   */
  async insertSamples(rows: readonly SampleRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const params = [
      rows.map((r) => r.roundId),
      rows.map((r) => r.participantId),
      rows.map((r) => r.index),
      rows.map((r) => `{${r.tokens.join(",")}}`),
      rows.map((r) => r.logProb),
    ];
    type Inserted = { participant_id: string; idx: number; round_id: string };
    const inserted = this.sql
      ? await this.sql.query<Inserted>(INSERT_SAMPLES, params)
      : await this.prisma.$queryRawUnsafe<Inserted[]>(INSERT_SAMPLES, ...params);
    return new Set(inserted.map((r) => sampleKey(r.round_id, r.participant_id, Number(r.idx))));
  }

  /** All samples of a round, for rebuilding its statistics after a restart. */
  async roundSamples(roundId: string): Promise<SampleRow[]> {
    const rows = await this.prisma.sample.findMany({
      where: { roundId },
      select: SAMPLE_FIELDS,
      orderBy: [{ createdAt: "asc" }],
    });
    return rows.map((r) => sampleRow(roundId, r));
  }

  /** A page of a round's samples in key order (participant, index), after `after`: for rebuilding counters. */
  async roundSamplesPage(
    roundId: string,
    after: { participantId: string; index: number } | null,
    limit: number,
  ): Promise<SampleRow[]> {
    const rows = await this.prisma.sample.findMany({
      where: after
        ? {
            roundId,
            OR: [
              { participantId: { gt: after.participantId } },
              { participantId: after.participantId, idx: { gt: after.index } },
            ],
          }
        : { roundId },
      select: SAMPLE_FIELDS,
      orderBy: [{ participantId: "asc" }, { idx: "asc" }],
      take: limit,
    });
    return rows.map((r) => sampleRow(roundId, r));
  }

  /**
   * How many samples a participant has stored in a round, and the lowest index not stored ([SW1]: 0..9 stored
   * gives 10; a gap stays a gap). One statement over the primary key.
   */
  async participantProgress(
    roundId: string,
    participantId: string,
  ): Promise<{ stored: number; nextIndex: number }> {
    const [r] = await this.prisma.$queryRawUnsafe<{ stored: number; next: number }[]>(
      `SELECT
         (SELECT count(*)::int FROM samples WHERE round_id = $1 AND participant_id = $2) AS stored,
         CASE WHEN NOT EXISTS (SELECT 1 FROM samples WHERE round_id = $1 AND participant_id = $2 AND idx = 0) THEN 0
           ELSE (SELECT min(s.idx) + 1 FROM samples s
                 WHERE s.round_id = $1 AND s.participant_id = $2
                   AND NOT EXISTS (SELECT 1 FROM samples t
                                   WHERE t.round_id = $1 AND t.participant_id = $2 AND t.idx = s.idx + 1))
         END AS next`,
      roundId,
      participantId,
    );
    return { stored: Number(r!.stored), nextIndex: Number(r!.next) };
  }

  /** A participant's stored sample indices in a round from `from` on (the window check's view of the truth). */
  async storedIndexes(roundId: string, participantId: string, from: number): Promise<number[]> {
    const rows = await this.prisma.sample.findMany({
      where: { roundId, participantId, idx: { gte: from } },
      select: { idx: true },
    });
    return rows.map((r) => r.idx);
  }

  async countSamples(roundId: string): Promise<number> {
    return this.prisma.sample.count({ where: { roundId } });
  }
}
