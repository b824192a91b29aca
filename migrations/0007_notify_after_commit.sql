-- The sender is no longer woken by a trigger on the outbox. In PostgreSQL
-- up to 17, a transaction that NOTIFYs holds a lock of the whole database
-- from the start of its commit to its end, so that notifications queue in
-- commit order: every handler's commit waited for the one before it to
-- reach the disk, and no two shared a flush. The process that commits
-- outgoing calls now wakes its own sender directly, or, when another
-- replica's sender is the active one, notifies in a transaction of its own
-- after the commit (storage.NotifyQueued).
DROP TRIGGER outbox_notify ON outbox;
DROP FUNCTION outbox_notify();
