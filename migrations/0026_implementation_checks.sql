-- Each answer an entrepreneur gave about a recommendation's
-- implementation, oldest first: "in progress" is asked again later, and
-- the console shows the whole course.
CREATE TABLE implementation_checks (
    id                BIGSERIAL PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN ('implemented', 'in_progress', 'not_implemented')),
    comment           TEXT NOT NULL DEFAULT '',
    at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX implementation_checks_recommendation ON implementation_checks (recommendation_id, id);

INSERT INTO implementation_checks (recommendation_id, status, comment, at)
SELECT id, implementation, implementation_comment, implementation_at FROM recommendations
WHERE implementation <> '' AND implementation_at IS NOT NULL;
