-- Me too: entrepreneurs who have the same problem as a published one.
-- Each counts once; their number is the problem's weight.
CREATE TABLE supporters (
    problem_id BIGINT NOT NULL REFERENCES problems (id),
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (problem_id, user_id)
);
CREATE INDEX supporters_user ON supporters (user_id);
