package storage

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Message priorities: interactive replies go ahead of bulk notifications.
const (
	PriorityInteractive = 0
	PriorityBulk        = 1
)

// Params are the form parameters of one Bot API call.
type Params map[string]string

// Value stores Params as a JSON object.
func (p Params) Value() (driver.Value, error) {
	b, err := json.Marshal(p)
	return string(b), err // text: a []byte would go in binary, which jsonb reads otherwise
}

// Scan reads Params from a JSON object.
func (p *Params) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("storage: params: want []byte, got %T", src)
	}
	return json.Unmarshal(b, p)
}

// Message is one outgoing Bot API call.
type Message struct {
	ID        int64     `db:"id"`
	ChatID    int64     `db:"chat_id"` // 0 for calls that belong to no chat
	Method    string    `db:"method"`
	Params    Params    `db:"params"`
	FileField string    `db:"file_field"` // with FileName and FileData: a file to upload
	FileName  string    `db:"file_name"`
	FileData  []byte    `db:"file_data"`
	Priority  int       `db:"priority"`
	EditOf    int64     `db:"edit_of"` // an edit of the message this outbox row sent
	Attempts  int       `db:"attempts"`
	CreatedAt time.Time `db:"created_at"`

	// EditTarget is the Telegram id of the message EditOf sent, 0 while it
	// is unknown. Set by ClaimMessages.
	EditTarget int64 `db:"edit_target"`

	// Delay is how long the sender waits before making the call, for its
	// slot in the rate limits. Not stored.
	Delay time.Duration `db:"-"`
}

// Enqueue writes outgoing calls to the outbox in the transaction, so that
// they are sent if and only if the change that caused them is committed.
func (tx *Tx) Enqueue(ctx context.Context, msgs ...Message) error {
	_, err := tx.EnqueueIDs(ctx, msgs...)
	return err
}

// EnqueueIDs is Enqueue that returns the calls' outbox ids, in order, for
// callers that later refer to the messages the calls create.
func (tx *Tx) EnqueueIDs(ctx context.Context, msgs ...Message) ([]int64, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	n := len(msgs)
	// Ids are taken first so that they come back in the calls' order.
	var ids []int64
	if err := tx.sel(ctx, &ids, `SELECT nextval('outbox_id_seq') FROM generate_series(1, $1)`, n); err != nil {
		return nil, fmt.Errorf("storage: enqueue: allocate ids: %w", dbErr(err))
	}
	chats, prios, edits := make([]int64, n), make([]int64, n), make([]int64, n)
	methods, params, fields, names := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	data := make(pq.ByteaArray, n)
	for i, m := range msgs {
		p, err := json.Marshal(m.Params)
		if err != nil {
			return nil, fmt.Errorf("storage: enqueue %s: %w", m.Method, err)
		}
		chats[i], methods[i], params[i], prios[i], edits[i] = m.ChatID, m.Method, string(p), int64(m.Priority), m.EditOf
		fields[i], names[i], data[i] = m.FileField, m.FileName, m.FileData
		if data[i] == nil {
			data[i] = []byte{}
		}
	}
	_, err := tx.exec(ctx, `
		INSERT INTO outbox (id, chat_id, method, params, file_field, file_name, file_data, priority, edit_of)
		SELECT m.id, m.chat, m.method, m.params::jsonb, m.field, m.name, m.data, m.prio, NULLIF(m.edit, 0)
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::smallint[], $9::bigint[])
			AS m (id, chat, method, params, field, name, data, prio, edit)`,
		pq.Array(ids), pq.Array(chats), pq.Array(methods), pq.Array(params), pq.Array(fields), pq.Array(names), data, pq.Array(prios), pq.Array(edits))
	if err != nil {
		return nil, fmt.Errorf("storage: enqueue %d calls: %w", n, dbErr(err))
	}
	return ids, nil
}

// ClaimMessages takes due outgoing calls for sending. It looks at most at
// limit candidates, oldest first within each priority, and only at the
// oldest waiting call of each chat, since a chat's calls go out in order.
// pick chooses which of them to send now (the sender's rate limits decide);
// the chosen ones are claimed for lease, so that no other sender takes them
// meanwhile, and returned.
func (db *DB) ClaimMessages(ctx context.Context, limit int, lease time.Duration, pick func([]Message) []Message) ([]Message, error) {
	var claimed []Message
	err := db.InTx(ctx, func(tx *Tx) error {
		var cands []Message
		err := tx.sel(ctx, &cands, `
			SELECT o.id, o.chat_id, o.method, o.params, o.file_field, o.file_name, o.file_data,
				o.priority, COALESCE(o.edit_of, 0) AS edit_of, o.attempts, o.created_at,
				COALESCE((SELECT t.message_id FROM outbox t WHERE t.id = o.edit_of), 0) AS edit_target
			FROM outbox o
			WHERE o.status = 'pending' AND o.not_before <= now()
				AND (o.claimed_until IS NULL OR o.claimed_until < now())
				AND NOT EXISTS (
					SELECT 1 FROM outbox p
					WHERE p.status = 'pending' AND p.chat_id = o.chat_id AND p.id < o.id)
			ORDER BY o.priority, o.id
			LIMIT $1
			FOR UPDATE OF o SKIP LOCKED`, limit)
		if err != nil {
			return fmt.Errorf("storage: select due calls: %w", dbErr(err))
		}
		claimed = pick(cands)
		if len(claimed) == 0 {
			return nil
		}
		ids := make([]int64, len(claimed))
		for i, m := range claimed {
			ids[i] = m.ID
		}
		_, err = tx.exec(ctx, `
			UPDATE outbox SET claimed_until = now() + $2 * interval '1 millisecond', attempts = attempts + 1
			WHERE id = ANY($1)`, pq.Array(ids), lease.Milliseconds())
		if err != nil {
			return fmt.Errorf("storage: claim %d calls: %w", len(ids), dbErr(err))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range claimed {
		claimed[i].Attempts++
	}
	return claimed, nil
}

// ReleaseClaims frees every claimed call. Only the active sender may call
// it, when it takes over: claims still standing then were left by a sender
// that died mid-call, and waiting for their lease would hold their chats up.
func (db *DB) ReleaseClaims(ctx context.Context) (int, error) {
	res, err := db.exec(ctx, `
		UPDATE outbox SET claimed_until = NULL WHERE status = 'pending' AND claimed_until IS NOT NULL`)
	if err != nil {
		return 0, fmt.Errorf("storage: release claims: %w", dbErr(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Sent is a call Telegram carried out, and the id of the message it
// created (0 when it creates none): of an album, the first, with the ids
// of all its messages in AlbumIDs.
type Sent struct {
	ID        int64
	MessageID int64
	AlbumIDs  []int64
}

// MarkSent records calls as sent, in one statement.
func (db *DB) MarkSent(ctx context.Context, sent ...Sent) error {
	ids, mids := make([]int64, len(sent)), make([]int64, len(sent))
	for i, s := range sent {
		ids[i], mids[i] = s.ID, s.MessageID
	}
	_, err := db.exec(ctx, `
		UPDATE outbox o SET status = 'sent', sent_at = now(), message_id = NULLIF(s.mid, 0), claimed_until = NULL, last_error = ''
		FROM unnest($1::bigint[], $2::bigint[]) AS s (id, mid)
		WHERE o.id = s.id`, pq.Array(ids), pq.Array(mids))
	if err != nil {
		return fmt.Errorf("storage: mark %d calls sent: %w", len(sent), dbErr(err))
	}
	for _, s := range sent {
		if len(s.AlbumIDs) == 0 {
			continue
		}
		if _, err := db.exec(ctx, `UPDATE outbox SET album_ids = $2 WHERE id = $1`, s.ID, pq.Array(s.AlbumIDs)); err != nil {
			return fmt.Errorf("storage: record the album of call %d: %w", s.ID, dbErr(err))
		}
	}
	return nil
}

// RetryMessage puts a call back to be tried again at the given time.
func (db *DB) RetryMessage(ctx context.Context, id int64, at time.Time, cause string) error {
	_, err := db.exec(ctx, `
		UPDATE outbox SET not_before = $2, claimed_until = NULL, last_error = $3
		WHERE id = $1`, id, at, cause)
	if err != nil {
		return fmt.Errorf("storage: retry call %d: %w", id, dbErr(err))
	}
	return nil
}

// FailMessage records that Telegram refused a call for good. When
// unreachableUser is not 0, that user is marked as having blocked the bot,
// in the same transaction.
func (db *DB) FailMessage(ctx context.Context, id int64, cause string, unreachableUser int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `
			UPDATE outbox SET status = 'failed', claimed_until = NULL, last_error = $2
			WHERE id = $1`, id, cause)
		if err != nil {
			return fmt.Errorf("storage: fail call %d: %w", id, dbErr(err))
		}
		if unreachableUser == 0 {
			return nil
		}
		return tx.SetReachable(ctx, unreachableUser, false, cause)
	})
}

// OutboxStats counts the calls by status.
type OutboxStats struct {
	Pending, Sent, Failed int
}

// OutboxStats counts the outbox's calls by status.
func (db *DB) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var s OutboxStats
	err := db.db.QueryRowContext(ctx, `
		SELECT count(*) FILTER (WHERE status = 'pending'),
			count(*) FILTER (WHERE status = 'sent'),
			count(*) FILTER (WHERE status = 'failed')
		FROM outbox`).Scan(&s.Pending, &s.Sent, &s.Failed)
	if err != nil {
		return s, fmt.Errorf("storage: count calls: %w", dbErr(err))
	}
	return s, nil
}

// Gauges are figures read at each metrics scrape.
type Gauges struct {
	OutboxPending int
	OutboxOldest  time.Duration
	Problems      map[string]int
}

// Gauges reads the outbox's depth and age and the problems by status.
func (db *DB) Gauges(ctx context.Context) (Gauges, error) {
	g := Gauges{Problems: map[string]int{}}
	var oldest float64
	err := db.db.QueryRowContext(ctx, `
		SELECT count(*), COALESCE(extract(epoch FROM now() - min(created_at)), 0)
		FROM outbox WHERE status = 'pending'`).Scan(&g.OutboxPending, &oldest)
	if err != nil {
		return g, fmt.Errorf("storage: outbox gauges: %w", dbErr(err))
	}
	g.OutboxOldest = time.Duration(oldest * float64(time.Second))
	rows, err := db.db.QueryContext(ctx, `SELECT status, count(*) FROM problems GROUP BY status`)
	if err != nil {
		return g, fmt.Errorf("storage: problem gauges: %w", dbErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return g, err
		}
		g.Problems[s] = n
	}
	return g, rows.Err()
}
