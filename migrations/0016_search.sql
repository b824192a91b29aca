-- Full-text search over problems and their answers, kept current by the
-- database. Russian and English words are found by their stems (Snowball);
-- Kazakh, which PostgreSQL has no stemmer for, and any word by a part of
-- it (another case ending, a typo) through trigrams (pg_trgm, a trusted
-- extension of PostgreSQL's contrib, which its Debian package includes).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE problems
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', title), 'A') || setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('russian', body), 'B') || setweight(to_tsvector('english', body), 'B')) STORED,
    -- A moderator may keep an answered problem out of search.
    ADD COLUMN hidden_at TIMESTAMPTZ;
CREATE INDEX problems_search ON problems USING gin (search);
CREATE INDEX problems_trgm ON problems USING gin ((title || ' ' || body) gin_trgm_ops);

ALTER TABLE messages
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('russian', text) || to_tsvector('english', text)) STORED;
CREATE INDEX messages_search ON messages USING gin (search) WHERE author_role = 'expert';
CREATE INDEX messages_trgm ON messages USING gin (text gin_trgm_ops) WHERE author_role = 'expert';

-- A search someone made, so that its buttons (pages, sector filters) can
-- name it in their 64 bytes; kept a day.
CREATE TABLE searches (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    words      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX searches_created ON searches (created_at);
