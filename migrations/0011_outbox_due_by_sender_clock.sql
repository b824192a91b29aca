-- A call is due when its not_before is not after the sender's clock, which
-- the sender passes to its claims (storage.ClaimCalls): the sender sets
-- not_before when it puts a call off, so both sides of the comparison are
-- its clock. A new call is due at once, whatever either clock says.
ALTER TABLE outbox ALTER COLUMN not_before SET DEFAULT '-infinity';
