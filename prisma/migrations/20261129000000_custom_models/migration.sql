-- CreateTable
CREATE TABLE "custom_models" (
    "id" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "artifact" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_session" TEXT,

    CONSTRAINT "custom_models_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "custom_models_hash_key" ON "custom_models"("hash");

-- Artifacts are already-compact JSON read whole: store them uncompressed (inserting a 4 MB artifact into PGlite
-- takes ~0.2 s instead of ~1 s). Prisma does not model column storage, so the schema is unaffected.
ALTER TABLE "custom_models" ALTER COLUMN "artifact" SET STORAGE EXTERNAL;
