-- Trend notes: what an expert writes for a sector on a technology, a
-- standard or a market trend. A moderator approves a note before it goes
-- to the entrepreneurs who subscribed to the sector.
CREATE TABLE notes (
    id         BIGSERIAL PRIMARY KEY,
    author_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sector_id  INT NOT NULL REFERENCES sectors (id),
    text       TEXT NOT NULL,
    -- The expert's message, copied to subscribers as it is when it has a file.
    chat_id    BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    has_file   BOOLEAN NOT NULL DEFAULT false,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_at TIMESTAMPTZ
);
CREATE INDEX notes_author ON notes (author_id);

CREATE TABLE subscriptions (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sector_id  INT NOT NULL REFERENCES sectors (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, sector_id)
);
CREATE INDEX subscriptions_sector ON subscriptions (sector_id);
