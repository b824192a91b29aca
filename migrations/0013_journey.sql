-- What each expert's card of a problem says now (open, yours, taken,
-- declined, solved, closed, merged, moved), so that a change of the problem
-- edits the cards that say otherwise, and only those.
ALTER TABLE problem_experts ADD COLUMN card_state TEXT NOT NULL DEFAULT 'open';

-- An edit of a message that a newer edit of it replaces before it is sent
-- is not sent: a count edited as an album's photos arrive goes out once or
-- twice, not once a photo.
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check,
    ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending', 'sent', 'failed', 'superseded'));

-- Files as people send them: voice notes, audio, videos and round video
-- notes too, each with the caption it came with.
ALTER TABLE attachments DROP CONSTRAINT attachments_kind_check,
    ADD CONSTRAINT attachments_kind_check CHECK (kind IN ('photo', 'document', 'voice', 'audio', 'video', 'video_note')),
    ADD COLUMN caption TEXT NOT NULL DEFAULT '';
