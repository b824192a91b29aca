// Package storage owns every SQL statement of expertbot. It speaks
// PostgreSQL through sqlx and lib/pq and knows nothing of Telegram's API:
// an update is JSON it keeps, a call is a method and its parameters.
//
// # Transactions
//
// DB.InTx runs a function in a transaction, and methods of Tx compose
// inside it, so that a handler's change of state and the calls it queues
// are committed together or not at all. Driver errors become ErrNotFound
// and ErrConflict in one place (dbErr).
//
// # The two queues
//
// The inbox (inbox.go) keeps every update as Telegram sent it, byte for
// byte (json, not jsonb, which would reorder its keys), keyed by its id. A
// worker takes a chat's oldest waiting update, or the oldest of each of a
// batch of chats, and marks it handled in the transaction that handles it:
// a rollback unmarks it. A transaction-level advisory lock per chat keeps
// two processes from handling one chat at once.
//
// The outbox (outbox.go) keeps every Bot API call the bot makes, written in
// the transaction of the change that caused it; Enqueue writes a
// transaction's calls together just before its commit. After the commit the
// process that queued them is told (OnQueued) and wakes its sender, or,
// when another process's sender is the active one, sends NOTIFY in a
// transaction of its own (NotifyQueued): a transaction that notifies holds
// a database-wide lock through its commit in PostgreSQL up to 17, which
// made every handler's commit wait for the one before it when the NOTIFY
// was a trigger's. The active sender reads the calls through the
// connection that holds its lock (Lock), so a sender whose lock is gone
// reads none.
//
// # Statements and plans
//
// Every statement is prepared once per connection and reused, and lib/pq
// sends parse, bind and execute together (binary_parameters), so that a
// statement costs one round trip. The connections plan each statement once
// (plan_cache_mode=force_generic_plan): by default PostgreSQL plans anew at
// each execution a statement taking an array, which under load costs more
// than executing it. A plan then lives as long as its connection, so the
// connections also set enable_seqscan=off: planned on a new, empty
// database, a queue's statements would otherwise read the whole table
// until the next ANALYZE. Every statement of the bot's work finds its rows
// through an index; a whole table becomes the planner's last resort. A
// DATABASE_URL that sets either keeps its own.
//
// After a quiet spell almost every row of the queues is handled or sent,
// and a burst meets statistics of an empty queue; migration 6 has
// autovacuum analyse both queues after every thousand changes, and the
// sender refreshes the outbox's statistics itself when a claim is slow
// (AnalyzeOutbox).
//
// # Time
//
// The outbox's due times and the reminders' are the caller's clock, passed
// in (ClaimCalls, FireReminder), not the database's now(): the sender and
// the timers compare them with the clock that set them, which a test can
// move on.
package storage
