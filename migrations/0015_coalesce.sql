-- A message of a thread that may share one Telegram message with the
-- messages of the same thread queued behind it for the same chat: its key
-- (calls with the same key combine), and the head, part and foot of its
-- text. NULL for every other call.
ALTER TABLE outbox ADD COLUMN coalesce JSONB;
