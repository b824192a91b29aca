-- The inbox and the outbox are queues: a burst (a campaign, a fan-out to a
-- thousand experts) turns a table that was almost all handled or sent into
-- one with thousands waiting. The planner's picture of how many rows wait
-- must follow within seconds, not after a tenth of the table has changed,
-- or it plans the queue's queries for an empty queue and scans it whole for
-- every row it looks at. Vacuum follows as closely, so that the indexes of
-- waiting rows do not fill with rows long handled.
ALTER TABLE inbox SET (
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE outbox SET (
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.01);
