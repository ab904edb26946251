/** Custom models: the `custom_models` table (artifacts trained from a host's text) and their owners. */
import type { PrismaClient } from "../generated/prisma/index.js";
import type { SqlRunner } from "./migrate.ts";

export interface CustomModelRow {
  id: string;
  hash: string;
  name: string;
  artifact: string;
  createdAt: Date;
  createdBySession: string | null;
}

const INSERT_MODEL = `INSERT INTO custom_models (id, hash, name, artifact, created_by_session)
  VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`;

/** The `custom_models` table, and `custom_model_owners`: which sessions may see each model. */
export class CustomModelStore {
  /**
   * `sql`: the driver without Prisma (Database.sql), for storing an artifact: Prisma's query compiler runs on the
   * event loop and takes most of a second over a multi-megabyte parameter; without it, Prisma's raw query.
   */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql?: SqlRunner,
  ) {}

  find(id: string): Promise<CustomModelRow | null> {
    return this.prisma.customModel.findUnique({ where: { id } });
  }

  all(): Promise<CustomModelRow[]> {
    return this.prisma.customModel.findMany({ orderBy: { createdAt: "asc" } });
  }

  /** Every stored id (the admin's listing), oldest first. */
  async ids(): Promise<string[]> {
    const rows = await this.prisma.customModel.findMany({
      select: { id: true },
      orderBy: { createdAt: "asc" },
    });
    return rows.map((r) => r.id);
  }

  /** The ids of the models a session trained (or trained again: the same text is stored once), oldest first. */
  async owned(sessionId: string): Promise<string[]> {
    const rows = await this.prisma.customModelOwner.findMany({
      where: { sessionId },
      select: { modelId: true },
      orderBy: { createdAt: "asc" },
    });
    return rows.map((r) => r.modelId);
  }

  async owns(sessionId: string, modelId: string): Promise<boolean> {
    return (await this.prisma.customModelOwner.count({ where: { sessionId, modelId } })) > 0;
  }

  /** Makes a stored model visible to the session (idempotent). False when the model is not stored (deleted). */
  async own(modelId: string, sessionId: string): Promise<boolean> {
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO custom_model_owners (model_id, session_id)
       SELECT id, $2 FROM custom_models WHERE id = $1 ON CONFLICT DO NOTHING`,
      modelId,
      sessionId,
    );
    return this.owns(sessionId, modelId);
  }

  /**
   * Takes the model away from one session; the stored model is deleted with its last owner. Returns whether the
   * session owned it and whether the stored model is gone.
   */
  async disown(modelId: string, sessionId: string): Promise<{ owned: boolean; deleted: boolean }> {
    const { count } = await this.prisma.customModelOwner.deleteMany({ where: { modelId, sessionId } });
    if (count === 0) return { owned: false, deleted: false };
    const deleted = await this.prisma.$executeRawUnsafe(
      `DELETE FROM custom_models WHERE id = $1
       AND NOT EXISTS (SELECT 1 FROM custom_model_owners WHERE model_id = $1)`,
      modelId,
    );
    return { owned: true, deleted: deleted > 0 };
  }

  /** Deletes the stored model for every session (the admin). Returns whether it existed. */
  async remove(modelId: string): Promise<boolean> {
    const { count } = await this.prisma.customModel.deleteMany({ where: { id: modelId } });
    return count > 0;
  }

  /** Whether a round of the session that is not closed uses the model (its phones may download it). */
  async inOpenRound(sessionId: string, modelId: string): Promise<boolean> {
    return (await this.prisma.round.count({ where: { sessionId, modelId, closedAt: null } })) > 0;
  }

  /**
   * Stores a model once. Returns the row that is stored under its id: this one, or the one a concurrent
   * identical upload stored first. (Raw SQL: Prisma's createMany takes seconds over a multi-megabyte string;
   * through the driver when there is one, see the constructor.)
   */
  async insert(row: Omit<CustomModelRow, "createdAt">): Promise<Pick<CustomModelRow, "hash" | "artifact">> {
    const params = [row.id, row.hash, row.name, row.artifact, row.createdBySession];
    const inserted = this.sql
      ? await this.sql.query<{ id: string }>(INSERT_MODEL, params)
      : await this.prisma.$queryRawUnsafe<{ id: string }[]>(INSERT_MODEL, ...params);
    if (inserted.length > 0) return row;
    const stored = await this.find(row.id);
    if (!stored) throw new Error(`custom model ${row.id} was neither stored nor found`);
    return stored;
  }
}
