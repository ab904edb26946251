-- AlterTable
ALTER TABLE "rounds" ADD COLUMN     "candidates" JSONB,
ADD COLUMN     "guess_locked_at" TIMESTAMPTZ(3);

