package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lib/pq"
)

// PersonalData returns, as one JSON object, everything the database holds
// about a user: their row, centres, requests with their history and
// files, messages, ratings, dialogue, the audit entries that name them and
// the updates of theirs still kept.
func (tx *Tx) PersonalData(ctx context.Context, id int64) (json.RawMessage, error) {
	var out []byte
	err := tx.get(ctx, &out, `
		SELECT json_build_object(
			'user', (SELECT row_to_json(u) FROM (
				SELECT id, username, first_name, last_name, telegram_language, language, languages, role, away,
					created_at, updated_at, unreachable_since, unreachable_reason, banned_at, ban_reason,
					consent_version, consented_at
				FROM users WHERE id = $1) u),
			'expert_of', (SELECT COALESCE(json_agg(json_build_object('centre', c.code, 'added_at', e.added_at) ORDER BY c.id), '[]')
				FROM experts e JOIN centres c ON c.id = e.centre_id WHERE e.user_id = $1),
			'requests', (SELECT COALESCE(json_agg(p ORDER BY p.id), '[]') FROM (
				SELECT p.id, p.kind, s.code AS sector, r.code AS region, p.title, p.body, p.company, p.bin, p.anonymous,
					p.language, p.status, p.created_at, p.routed_at, p.first_answer_at, p.resolved_at, p.reject_reason,
					(SELECT COALESCE(json_agg(json_build_object('from', e.from_status, 'to', e.to_status, 'at', e.at, 'note', e.note) ORDER BY e.id), '[]')
						FROM problem_events e WHERE e.problem_id = p.id) AS history,
					(SELECT COALESCE(json_agg(json_build_object('kind', a.kind, 'file_id', a.file_id, 'file_name', a.file_name, 'caption', a.caption) ORDER BY a.id), '[]')
						FROM attachments a WHERE a.problem_id = p.id AND a.message_id IS NULL) AS files
				FROM problems p JOIN sectors s ON s.id = p.sector_id JOIN regions r ON r.id = p.region_id
				WHERE p.author_id = $1) p),
			'messages', (SELECT COALESCE(json_agg(m ORDER BY m.id), '[]') FROM (
				SELECT m.id, m.problem_id, m.author_role, m.text, m.original_text, m.created_at, m.edited_at,
					(SELECT COALESCE(json_agg(json_build_object('kind', a.kind, 'file_id', a.file_id, 'file_name', a.file_name, 'caption', a.caption) ORDER BY a.id), '[]')
						FROM attachments a WHERE a.message_id = m.id) AS files
				FROM messages m WHERE m.author_id = $1) m),
			'requests_supported', (SELECT COALESCE(json_agg(json_build_object('request', problem_id, 'line', line, 'at', created_at)), '[]')
				FROM supporters WHERE user_id = $1),
			'notes', (SELECT COALESCE(json_agg(json_build_object('note', n.id, 'sector', s.code, 'text', n.text, 'status', n.status, 'at', n.created_at) ORDER BY n.id), '[]')
				FROM notes n JOIN sectors s ON s.id = n.sector_id WHERE n.author_id = $1),
			'subscribed_to', (SELECT COALESCE(json_agg(json_build_object('sector', s.code, 'at', sub.created_at) ORDER BY s.position), '[]')
				FROM subscriptions sub JOIN sectors s ON s.id = sub.sector_id WHERE sub.user_id = $1),
			'ratings_given', (SELECT COALESCE(json_agg(json_build_object('request', problem_id, 'score', score, 'comment', comment, 'at', created_at)), '[]')
				FROM ratings WHERE author_id = $1),
			'ratings_received', (SELECT COALESCE(json_agg(json_build_object('request', problem_id, 'score', score, 'at', created_at)), '[]')
				FROM ratings WHERE expert_id = $1),
			'requests_sent_to_them', (SELECT COALESCE(json_agg(json_build_object('request', problem_id, 'sent_at', notified_at, 'declined_at', declined_at)), '[]')
				FROM problem_experts WHERE expert_id = $1),
			'dialogue', (SELECT row_to_json(d) FROM (SELECT name, step, data, updated_at FROM dialogs WHERE user_id = $1) d),
			'audit', (SELECT COALESCE(json_agg(json_build_object('action', action, 'by_them', actor_id = $1, 'target', target, 'reason', reason, 'at', at) ORDER BY id), '[]')
				FROM audit_log WHERE actor_id = $1 OR target = $1::text),
			'updates_kept', (SELECT COALESCE(json_agg(json_build_object('received_at', received_at, 'update', payload) ORDER BY update_id), '[]')
				FROM inbox WHERE user_id = $1)
		)::text`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: personal data of user %d: %w", id, dbErr(err))
	}
	return out, nil
}

// Forgotten is a message the bot sent to someone else that showed a
// forgotten user's data: a card of their request, a copy of their message,
// a moderation card, an export. A text is edited; anything else deleted.
type Forgotten struct {
	ChatID    int64  `db:"chat_id"`
	MessageID int64  `db:"message_id"`
	ProblemID int64  `db:"problem_id"` // 0 for an export
	Text      bool   `db:"text"`
	Lang      string `db:"lang"` // the recipient's chosen language; empty: none chosen
}

// minSearched is the shortest text of a forgotten user's that is looked
// for in what others hold: a shorter one ("ok") is everywhere.
const minSearched = 6

// Forget removes a user's identity and what they wrote, everywhere, and
// returns the anonymous id their requests now count under and the
// messages sent to others that showed their data, for the caller to edit
// or delete in Telegram.
//
// The user's row is replaced by an anonymous one (forgotten_at set, an id
// from a range no Telegram user has), to which their requests, messages,
// ratings and audit entries move, so that statistics stay true: sector,
// region, dates, statuses and scores stay; titles, descriptions, company,
// BIN, texts, comments and files go. Their updates and their dialogue are
// deleted, and so are the calls waiting for their chat. Wherever else
// their name, username, phone, company, BIN or texts stand — the copies
// and cards the bot sent others, a reply's quote of their message in
// someone's update, an export — the stored copy is emptied, and a call
// still waiting is not sent.
func (tx *Tx) Forget(ctx context.Context, id int64) (int64, []Forgotten, error) {
	fail := func(what string, err error) (int64, []Forgotten, error) {
		return 0, nil, fmt.Errorf("storage: forget user %d: %s: %w", id, what, dbErr(err))
	}
	if _, err := tx.User(ctx, id); err != nil {
		return 0, nil, err
	}
	strs, err := tx.identity(ctx, id)
	if err != nil {
		return fail("what identifies them", err)
	}
	patterns := make([]string, len(strs))
	for i, s := range strs {
		patterns[i] = "%" + likeEscaper.Replace(s) + "%"
	}
	// The cards and copies of theirs others got, read before the copies are emptied.
	var sent []Forgotten
	err = tx.sel(ctx, &sent, `
		WITH mine AS (SELECT id FROM problems WHERE author_id = $1),
		said AS (SELECT id FROM messages WHERE author_id = $1),
		shown AS (
			SELECT r.outbox_id, r.problem_id FROM relays r
			WHERE r.problem_id IN (SELECT id FROM mine) OR r.message_id IN (SELECT id FROM said)
			UNION ALL
			SELECT mc.outbox_id, mc.problem_id FROM moderation_cards mc WHERE mc.problem_id IN (SELECT id FROM mine)
			UNION ALL
			SELECT e.outbox_id, 0 FROM exports e WHERE $1 = ANY(e.authors)
		)
		SELECT o.chat_id, m.id AS message_id, s.problem_id, o.method = 'sendMessage' AS text, COALESCE(u.language, '') AS lang
		FROM shown s
		JOIN outbox o ON o.id = s.outbox_id
		CROSS JOIN LATERAL unnest(CASE WHEN o.album_ids IS NULL THEN ARRAY[o.message_id] ELSE o.album_ids END) AS m (id)
		LEFT JOIN users u ON u.id = o.chat_id
		WHERE o.status = 'sent' AND m.id IS NOT NULL AND o.chat_id <> $1`, id)
	if err != nil {
		return fail("the messages that showed their data", err)
	}
	var anon int64
	if err := tx.get(ctx, &anon, `
		INSERT INTO users (id, forgotten_at, consented_at) VALUES (nextval('forgotten_users'), now(), NULL)
		RETURNING id`); err != nil {
		return fail("make the anonymous user", err)
	}
	for _, st := range []struct{ what, sql string }{
		{"recommendations' comments", `UPDATE recommendations SET implementation_comment = ''
			WHERE problem_id IN (SELECT id FROM problems WHERE author_id = $1)`},
		{"implementation answers' comments", `UPDATE implementation_checks SET comment = ''
			WHERE recommendation_id IN (SELECT id FROM recommendations WHERE problem_id IN (SELECT id FROM problems WHERE author_id = $1))`},
		{"timers", `DELETE FROM reminders WHERE done_at IS NULL AND problem_id IN (SELECT id FROM problems WHERE author_id = $1)`},
		{"requests", `UPDATE problems SET author_id = $2, title = '', body = '', company = '', bin = '', reject_reason = ''
			WHERE author_id = $1`},
		{"requests taken", `UPDATE problems SET owner_id = $2 WHERE owner_id = $1`},
		{"status history", `UPDATE problem_events SET actor_id = $2 WHERE actor_id = $1`},
		{"requests sent to them", `UPDATE problem_experts SET expert_id = $2 WHERE expert_id = $1`},
		{"files", `DELETE FROM attachments WHERE problem_id IN (SELECT id FROM problems WHERE author_id = $2)
			OR message_id IN (SELECT id FROM messages WHERE author_id = $1)`},
		{"messages", `UPDATE messages SET author_id = $2, text = '', original_text = NULL, chat_id = $2 WHERE author_id = $1`},
		{"messages to them", `UPDATE messages SET recipient_id = $2 WHERE recipient_id = $1`},
		{"copies to them", `UPDATE relays SET recipient_id = $2 WHERE recipient_id = $1`},
		{"ratings given", `UPDATE ratings SET author_id = $2, comment = '' WHERE author_id = $1`},
		{"ratings received", `UPDATE ratings SET expert_id = $2 WHERE expert_id = $1`},
		{"audit log", `UPDATE audit_log SET actor_id = $2 WHERE actor_id = $1`},
		{"audit log's targets", `UPDATE audit_log SET target = $2::text WHERE target = $1::text`},
		{"centres", `DELETE FROM experts WHERE user_id = $1`},
		{"dialogue", `DELETE FROM dialogs WHERE user_id = $1`},
		{"floods", `DELETE FROM floods WHERE user_id = $1`},
		{"updates", `DELETE FROM inbox WHERE user_id = $1 OR chat_id = $1`},
		{"calls to them", `UPDATE outbox SET params = '{}', file_data = '', coalesce = NULL, chat_id = $2,
			status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
			last_error = CASE WHEN status = 'pending' THEN 'the user was forgotten' ELSE last_error END
			WHERE chat_id = $1`},
		{"exports", `UPDATE exports SET authors = array_remove(authors, $1) WHERE $1 = ANY(authors)`},
		{"user", `DELETE FROM users WHERE id = $1`},
	} {
		// A statement names the user as $1 and the anonymous one as $2.
		args := []any{id}
		if strings.Contains(st.sql, "$2") {
			args = append(args, anon)
		}
		if _, err := tx.exec(ctx, st.sql, args...); err != nil {
			return fail(st.what, err)
		}
	}
	// What others hold: the copies of the calls that carried their data,
	// and the updates of others that quote them. Read whole: a few weeks
	// of the queues at most, which retention keeps short.
	if _, err := tx.exec(ctx, `SELECT set_config('enable_seqscan', 'on', true)`); err != nil {
		return fail("plan the search", err)
	}
	if _, err := tx.exec(ctx, `
		UPDATE outbox SET params = '{}', file_data = '', coalesce = NULL,
			status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END,
			last_error = CASE WHEN status = 'pending' THEN 'it showed a forgotten user' ELSE last_error END
		WHERE params::text LIKE ANY($1) OR coalesce::text LIKE ANY($1)
			OR (method = 'sendDocument' AND file_name LIKE '%.csv' AND file_data <> '' AND convert_from(file_data, 'UTF8') LIKE ANY($1))
			OR id IN (SELECT outbox_id FROM relays WHERE problem_id IN (SELECT id FROM problems WHERE author_id = $2))
			OR id IN (SELECT outbox_id FROM moderation_cards WHERE problem_id IN (SELECT id FROM problems WHERE author_id = $2))`,
		pq.Array(patterns), anon); err != nil {
		return fail("the calls that showed them", err)
	}
	if _, err := tx.exec(ctx, `
		UPDATE inbox SET payload = json_build_object('update_id', update_id)
		WHERE payload::text LIKE ANY($1) OR payload::text LIKE ANY($2)`,
		pq.Array(patterns), pq.Array(idPatterns(id))); err != nil {
		return fail("the updates that quote them", err)
	}
	if _, err := tx.exec(ctx, `SELECT set_config('enable_seqscan', 'off', true)`); err != nil {
		return fail("plan again", err)
	}
	return anon, sent, nil
}

// identity is what stands for a user wherever others hold it: their
// names, username, phones, companies and BINs, looked for when at least
// three letters long, and the texts they wrote, when long enough to be
// theirs rather than anyone's ("ok").
func (tx *Tx) identity(ctx context.Context, id int64) ([]string, error) {
	var names, texts []string
	err := tx.sel(ctx, &names, `
		SELECT s FROM (
			SELECT unnest(ARRAY[first_name, last_name, trim(first_name || ' ' || last_name), username,
				CASE WHEN username <> '' THEN '@' || username END]) AS s
				FROM users WHERE id = $1
			UNION SELECT unnest(ARRAY[company, bin]) FROM problems WHERE author_id = $1
			UNION SELECT payload->'message'->'contact'->>'phone_number' FROM inbox WHERE user_id = $1
		) t WHERE s IS NOT NULL`, id)
	if err != nil {
		return nil, err
	}
	err = tx.sel(ctx, &texts, `
		SELECT s FROM (
			SELECT unnest(ARRAY[title, body]) AS s FROM problems WHERE author_id = $1
			UNION SELECT unnest(ARRAY[text, original_text]) FROM messages WHERE author_id = $1
			UNION SELECT comment FROM ratings WHERE author_id = $1
			UNION SELECT r.implementation_comment FROM recommendations r JOIN problems p ON p.id = r.problem_id WHERE p.author_id = $1
			UNION SELECT payload->'message'->>'text' FROM inbox WHERE user_id = $1
		) t WHERE s IS NOT NULL`, id)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, group := range []struct {
		strs []string
		min  int
	}{{names, 3}, {texts, minSearched}} {
		for _, s := range group.strs {
			if s = strings.TrimSpace(s); utf8.RuneCountInString(s) >= group.min {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// idPatterns are how a Telegram id stands in an update's JSON.
func idPatterns(id int64) []string {
	n := strconv.FormatInt(id, 10)
	return []string{`%"id":` + n + `,%`, `%"id":` + n + `}%`, `%"user_id":` + n + `%`}
}

// likeEscaper escapes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
