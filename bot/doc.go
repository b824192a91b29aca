// Package bot is expertbot's conversation: the handlers of every command,
// button and message, the dialogues, the texts in Kazakh, Russian and
// English, and New, which wires the pipeline's stages around them:
//
//	intake (bot/intake) → inbox → dispatch (bot/dispatch) → handlers (here) → outbox → sender (bot/sender)
//
// # Handling an update
//
// The dispatcher gives each update to handle, in the transaction that
// marks it handled. newReq records its sender and makes a req: the
// transaction, the user as the database has them, their language and the
// chat to answer in. Commands and buttons are tables (handler.go), each
// entry behind the check of who may use it (roles.go), decided from the
// user's row, never from what a button says; the handlers behind check
// what they act on in the same transaction (the problem is still open, the
// presser is its expert). What a handler sends it queues with the
// transaction (req.send, req.answer, outgoing.go), so that it goes out if
// and only if the change is committed.
//
// # State
//
// A conversation's step and its answers so far are a row of dialogs
// (newproblem.go, expert.go, closing.go), so a restart in the middle of a
// dialogue loses nothing. Timers are rows of reminders (remind.go), fired
// by a loop that claims due rows with FOR UPDATE SKIP LOCKED, so a timer
// set before a restart fires after it.
//
// # Threads
//
// Every copy of a card or a message the bot relays is recorded by its
// outbox row (relays), whose Telegram message id the sender fills in, and
// for an album the ids of all its parts: a reply to any of them finds its
// problem and its author without trusting forward_from. An edit of a
// message the bot sent names it by outbox row too (edit_of), since its
// Telegram id is known only once it has been sent. A reply to a message
// whose sending is not yet recorded (the user was quicker than Telegram's
// answer to the bot) is postponed for a moment (dispatch.NotYet).
//
// # Texts
//
// Every text is an entry of texts*.go with its three languages; a test
// fails when a language is missing or the format verbs differ. User text
// is always HTML-escaped (html.go); a text longer than Telegram's 4096
// characters is split at paragraphs, else lines, else spaces, with tags
// closed and reopened across the parts. Callback data is short, versioned
// and parsed in one place (callback.go).
package bot
