-- The Telegram ids of every message an album call (sendMediaGroup) created,
-- so that a reply to any photo of a relayed album finds its problem.

ALTER TABLE outbox ADD COLUMN album_ids BIGINT[];
CREATE INDEX outbox_album ON outbox USING gin (album_ids) WHERE album_ids IS NOT NULL;
