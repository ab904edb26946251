-- [TM1] An optional round timer in seconds; null (every round stored before it existed) means no timer.
-- AlterTable
ALTER TABLE "rounds" ADD COLUMN "timer_seconds" INTEGER;
