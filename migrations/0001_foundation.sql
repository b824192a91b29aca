-- Foundation: users, the update inbox, the message outbox and dialogue state.

CREATE TABLE users (
    id                 BIGINT PRIMARY KEY,                 -- Telegram user id
    username           TEXT NOT NULL DEFAULT '',
    first_name         TEXT NOT NULL DEFAULT '',
    last_name          TEXT NOT NULL DEFAULT '',
    telegram_language  TEXT NOT NULL DEFAULT '',           -- language_code as Telegram reports it
    language           TEXT NOT NULL DEFAULT ''            -- chosen by the user: kk, ru or en
        CHECK (language IN ('', 'kk', 'ru', 'en')),
    role               TEXT NOT NULL DEFAULT 'entrepreneur'
        CHECK (role IN ('entrepreneur', 'moderator', 'admin')),
    unreachable_since  TIMESTAMPTZ,                        -- set when Telegram answers 403
    unreachable_reason TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every update Telegram gave us, kept before it is confirmed.
CREATE TABLE inbox (
    update_id       BIGINT PRIMARY KEY,
    chat_id         BIGINT NOT NULL,                       -- 0 when the update has no chat
    user_id         BIGINT NOT NULL,                       -- 0 when the update has no sender
    kind            TEXT NOT NULL,                         -- message, callback_query, …
    payload         JSONB NOT NULL,                        -- the update as Telegram sent it
    received_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    handled_at      TIMESTAMPTZ,
    attempts        INT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error      TEXT NOT NULL DEFAULT '',
    parked_at       TIMESTAMPTZ                            -- gave up after too many failures
);
CREATE INDEX inbox_pending ON inbox (chat_id, update_id)
    WHERE handled_at IS NULL AND parked_at IS NULL;
CREATE INDEX inbox_parked ON inbox (parked_at) WHERE parked_at IS NOT NULL;

-- Every Telegram call the bot makes, written in the transaction that caused it.
CREATE TABLE outbox (
    id          BIGSERIAL PRIMARY KEY,
    chat_id     BIGINT NOT NULL,                           -- 0 for calls that belong to no chat
    method      TEXT NOT NULL,
    params      JSONB NOT NULL,                            -- form parameters, all strings
    file_field  TEXT NOT NULL DEFAULT '',                  -- set when a file is uploaded
    file_name   TEXT NOT NULL DEFAULT '',
    file_data   BYTEA NOT NULL DEFAULT '',
    priority    SMALLINT NOT NULL DEFAULT 0,               -- 0 interactive, 1 bulk
    status      TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed')),
    not_before  TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts    INT NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    message_id  BIGINT,                                    -- of the message Telegram created
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at     TIMESTAMPTZ,
    claimed_until TIMESTAMPTZ                            -- a sender is calling Telegram with it
);
CREATE INDEX outbox_pending_chat ON outbox (chat_id, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_order ON outbox (priority, id) WHERE status = 'pending';

-- Wake the sender of any replica after a commit that added outgoing calls.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Which step of which dialogue a user is in, and what they entered so far.
CREATE TABLE dialogs (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    name       TEXT NOT NULL,
    step       TEXT NOT NULL,
    data       JSONB NOT NULL DEFAULT '{}',
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
