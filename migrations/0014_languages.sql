-- The languages an expert reads requests in, as they said with /languages,
-- space-separated ("kk ru"); empty until they do, when their bot language
-- and their Telegram app's stand for them.
ALTER TABLE users ADD COLUMN languages TEXT NOT NULL DEFAULT '';

-- The language a request is written in: its author's when it was posted,
-- so that it goes first to experts who read it. Empty: not known.
ALTER TABLE problems ADD COLUMN language TEXT NOT NULL DEFAULT '';
UPDATE problems p SET language = u.language FROM users u WHERE u.id = p.author_id;
