package storage

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/lib/pq"
)

// IsAnswer reports whether a method answers a button press or an inline
// query: it changes no message and counts against no limit, so it goes at
// once, past the calls waiting in its chat (ClaimCalls).
func IsAnswer(method string) bool {
	return method == "answerCallbackQuery" || method == "answerInlineQuery"
}

// AnswerQueued is among the chats OnQueued is told of when an answer to a
// button press was queued: it goes past the calls waiting in its chat,
// where only a claim across all chats finds it.
const AnswerQueued int64 = math.MinInt64

// Call priorities: interactive replies go ahead of bulk notifications.
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

// Call is one outgoing Bot API call, waiting in the outbox or done.
type Call struct {
	ID        int64     `db:"id"`
	ChatID    int64     `db:"chat_id"` // 0 for calls that belong to no chat
	Method    string    `db:"method"`
	Params    Params    `db:"params"`
	FileField string    `db:"file_field"` // with FileName and FileData: a file to upload
	FileName  string    `db:"file_name"`
	FileData  []byte    `db:"file_data"`
	Priority  int       `db:"priority"`
	EditOf    int64     `db:"edit_of"`  // an edit of the message this outbox row sent
	Attempts  int       `db:"attempts"` // calls made with it that failed
	CreatedAt time.Time `db:"created_at"`
	Coalesce  *Coalesce `db:"coalesce"` // a part of a thread that may share a message
}

// Coalesce lets a sendMessage call of a thread share one message with the
// calls of the same Key queued right behind it in its chat: the message
// is the first one's Head, every call's Part, and the first one's Foot,
// separated by blank lines. Alone, a call sends its own text.
type Coalesce struct {
	Key  string `json:"key"`
	Head string `json:"head"`
	Part string `json:"part"`
	Foot string `json:"foot"`
}

// Value stores a Coalesce as a JSON object.
func (c *Coalesce) Value() (driver.Value, error) {
	if c == nil {
		return nil, nil
	}
	b, err := json.Marshal(c)
	return string(b), err
}

// Scan reads a Coalesce from a JSON object.
func (c *Coalesce) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("storage: coalesce: want []byte, got %T", src)
	}
	return json.Unmarshal(b, c)
}

// Claimed is a call a sender took, with what the claim found of its chat.
type Claimed struct {
	Call
	// EditTarget is the Telegram id of the message EditOf sent, 0 while it
	// is unknown.
	EditTarget int64 `db:"edit_target"`
	// More tells that another call of the chat waits behind this one.
	More bool `db:"more"`
}

// Enqueue writes outgoing calls to the outbox in the transaction, so that
// they are sent if and only if the change that caused them is committed.
// The calls are written together just before the commit (or before the
// next EnqueueIDs, which keeps the order of a chat's calls): a batch of
// updates handled in one transaction writes all its replies in one
// statement instead of one each.
func (tx *Tx) Enqueue(ctx context.Context, calls ...Call) error {
	tx.unwritten = append(tx.unwritten, calls...)
	return nil
}

// EnqueueIDs is Enqueue that writes the calls at once and returns their
// outbox ids, in order, for callers that later refer to the messages the
// calls create.
func (tx *Tx) EnqueueIDs(ctx context.Context, calls ...Call) ([]int64, error) {
	if err := tx.writeQueued(ctx); err != nil {
		return nil, err
	}
	return tx.insertCalls(ctx, calls)
}

// writeQueued writes the calls Enqueue kept back.
func (tx *Tx) writeQueued(ctx context.Context) error {
	calls := tx.unwritten
	tx.unwritten = nil
	_, err := tx.insertCalls(ctx, calls)
	return err
}

// insertCalls writes calls to the outbox and returns their ids, in order.
func (tx *Tx) insertCalls(ctx context.Context, calls []Call) ([]int64, error) {
	if len(calls) == 0 {
		return nil, nil
	}
	n := len(calls)
	// Ids are taken first so that they come back in the calls' order; one
	// call gets its id from its insert.
	var ids []int64
	if n > 1 {
		if err := tx.sel(ctx, &ids, `SELECT nextval('outbox_id_seq') FROM generate_series(1, $1)`, n); err != nil {
			return nil, fmt.Errorf("storage: enqueue: allocate ids: %w", dbErr(err))
		}
	}
	chats, prios, edits := make([]int64, n), make([]int64, n), make([]int64, n)
	methods, fields, names := make([]string, n), make([]string, n), make([]string, n)
	params, joins := make([][]byte, n), make([][]byte, n)
	data := make(pq.ByteaArray, n)
	for i, m := range calls {
		p, err := json.Marshal(m.Params)
		if err != nil {
			return nil, fmt.Errorf("storage: enqueue %s: %w", m.Method, err)
		}
		chats[i], methods[i], params[i], prios[i], edits[i] = m.ChatID, m.Method, p, int64(m.Priority), m.EditOf
		if joins[i], err = json.Marshal(m.Coalesce); err != nil { // null when nil
			return nil, fmt.Errorf("storage: enqueue %s: %w", m.Method, err)
		}
		tx.queued = append(tx.queued, m.ChatID)
		if IsAnswer(m.Method) {
			tx.queued = append(tx.queued, AnswerQueued)
		}
		fields[i], names[i], data[i] = m.FileField, m.FileName, m.FileData
		if data[i] == nil {
			data[i] = []byte{}
		}
	}
	if n == 1 {
		var id int64
		err := tx.get(ctx, &id, `
			INSERT INTO outbox (chat_id, method, params, file_field, file_name, file_data, priority, edit_of, coalesce)
			VALUES ($1, $2, $3::text::jsonb, $4, $5, $6, $7, NULLIF($8, 0), NULLIF($9::text::jsonb, 'null'))
			RETURNING id`,
			chats[0], methods[0], string(params[0]), fields[0], names[0], data[0], prios[0], edits[0], string(joins[0]))
		if err != nil {
			return nil, fmt.Errorf("storage: enqueue %s: %w", methods[0], dbErr(err))
		}
		return []int64{id}, tx.supersede(ctx, calls, []int64{id})
	}
	_, err := tx.exec(ctx, `
		INSERT INTO outbox (id, chat_id, method, params, file_field, file_name, file_data, priority, edit_of, coalesce)
		SELECT m.id, m.chat, m.method, m.params, m.field, m.name, m.data, m.prio, NULLIF(m.edit, 0), NULLIF(m.coal, 'null')
		FROM ROWS FROM (unnest($1::bigint[]), unnest($2::bigint[]), unnest($3::text[]), jsonb_array_elements($4::jsonb),
			unnest($5::text[]), unnest($6::text[]), unnest($7::bytea[]), unnest($8::smallint[]), unnest($9::bigint[]),
			jsonb_array_elements($10::jsonb))
			AS m (id, chat, method, params, field, name, data, prio, edit, coal)`,
		pq.Array(ids), pq.Array(chats), pq.Array(methods), jsonArray(params),
		pq.Array(fields), pq.Array(names), data, pq.Array(prios), pq.Array(edits), jsonArray(joins))
	if err != nil {
		return nil, fmt.Errorf("storage: enqueue %d calls: %w", n, dbErr(err))
	}
	return ids, tx.supersede(ctx, calls, ids)
}

// supersede drops the pending edits of a message that a new edit of it
// replaces: a text edit replaces earlier text and keyboard edits, a
// keyboard edit earlier keyboard edits. One a sender is sending already
// goes out all the same, before the new one.
//
// A reaction replaces the reactions still waiting in its chat: a burst of
// messages is acknowledged on its last one, one call for all.
func (tx *Tx) supersede(ctx context.Context, calls []Call, ids []int64) error {
	for i, c := range calls {
		if c.Method == "setMessageReaction" {
			_, err := tx.exec(ctx, `
				UPDATE outbox SET status = 'superseded'
				WHERE chat_id = $1 AND status = 'pending' AND id < $2 AND method = 'setMessageReaction'`, c.ChatID, ids[i])
			if err != nil {
				return fmt.Errorf("storage: supersede reactions in chat %d: %w", c.ChatID, dbErr(err))
			}
			continue
		}
		replaced := map[string][]string{
			"editMessageText":        {"editMessageText", "editMessageReplyMarkup"},
			"editMessageReplyMarkup": {"editMessageReplyMarkup"},
		}[c.Method]
		if c.EditOf == 0 || replaced == nil {
			continue
		}
		_, err := tx.exec(ctx, `
			UPDATE outbox SET status = 'superseded'
			WHERE edit_of = $1 AND status = 'pending' AND id < $2 AND method = ANY($3)`, c.EditOf, ids[i], pq.Array(replaced))
		if err != nil {
			return fmt.Errorf("storage: supersede edits of %d: %w", c.EditOf, dbErr(err))
		}
	}
	return nil
}

// ClaimCalls takes outgoing calls due at now for sending. It looks at
// most at limit candidates, oldest first within each priority, and only
// at the oldest waiting call of each chat, since a chat's calls go out in
// order, leaving out the chats in skip: those the sender's limits hold
// back, and those with a call in flight, whose oldest waiting call is that
// one. Answers to button presses are the exception: they change no
// message and count against no limit, so they go at once, past the calls
// waiting in their chat, and pick must leave out those in flight. pick chooses which of the candidates to send now (the sender's rate
// limits decide; the candidates carry what it needs to: id, chat, method,
// priority) and returns their ids; the chosen ones are read whole and
// returned in pick's order.
//
// Nothing is written: one sender sends at a time, the holder of the
// sender's lock, and it keeps the chats it has a call in flight for until
// that call's outcome is recorded, so no call is taken twice. The calls are
// read on the lock's connection: a sender whose lock is gone (its session
// ended, as when PostgreSQL restarts, and another process may hold the
// lock now) takes none. A call marked in the database as being sent would
// tell no one more: a sender taking over after another has died must send
// whatever that one left unrecorded all the same.
//
// A call is due when its not_before, set by the sender's clock when a call
// is put off, is not after now: the sender's clock, not the database's,
// decides when it tries a call again.
func (l *Lock) ClaimCalls(ctx context.Context, now time.Time, limit int, skip []int64, pick func([]Call) []int64) ([]Claimed, error) {
	if skip == nil {
		skip = []int64{} // not NULL, which would leave out every chat
	}
	var cands []Call
	err := l.sel(ctx, &cands, `
		SELECT o.id, o.chat_id, o.method, o.priority, o.attempts, o.created_at
		FROM outbox o
		WHERE o.status = 'pending' AND o.not_before <= $3
			AND (o.method IN ('answerCallbackQuery', 'answerInlineQuery') OR o.chat_id <> ALL($2) AND NOT EXISTS (
				SELECT 1 FROM outbox p
				WHERE p.status = 'pending' AND p.chat_id = o.chat_id AND p.id < o.id
					AND p.method NOT IN ('answerCallbackQuery', 'answerInlineQuery')))
		ORDER BY o.priority, o.id
		LIMIT $1`, limit, pq.Array(skip), now)
	if err != nil {
		return nil, fmt.Errorf("storage: select due calls: %w", dbErr(err))
	}
	ids := pick(cands)
	if len(ids) == 0 {
		return nil, nil
	}
	var whole []Claimed
	err = l.sel(ctx, &whole, `
		SELECT `+claimedColumns+` FROM outbox o WHERE o.id = ANY($1) AND o.status = 'pending'`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("storage: read %d calls: %w", len(ids), dbErr(err))
	}
	return inOrder(whole, ids), nil
}

// ClaimChats is ClaimCalls for the given chats only, and at most limit of
// them: the candidates are their oldest waiting calls, found by chat,
// where ClaimCalls reads the queue from its oldest call on. A sender that
// knows which chats may go (those it was told of, those the limits let go
// again) reads a few index entries for each, rather than the calls of
// every chat the limits still hold back, which under a backlog are most of
// the queue. The chats must not have a call in flight.
//
// The candidates are read whole, in one statement, and pick chooses among
// them: the sender asks only for chats the limits let go, so pick seldom
// leaves one, and a call takes one statement rather than two.
func (l *Lock) ClaimChats(ctx context.Context, now time.Time, chats []int64, limit int, pick func([]Call) []int64) ([]Claimed, error) {
	var cands []Claimed
	err := l.sel(ctx, &cands, `
		SELECT `+claimedColumns+`
		FROM unnest($1::bigint[]) AS c (chat_id)
		CROSS JOIN LATERAL (
			SELECT * FROM outbox
			WHERE status = 'pending' AND chat_id = c.chat_id
			ORDER BY id
			LIMIT 1) o
		WHERE o.not_before <= $3
		ORDER BY o.priority, o.id
		LIMIT $2`, pq.Array(chats), limit, now)
	if err != nil {
		return nil, fmt.Errorf("storage: calls of %d chats: %w", len(chats), dbErr(err))
	}
	calls := make([]Call, len(cands))
	for i, c := range cands {
		calls[i] = c.Call
	}
	return inOrder(cands, pick(calls)), nil
}

// inOrder returns the claimed calls with the given ids, in their order.
func inOrder(claimed []Claimed, ids []int64) []Claimed {
	byID := make(map[int64]Claimed, len(claimed))
	for _, c := range claimed {
		byID[c.ID] = c
	}
	out := make([]Claimed, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return out
}

// claimedColumns are what a claim returns of each call: the whole call,
// the Telegram id of the message it edits, and whether another call of
// its chat waits behind it.
const claimedColumns = `o.id, o.chat_id, o.method, o.params, o.file_field, o.file_name, o.file_data,
	o.priority, COALESCE(o.edit_of, 0) AS edit_of, o.attempts, o.created_at, o.coalesce,
	COALESCE((SELECT t.message_id FROM outbox t WHERE t.id = o.edit_of), 0) AS edit_target,
	EXISTS (SELECT FROM outbox n WHERE n.status = 'pending' AND n.chat_id = o.chat_id AND n.id > o.id) AS more`

// Behind returns the calls of a chat waiting behind call id that share
// its Coalesce key, oldest first, at most limit: those a combined message
// may carry. It looks past other threads' messages, whose order among
// themselves it keeps, and stops at the first call of any other kind,
// which must not be overtaken.
func (db *DB) Behind(ctx context.Context, chatID, id int64, key string, limit int) ([]Call, error) {
	var next []Call
	err := db.sel(ctx, &next, `
		SELECT id, chat_id, method, params, COALESCE(edit_of, 0) AS edit_of, coalesce FROM outbox
		WHERE chat_id = $1 AND status = 'pending' AND id > $2
		ORDER BY id LIMIT $3`, chatID, id, 4*limit)
	if err != nil {
		return nil, fmt.Errorf("storage: calls behind %d: %w", id, dbErr(err))
	}
	var same []Call
	for _, c := range next {
		if c.Coalesce == nil || c.Method != "sendMessage" || c.EditOf != 0 || len(same) == limit {
			break
		}
		if c.Coalesce.Key == key {
			same = append(same, c)
		}
	}
	return same, nil
}

// AnalyzeOutbox refreshes the planner's statistics of the outbox's
// waiting calls. Autovacuum does it too (migration 6), but only as often
// as the server's autovacuum_naptime allows, a minute by default: after a
// burst, a claim planned for an empty queue can cost a scan of the whole
// queue per candidate. Only the columns the claim filters on are analysed.
func (db *DB) AnalyzeOutbox(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `ANALYZE outbox (status, chat_id, priority)`); err != nil {
		return fmt.Errorf("storage: analyze the outbox: %w", dbErr(err))
	}
	return nil
}

// Sent is a call Telegram carried out, and the id of the message it
// created (0 when it creates none): of an album, the first, with the ids
// of all its messages in AlbumIDs.
type Sent struct {
	ID        int64
	MessageID int64
	AlbumIDs  []int64
}

// MarkSent records calls as sent, in one statement. What only the sending
// needed goes: a file uploaded with a call (an export), delivered, and
// the parts of a message to combine.
func (db *DB) MarkSent(ctx context.Context, sent ...Sent) error {
	ids, mids := make([]int64, len(sent)), make([]int64, len(sent))
	for i, s := range sent {
		ids[i], mids[i] = s.ID, s.MessageID
	}
	_, err := db.exec(ctx, `
		UPDATE outbox o SET status = 'sent', sent_at = now(), message_id = NULLIF(s.mid, 0), last_error = '', file_data = '', coalesce = NULL
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

// SinceLastSent is how long ago the latest call recorded as sent was
// sent, by the database's clock; a day when none was.
func (db *DB) SinceLastSent(ctx context.Context) (time.Duration, error) {
	var secs float64
	err := db.get(ctx, &secs, `
		SELECT COALESCE((SELECT EXTRACT(EPOCH FROM now() - sent_at)::float8 FROM outbox
			WHERE status = 'sent' ORDER BY id DESC LIMIT 1), 86400)`)
	if err != nil {
		return 0, fmt.Errorf("storage: when the last call was sent: %w", dbErr(err))
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// RetryCall records a failed attempt at a call, to be tried again at the
// given time of the sender's clock.
func (db *DB) RetryCall(ctx context.Context, id int64, at time.Time, cause string) error {
	_, err := db.exec(ctx, `
		UPDATE outbox SET not_before = $2, attempts = attempts + 1, last_error = $3
		WHERE id = $1`, id, at, cause)
	if err != nil {
		return fmt.Errorf("storage: retry call %d: %w", id, dbErr(err))
	}
	return nil
}

// FailCall records that Telegram refused a call for good. When
// unreachableUser is not 0, that user is marked as having blocked the bot,
// in the same transaction.
func (db *DB) FailCall(ctx context.Context, id int64, cause string, unreachableUser int64) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `
			UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $2
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
