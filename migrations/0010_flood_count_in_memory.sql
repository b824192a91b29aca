-- The flood rule no longer counts a user's recent updates in the inbox:
-- the process that handles them counts them as it goes (bot/flood.go).
-- Each count read every update the user sent within the window, a heap
-- page each: under a burst of users sending many updates each, a seventh
-- of the database's time over an intake; the index was one more entry
-- written for every update kept and again for every update handled.
DROP INDEX inbox_user_received;
