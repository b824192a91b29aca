package storage

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/lib/pq"
)

// Update is a Telegram update as kept in the inbox.
type Update struct {
	ID         int64     `db:"update_id"`
	ChatID     int64     `db:"chat_id"`
	UserID     int64     `db:"user_id"`
	Kind       string    `db:"kind"`
	Payload    []byte    `db:"payload"` // the update's JSON as Telegram sent it
	Attempts   int       `db:"attempts"`
	ReceivedAt time.Time `db:"received_at"` // when it was kept; set when it is taken for handling
}

// SaveUpdates keeps a batch of updates in one statement, skipping those
// already kept, and returns how many were new. Only after it returns may the
// updates be confirmed to Telegram.
func (db *DB) SaveUpdates(ctx context.Context, updates []Update) (int, error) {
	if len(updates) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(updates))
	chats := make([]int64, len(updates))
	users := make([]int64, len(updates))
	kinds := make([]string, len(updates))
	payloads := make([][]byte, len(updates))
	for i, u := range updates {
		ids[i], chats[i], users[i], kinds[i], payloads[i] = u.ID, u.ChatID, u.UserID, u.Kind, u.Payload
	}
	res, err := db.exec(ctx, `
		INSERT INTO inbox (update_id, chat_id, user_id, kind, payload)
		SELECT u.id, u.chat, u.usr, u.kind, u.payload
		FROM ROWS FROM (unnest($1::bigint[]), unnest($2::bigint[]), unnest($3::bigint[]), unnest($4::text[]),
			json_array_elements($5::json)) AS u (id, chat, usr, kind, payload)
		ON CONFLICT (update_id) DO NOTHING`,
		pq.Array(ids), pq.Array(chats), pq.Array(users), pq.Array(kinds), jsonArray(payloads))
	if err != nil {
		return 0, fmt.Errorf("storage: save %d updates: %w", len(updates), dbErr(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ChatQueue is a chat with updates waiting to be handled.
type ChatQueue struct {
	ChatID int64     `db:"chat_id"`
	DueAt  time.Time `db:"next_attempt_at"` // when its oldest waiting update may be tried
}

// PendingChats lists the chats with updates waiting, with when the oldest of
// each may be handled. Updates of one chat are handled strictly in order, so
// a chat whose oldest update waits for a retry waits as a whole.
func (db *DB) PendingChats(ctx context.Context) ([]ChatQueue, error) {
	var qs []ChatQueue
	err := db.sel(ctx, &qs, `
		SELECT DISTINCT ON (chat_id) chat_id, next_attempt_at
		FROM inbox
		WHERE handled_at IS NULL AND parked_at IS NULL
		ORDER BY chat_id, update_id`)
	if err != nil {
		return nil, fmt.Errorf("storage: list pending chats: %w", dbErr(err))
	}
	return qs, nil
}

// HandleNext runs fn on the oldest waiting update of a chat, in a transaction
// that also marks the update handled, so that its effects and the mark are
// committed together or not at all. It returns the update, nil with a nil
// error when there was none due or another worker holds the chat, and
// whether another update of the chat is due after it, so that a caller
// draining the chat need not ask again to find it empty. An error from fn
// is returned as it is, with the update, and the transaction is rolled back.
func (db *DB) HandleNext(ctx context.Context, chatID int64, fn func(ctx context.Context, tx *Tx, u *Update) error) (*Update, bool, error) {
	var handled *Update
	more := false
	err := db.InTx(ctx, func(tx *Tx) error {
		// The update is taken and marked in one statement, before fn runs:
		// a rollback unmarks it. No row when another worker holds the chat,
		// as when none is due. The statement's snapshot is taken before the
		// lock: a worker that has just let go of the chat may have handled
		// the update it picks, so the update itself checks again that it is
		// not handled, on its newest version. The check is written with
		// COALESCE rather than as inbox_pending's predicate, or the planner,
		// with statistics of an empty queue, walks that whole index to find
		// one row instead of using the key.
		var next []pendingUpdate
		err := tx.sel(ctx, &next, `
			UPDATE inbox i SET handled_at = now()
			WHERE i.update_id = (
				SELECT update_id FROM inbox
				WHERE chat_id = $1 AND handled_at IS NULL AND parked_at IS NULL AND next_attempt_at <= now()
					AND pg_try_advisory_xact_lock($1)
				ORDER BY update_id
				LIMIT 1)
				AND COALESCE(i.handled_at, i.parked_at) IS NULL
			RETURNING i.update_id, i.chat_id, i.user_id, i.kind, i.payload, i.attempts, i.received_at,
				EXISTS (
					SELECT FROM inbox n
					WHERE n.chat_id = i.chat_id AND n.handled_at IS NULL AND n.parked_at IS NULL
						AND n.next_attempt_at <= now() AND n.update_id > i.update_id) AS more`, chatID)
		if err != nil {
			return fmt.Errorf("storage: next update of chat %d: %w", chatID, dbErr(err))
		}
		if len(next) == 0 {
			return nil
		}
		if err := tx.keepSenders(ctx, next); err != nil {
			return err
		}
		handled, more = &next[0].Update, next[0].More
		return fn(ctx, tx, handled)
	})
	return handled, more, err
}

// pendingUpdate is an update taken for handling, and whether another
// update of its chat is due after it.
type pendingUpdate struct {
	Update
	More bool `db:"more"`
}

// expertColumn tells, beside a user u's row, whether they are an expert of
// a centre in use.
const expertColumn = `EXISTS (
		SELECT FROM experts e JOIN centres c ON c.id = e.centre_id
		WHERE e.user_id = u.id AND c.retired_at IS NULL) AS expert`

// keepSenders reads the senders of the updates taken as TouchUser returns
// them, in one statement that writes nothing, and keeps them for the
// transaction: the handler's TouchUser of a sender whose description has
// not changed then costs no statement of its own (TouchUser's statement
// records the user, which locks their row even when nothing changed). A sender not yet recorded is not found, and
// TouchUser adds them.
//
// A statement of its own rather than a column of the statement that takes
// the updates: read there, as JSON built by a subquery for each update,
// it cost more than this statement beside it.
func (tx *Tx) keepSenders(ctx context.Context, taken []pendingUpdate) error {
	var ids []int64
	for _, t := range taken {
		if t.UserID != 0 {
			ids = append(ids, t.UserID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var senders []User
	err := tx.sel(ctx, &senders, `
		SELECT `+userColumns+`, `+expertColumn+`
		FROM users u WHERE u.id = ANY($1)`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("storage: read the senders of %d updates: %w", len(taken), dbErr(err))
	}
	byID := make(map[int64]User, len(senders))
	for _, u := range senders {
		byID[u.ID] = u
	}
	// One for each update, as TouchUser takes one for each call.
	for _, t := range taken {
		if u, ok := byID[t.UserID]; ok {
			tx.known = append(tx.known, touching{as: u.described(), user: &u})
		}
	}
	return nil
}

// HandleBatch handles the oldest due update of each of several chats in
// one transaction, which also marks them handled: under load, one commit
// and a few statements serve many chats instead of each update paying for
// its own. Chats another worker holds, or with nothing due, are left out.
// prepare, if not nil, runs first on all of them (to read or record at once
// what each will need), then fn on each, oldest first. It returns the
// updates handled and the chats among them with another update due, so
// that a caller can go on with them without looking for them again. When
// fn fails for one, the whole transaction is rolled back, nothing of the
// batch is kept, and that update is returned with the error; the caller
// then handles the chats one by one, where a failure is the failing
// update's alone.
func (db *DB) HandleBatch(ctx context.Context, chatIDs []int64, prepare func(ctx context.Context, tx *Tx, us []Update) error, fn func(ctx context.Context, tx *Tx, u *Update) error) (handled []Update, more []int64, failed *Update, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		// The updates are taken and marked in one statement, before fn runs:
		// a rollback unmarks them. Each chat reads at most its two oldest due
		// updates, the one taken and whether another follows, rather than
		// all it has waiting (a chat 20 deep would read 20 rows), and is
		// locked once, when it has
		// one due. As in HandleNext, each update checks again that it is
		// not handled, by key.
		var next []pendingUpdate
		err := tx.sel(ctx, &next, `
			UPDATE inbox i SET handled_at = now()
			FROM (
				SELECT min(d.update_id) AS update_id, count(*) > 1 AS more
				FROM unnest($1::bigint[]) AS c (chat_id)
				CROSS JOIN LATERAL (
					SELECT update_id FROM inbox
					WHERE chat_id = c.chat_id AND handled_at IS NULL AND parked_at IS NULL AND next_attempt_at <= now()
					ORDER BY update_id
					LIMIT 2) d
				GROUP BY c.chat_id
				HAVING pg_try_advisory_xact_lock(c.chat_id)) n
			WHERE i.update_id = n.update_id AND COALESCE(i.handled_at, i.parked_at) IS NULL
			RETURNING i.update_id, i.chat_id, i.user_id, i.kind, i.payload, i.attempts, i.received_at, n.more`, pq.Array(chatIDs))
		if err != nil {
			return fmt.Errorf("storage: next updates of %d chats: %w", len(chatIDs), dbErr(err))
		}
		if err := tx.keepSenders(ctx, next); err != nil {
			return err
		}
		sort.Slice(next, func(i, j int) bool { return next[i].ID < next[j].ID })
		if prepare != nil && len(next) > 0 {
			us := make([]Update, len(next))
			for i, n := range next {
				us[i] = n.Update
			}
			if err := prepare(ctx, tx, us); err != nil {
				return err
			}
		}
		for i := range next {
			if err := fn(ctx, tx, &next[i].Update); err != nil {
				failed = &next[i].Update
				return err
			}
		}
		for _, n := range next {
			handled = append(handled, n.Update)
			if n.More {
				more = append(more, n.ChatID)
			}
		}
		return nil
	})
	if err != nil {
		handled, more = nil, nil
	}
	return handled, more, failed, err
}

// StripUpdate empties an update's payload but for its id, in the
// transaction that handles it: for what the bot does not use (a contact,
// a location), which it keeps no longer than it takes to handle it.
func (tx *Tx) StripUpdate(ctx context.Context, updateID int64) error {
	_, err := tx.exec(ctx, `UPDATE inbox SET payload = json_build_object('update_id', update_id) WHERE update_id = $1`, updateID)
	if err != nil {
		return fmt.Errorf("storage: strip update %d: %w", updateID, dbErr(err))
	}
	return nil
}

// Postpone leaves an update for later, without counting it as a failure:
// it is due again after d.
func (db *DB) Postpone(ctx context.Context, updateID int64, d time.Duration) error {
	_, err := db.exec(ctx, `UPDATE inbox SET next_attempt_at = now() + $2 * interval '1 millisecond' WHERE update_id = $1`,
		updateID, d.Milliseconds())
	if err != nil {
		return fmt.Errorf("storage: postpone update %d: %w", updateID, dbErr(err))
	}
	return nil
}

// RecordFailure notes that handling an update failed. The update is tried
// again after retryIn, or parked for a moderator to see once it has failed
// maxAttempts times. It reports whether the update was parked.
func (db *DB) RecordFailure(ctx context.Context, updateID int64, cause string, retryIn time.Duration, maxAttempts int) (bool, error) {
	var parked bool
	err := db.get(ctx, &parked, `
		UPDATE inbox SET
			attempts = attempts + 1,
			last_error = $2,
			next_attempt_at = now() + $3 * interval '1 millisecond',
			parked_at = CASE WHEN attempts + 1 >= $4 THEN now() END
		WHERE update_id = $1
		RETURNING parked_at IS NOT NULL`, updateID, cause, retryIn.Milliseconds(), maxAttempts)
	if err != nil {
		return false, fmt.Errorf("storage: record failure of update %d: %w", updateID, dbErr(err))
	}
	return parked, nil
}

// ParkedUpdate is an update that could not be handled.
type ParkedUpdate struct {
	ID       int64     `db:"update_id"`
	ChatID   int64     `db:"chat_id"`
	UserID   int64     `db:"user_id"`
	Kind     string    `db:"kind"`
	Attempts int       `db:"attempts"`
	Error    string    `db:"last_error"`
	ParkedAt time.Time `db:"parked_at"`
}

// ParkedUpdates lists the most recently parked updates, newest first.
func (tx *Tx) ParkedUpdates(ctx context.Context, limit int) ([]ParkedUpdate, error) {
	var ps []ParkedUpdate
	err := tx.sel(ctx, &ps, `
		SELECT update_id, chat_id, user_id, kind, attempts, last_error, parked_at
		FROM inbox WHERE parked_at IS NOT NULL
		ORDER BY parked_at DESC, update_id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: list parked updates: %w", dbErr(err))
	}
	return ps, nil
}
