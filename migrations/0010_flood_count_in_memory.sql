-- The flood rule no longer counts a user's recent updates in the inbox:
-- the process that handles them counts them as it goes (bot/flood.go).
-- Each count read every update the user sent within the window, a heap
-- page each, and under a campaign's burst it was the database's largest
-- cost of handling an update; the index was one more entry written for
-- every update kept and again for every update handled.
DROP INDEX inbox_user_received;
