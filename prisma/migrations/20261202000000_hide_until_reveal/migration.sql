-- [RV1] A round can hide the model's exact distribution until the reveal. Rounds stored before this setting
-- existed showed it from the start, so they keep false.
-- AlterTable
ALTER TABLE "rounds" ADD COLUMN "hide_until_reveal" BOOLEAN NOT NULL DEFAULT false;
