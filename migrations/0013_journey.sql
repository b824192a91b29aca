-- What each expert's card of a problem says now (open, yours, taken,
-- declined, solved, closed, merged, moved), so that a change of the problem
-- edits the cards that say otherwise, and only those.
ALTER TABLE problem_experts ADD COLUMN card_state TEXT NOT NULL DEFAULT 'open';
