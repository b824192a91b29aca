-- A supporter may say in a line how their case differs; the experts read
-- it without their name.
ALTER TABLE supporters ADD COLUMN line TEXT NOT NULL DEFAULT '';
