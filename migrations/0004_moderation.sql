-- Moderation: bans, the moderators' cards of each problem, merges, the
-- audit log, and timers that belong to no problem (the weekly digest).

ALTER TABLE users ADD COLUMN banned_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN ban_reason TEXT NOT NULL DEFAULT '';

ALTER TABLE problems ADD COLUMN merged_into BIGINT REFERENCES problems (id);
ALTER TABLE problems ADD COLUMN reject_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE problems ADD COLUMN resolved_at TIMESTAMPTZ;

-- Every moderation card sent for a problem, so that when one moderator acts
-- every card shows the outcome and nobody acts twice.
CREATE TABLE moderation_cards (
    outbox_id  BIGINT PRIMARY KEY REFERENCES outbox (id),
    problem_id BIGINT NOT NULL REFERENCES problems (id),
    chat_id    BIGINT NOT NULL
);
CREATE INDEX moderation_cards_problem ON moderation_cards (problem_id);

-- Every moderator's and admin's action: who, what, when, on what, why.
CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    actor_id   BIGINT NOT NULL REFERENCES users (id),
    action     TEXT NOT NULL,
    problem_id BIGINT REFERENCES problems (id),
    target     TEXT NOT NULL DEFAULT '',   -- a user, a centre, a sector… as text
    reason     TEXT NOT NULL DEFAULT '',
    at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_at ON audit_log (at DESC);

ALTER TABLE reminders ALTER COLUMN problem_id DROP NOT NULL;
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check
    CHECK (kind IN ('untaken', 'unanswered', 'implementation', 'digest'));

-- Who sent how much, for flood control: notices given, and reports made.
CREATE TABLE floods (
    user_id     BIGINT NOT NULL REFERENCES users (id),
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    reported    BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX floods_user ON floods (user_id, at);
CREATE INDEX inbox_user_received ON inbox (user_id, received_at);

-- Resolved problems before this migration: their time from the history.
UPDATE problems p SET resolved_at = e.at
FROM (SELECT problem_id, max(at) AS at FROM problem_events WHERE to_status = 'resolved' GROUP BY problem_id) e
WHERE e.problem_id = p.id AND p.status = 'resolved';
