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
