-- The committee console's sign-in: a one-time link the bot sends with
-- /web, and the sessions it opens. Only hashes of the secrets are kept,
-- so that a copy of the database signs nobody in.
CREATE TABLE console_links (
    hash       BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX console_links_expires ON console_links (expires_at);

CREATE TABLE console_sessions (
    hash       BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);
