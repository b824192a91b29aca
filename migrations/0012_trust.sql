-- A banned user is told of the ban once in a while, not at every message:
-- when they last were.
ALTER TABLE users ADD COLUMN ban_notified_at TIMESTAMPTZ;
