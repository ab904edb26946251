-- Deleting a session cascades from participants to samples and guesses by participant_id:
-- without these indexes every participant's cascade scans the whole table.
-- CreateIndex
CREATE INDEX "samples_participant_id_idx" ON "samples"("participant_id");

-- CreateIndex
CREATE INDEX "guesses_participant_id_idx" ON "guesses"("participant_id");
