-- The catalogue of what the network recommends: partner companies (with
-- their country and site), technologies, and standards or regulations by
-- their code. A recommendation of one of those kinds names its entry;
-- one partner is one row however the experts spell it, which they
-- confirm when a new spelling is like an entry's.
CREATE TABLE catalogue (
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('partner', 'technology', 'standard')),
    name       TEXT NOT NULL,
    country    TEXT NOT NULL DEFAULT '',
    site       TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX catalogue_name ON catalogue USING gin (lower(name) gin_trgm_ops);

ALTER TABLE recommendations ADD COLUMN catalogue_id BIGINT REFERENCES catalogue (id);
CREATE INDEX recommendations_catalogue ON recommendations (catalogue_id) WHERE catalogue_id IS NOT NULL;
