-- The problem journey: reference data, problems and their threads, experts,
-- recommendations, ratings and reminders.

-- Calls that edit a message the bot sent: the message is named by its
-- outbox row, since its Telegram id is known only once it is sent.
ALTER TABLE outbox ADD COLUMN edit_of BIGINT REFERENCES outbox (id);
CREATE INDEX outbox_sent_message ON outbox (chat_id, message_id) WHERE message_id IS NOT NULL;

CREATE TABLE sectors (
    id         SERIAL PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name_kk    TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    position   INT NOT NULL DEFAULT 0,
    retired_at TIMESTAMPTZ
);

CREATE TABLE regions (
    id       SERIAL PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name_kk  TEXT NOT NULL,
    name_ru  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    position INT NOT NULL DEFAULT 0
);

-- Technological competence centres, each serving one or more sectors.
CREATE TABLE centres (
    id         SERIAL PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name_kk    TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    retired_at TIMESTAMPTZ
);

CREATE TABLE centre_sectors (
    centre_id INT NOT NULL REFERENCES centres (id),
    sector_id INT NOT NULL REFERENCES sectors (id),
    PRIMARY KEY (centre_id, sector_id)
);
CREATE INDEX centre_sectors_sector ON centre_sectors (sector_id);

-- An expert is a user who belongs to one or more centres.
CREATE TABLE experts (
    user_id   BIGINT NOT NULL REFERENCES users (id),
    centre_id INT NOT NULL REFERENCES centres (id),
    added_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, centre_id)
);
CREATE INDEX experts_centre ON experts (centre_id);

ALTER TABLE users ADD COLUMN away BOOLEAN NOT NULL DEFAULT false;  -- an expert's /away

CREATE TABLE problems (
    id              BIGSERIAL PRIMARY KEY,
    author_id       BIGINT NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL CHECK (kind IN ('problem', 'appraisal')),
    sector_id       INT NOT NULL REFERENCES sectors (id),
    region_id       INT NOT NULL REFERENCES regions (id),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    company         TEXT NOT NULL DEFAULT '',
    bin             TEXT NOT NULL DEFAULT '',
    anonymous       BOOLEAN NOT NULL DEFAULT false,
    status          TEXT NOT NULL CHECK (status IN
        ('draft', 'pending_moderation', 'open', 'taken', 'answered', 'resolved', 'closed', 'rejected')),
    owner_id        BIGINT REFERENCES users (id),      -- the expert who took it
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    routed_at       TIMESTAMPTZ,                        -- sent to the experts
    first_answer_at TIMESTAMPTZ,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX problems_author ON problems (author_id, id);
CREATE INDEX problems_status ON problems (status, sector_id);

-- Every change of a problem's status: who, from, to, when, why.
CREATE TABLE problem_events (
    id          BIGSERIAL PRIMARY KEY,
    problem_id  BIGINT NOT NULL REFERENCES problems (id),
    actor_id    BIGINT REFERENCES users (id),          -- NULL: the bot itself (a timer)
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX problem_events_problem ON problem_events (problem_id, id);

-- The experts a problem was sent to, and whether they declined it.
CREATE TABLE problem_experts (
    problem_id  BIGINT NOT NULL REFERENCES problems (id),
    expert_id   BIGINT NOT NULL REFERENCES users (id),
    declined_at TIMESTAMPTZ,
    notified_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    card_id     BIGINT REFERENCES outbox (id),          -- the card's message
    PRIMARY KEY (problem_id, expert_id)
);
CREATE INDEX problem_experts_expert ON problem_experts (expert_id);

-- The thread: every message of a problem's conversation.
CREATE TABLE messages (
    id            BIGSERIAL PRIMARY KEY,
    problem_id    BIGINT NOT NULL REFERENCES problems (id),
    author_id     BIGINT NOT NULL REFERENCES users (id),
    author_role   TEXT NOT NULL CHECK (author_role IN ('entrepreneur', 'expert', 'moderator')),
    recipient_id  BIGINT REFERENCES users (id),
    reply_to      BIGINT REFERENCES messages (id),
    text          TEXT NOT NULL DEFAULT '',
    original_text TEXT,                                  -- the first version, once edited
    chat_id       BIGINT NOT NULL,                       -- where the author wrote it
    tg_message_id BIGINT NOT NULL,
    edited_at     TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (chat_id, tg_message_id)
);
CREATE INDEX messages_problem ON messages (problem_id, id);

CREATE TABLE attachments (
    id             BIGSERIAL PRIMARY KEY,
    problem_id     BIGINT NOT NULL REFERENCES problems (id),
    message_id     BIGINT REFERENCES messages (id),      -- NULL: attached when posting
    kind           TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
    file_id        TEXT NOT NULL,
    file_name      TEXT NOT NULL DEFAULT '',
    media_group_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attachments_problem ON attachments (problem_id, id);

-- Every copy the bot sent of a card or a thread message, so that a reply to
-- any of them finds its problem and its author.
CREATE TABLE relays (
    outbox_id    BIGINT PRIMARY KEY REFERENCES outbox (id),
    problem_id   BIGINT NOT NULL REFERENCES problems (id),
    message_id   BIGINT REFERENCES messages (id),        -- NULL: the problem's card
    recipient_id BIGINT NOT NULL REFERENCES users (id)
);
CREATE INDEX relays_message ON relays (message_id);

CREATE TABLE recommendations (
    id                BIGSERIAL PRIMARY KEY,
    message_id        BIGINT NOT NULL UNIQUE REFERENCES messages (id),
    problem_id        BIGINT NOT NULL REFERENCES problems (id),
    type              TEXT NOT NULL CHECK (type IN
        ('technology', 'partner', 'standard', 'training', 'appraisal', 'scenario')),
    implementation    TEXT NOT NULL DEFAULT '' CHECK (implementation IN
        ('', 'implemented', 'in_progress', 'not_implemented')),
    implementation_comment TEXT NOT NULL DEFAULT '',
    implementation_at TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE ratings (
    problem_id BIGINT NOT NULL REFERENCES problems (id),
    expert_id  BIGINT NOT NULL REFERENCES users (id),
    author_id  BIGINT NOT NULL REFERENCES users (id),
    score      SMALLINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (problem_id, expert_id)
);

-- Timers: a problem nobody took, one nobody answered, a recommendation
-- whose implementation to ask about.
CREATE TABLE reminders (
    id                BIGSERIAL PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('untaken', 'unanswered', 'implementation')),
    problem_id        BIGINT NOT NULL REFERENCES problems (id),
    recommendation_id BIGINT REFERENCES recommendations (id),
    due_at            TIMESTAMPTZ NOT NULL,
    done_at           TIMESTAMPTZ
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE done_at IS NULL;
