-- A banned user is told of the ban once in a while, not at every message:
-- when they last were.
ALTER TABLE users ADD COLUMN ban_notified_at TIMESTAMPTZ;

-- A @username is one user's, whoever was seen with it last: the others
-- lose it (storage.touchUsers keeps it so), and a lookup by it is quick.
UPDATE users u SET username = ''
WHERE username <> '' AND EXISTS (
    SELECT FROM users n WHERE lower(n.username) = lower(u.username) AND n.id <> u.id
        AND (n.updated_at, n.id) > (u.updated_at, u.id));
CREATE INDEX users_username ON users (lower(username)) WHERE username <> '';

-- The sandbox's mark on a database it made for itself: it loads its
-- demonstration only into an empty database, or one so marked.
CREATE TABLE sandbox (
    made_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Consent to the privacy notice: which version a user agreed to, and when.
-- A user who has not agreed to the current version is asked before the bot
-- keeps anything they post.
ALTER TABLE users ADD COLUMN consent_version TEXT NOT NULL DEFAULT '',
                  ADD COLUMN consented_at TIMESTAMPTZ;

-- A user who asked to be forgotten: their row is replaced by an anonymous
-- one, with an id from a range no Telegram user or chat has, to which
-- their requests move so that statistics stay true (storage.Forget).
ALTER TABLE users ADD COLUMN forgotten_at TIMESTAMPTZ;
CREATE SEQUENCE forgotten_users MINVALUE -9223372036854775807 START -9000000000000000000;

-- Retention (storage.Purge): how far each queue has been purged, and the
-- indexes that tell whether a call done is still named by a card or an
-- edit, as a relay or a moderation card is by its key.
CREATE TABLE retention_marks (
    queue TEXT PRIMARY KEY CHECK (queue IN ('inbox', 'outbox')),
    upto  BIGINT NOT NULL
);
INSERT INTO retention_marks (queue, upto) VALUES ('inbox', 0), ('outbox', 0);
CREATE INDEX problem_experts_card ON problem_experts (card_id) WHERE card_id IS NOT NULL;
CREATE INDEX outbox_edit_of ON outbox (edit_of) WHERE edit_of IS NOT NULL;

-- The users each export named, so that one who is forgotten has the
-- exports that named them deleted from the moderators' chats, after the
-- export's bytes were dropped on delivery.
CREATE TABLE exports (
    outbox_id BIGINT PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
    authors   BIGINT[] NOT NULL
);
