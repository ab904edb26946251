-- A custom model is visible to the sessions whose hosts trained it (the same text trained twice is stored once,
-- with one row here per session). Deleting a session removes its rows; the stored model stays for the others.
-- CreateTable
CREATE TABLE "custom_model_owners" (
    "model_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "custom_model_owners_pkey" PRIMARY KEY ("model_id","session_id")
);

-- CreateIndex
CREATE INDEX "custom_model_owners_session_id_idx" ON "custom_model_owners"("session_id");

-- AddForeignKey
ALTER TABLE "custom_model_owners" ADD CONSTRAINT "custom_model_owners_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "custom_models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "custom_model_owners" ADD CONSTRAINT "custom_model_owners_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Models trained before this migration belong to the session that trained them, if it still exists.
INSERT INTO "custom_model_owners" ("model_id", "session_id", "created_at")
SELECT m."id", m."created_by_session", m."created_at"
FROM "custom_models" m JOIN "sessions" s ON s."id" = m."created_by_session";
