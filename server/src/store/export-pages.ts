/**
 * Keyset pages for the exports. Samples are read in primary-key order (round, participant, index) so
 * every page is an index range scan, however large the round; each row carries its created_at.
 * Guesses come with the participant's nickname; samples carry only the participant id.
 */
import type { PrismaClient } from "../generated/prisma/index.js";

/**
 * [EX3] Rows per page: with the embedded database (PGlite runs in process) a page's query is one uninterrupted
 * piece of work on the event loop, so pages are kept small (`pnpm bench:review` prints the lag during an export).
 */
export const EXPORT_PAGE_ROWS = 1_000;

/** One sample as text fields: participant id, index, token ids separated by spaces, ln p, ISO time. */
export type SampleFields = [
  participantId: string,
  idx: string,
  tokens: string,
  logProb: string,
  createdAt: string,
];

export interface ExportGuess {
  participantId: string;
  nickname: string;
  distribution: unknown;
  scoreBits: number | null;
  submittedAt: Date;
}

export class ExportQueries {
  constructor(private readonly sql: PrismaClient) {}

  /**
   * Yields a round's samples page by page; the next page is read only after the caller has used this one.
   * Each page comes back as one string built by the database (fields split by \x01, rows by \n): a
   * row object per sample would cost more than everything else together. Ids, numbers and times never
   * contain either separator. ln p is PostgreSQL's shortest exact float8 text.
   */
  async *samples(roundId: string, pageRows = EXPORT_PAGE_ROWS): AsyncGenerator<SampleFields[]> {
    let after: { participantId: string; idx: number } | null = null;
    for (;;) {
      const rows: { page: string | null }[] = await this.sql.$queryRawUnsafe(
        // two texts, not `$3 IS NULL OR …`: the keyset condition must stay an index range
        `SELECT string_agg(concat_ws(E'\x01', participant_id, idx, array_to_string(tokens, ' '), log_prob,
             to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), E'\n' ORDER BY participant_id, idx) AS page
         FROM (
           SELECT participant_id, idx, tokens, log_prob, created_at FROM samples
           WHERE round_id = $1 ${after ? "AND (round_id, participant_id, idx) > ($1, $3::text, $4::int)" : ""}
           ORDER BY round_id, participant_id, idx LIMIT $2
         ) x`,
        roundId,
        pageRows,
        ...(after ? [after.participantId, after.idx] : []),
      );
      const page = rows[0]?.page;
      if (!page) return;
      const fields = page.split("\n").map((line) => line.split("\x01") as SampleFields);
      yield fields;
      if (fields.length < pageRows) return;
      const last = fields[fields.length - 1]!;
      after = { participantId: last[0], idx: Number(last[1]) };
    }
  }

  /** Yields a round's guesses page by page (keyset on the participant: the primary key is (round, participant)). */
  async *guesses(roundId: string, pageRows = EXPORT_PAGE_ROWS): AsyncGenerator<ExportGuess[]> {
    let after: string | null = null;
    for (;;) {
      const rows: {
        participant_id: string;
        nickname: string;
        distribution: unknown;
        score_bits: number | null;
        submitted_at: Date;
      }[] = await this.sql.$queryRawUnsafe(
        `SELECT g.participant_id, p.nickname, g.distribution, g.score_bits, g.submitted_at
         FROM guesses g JOIN participants p ON p.id = g.participant_id
         WHERE g.round_id = $1 ${after === null ? "" : "AND (g.round_id, g.participant_id) > ($1, $3::text)"}
         ORDER BY g.round_id, g.participant_id LIMIT $2`,
        roundId,
        pageRows,
        ...(after === null ? [] : [after]),
      );
      if (rows.length === 0) return;
      yield rows.map((r) => ({
        participantId: r.participant_id,
        nickname: r.nickname,
        distribution: r.distribution,
        scoreBits: r.score_bits,
        submittedAt: r.submitted_at,
      }));
      if (rows.length < pageRows) return;
      after = rows[rows.length - 1]!.participant_id;
    }
  }
}
