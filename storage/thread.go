package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// ThreadMessage is one message of a problem's conversation.
type ThreadMessage struct {
	ID           int64      `db:"id"`
	ProblemID    int64      `db:"problem_id"`
	AuthorID     int64      `db:"author_id"`
	AuthorRole   string     `db:"author_role"` // entrepreneur, expert or moderator
	RecipientID  *int64     `db:"recipient_id"`
	ReplyTo      *int64     `db:"reply_to"`
	Text         string     `db:"text"`
	OriginalText *string    `db:"original_text"`
	ChatID       int64      `db:"chat_id"`
	TgMessageID  int64      `db:"tg_message_id"`
	EditedAt     *time.Time `db:"edited_at"`
	CreatedAt    time.Time  `db:"created_at"`
}

const threadColumns = `id, problem_id, author_id, author_role, recipient_id, reply_to, text, original_text,
	chat_id, tg_message_id, edited_at, created_at`

// AddMessage stores a message of a thread and returns its id.
func (tx *Tx) AddMessage(ctx context.Context, m *ThreadMessage) (int64, error) {
	err := tx.get(ctx, &m.ID, `
		INSERT INTO messages (problem_id, author_id, author_role, recipient_id, reply_to, text, chat_id, tg_message_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		m.ProblemID, m.AuthorID, m.AuthorRole, m.RecipientID, m.ReplyTo, m.Text, m.ChatID, m.TgMessageID)
	if err != nil {
		return 0, fmt.Errorf("storage: add message to problem %d: %w", m.ProblemID, dbErr(err))
	}
	return m.ID, nil
}

// ThreadMessage returns a message of a thread by id.
func (tx *Tx) ThreadMessage(ctx context.Context, id int64) (*ThreadMessage, error) {
	var m ThreadMessage
	if err := tx.get(ctx, &m, `SELECT `+threadColumns+` FROM messages WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("storage: message %d: %w", id, dbErr(err))
	}
	return &m, nil
}

// MessageByTelegram finds a thread message by where its author wrote it.
func (tx *Tx) MessageByTelegram(ctx context.Context, chatID, tgMessageID int64) (*ThreadMessage, error) {
	var m ThreadMessage
	err := tx.get(ctx, &m, `SELECT `+threadColumns+` FROM messages WHERE chat_id = $1 AND tg_message_id = $2`,
		chatID, tgMessageID)
	if err != nil {
		return nil, fmt.Errorf("storage: message %d in chat %d: %w", tgMessageID, chatID, dbErr(err))
	}
	return &m, nil
}

// EditMessage records a new text of a thread message, keeping the first.
func (tx *Tx) EditMessage(ctx context.Context, id int64, text string) error {
	_, err := tx.exec(ctx, `
		UPDATE messages SET original_text = COALESCE(original_text, text), text = $2, edited_at = now()
		WHERE id = $1`, id, text)
	if err != nil {
		return fmt.Errorf("storage: edit message %d: %w", id, dbErr(err))
	}
	return nil
}

// ThreadMessages returns a problem's thread, oldest first.
func (tx *Tx) ThreadMessages(ctx context.Context, problemID int64) ([]ThreadMessage, error) {
	var out []ThreadMessage
	err := tx.sel(ctx, &out, `SELECT `+threadColumns+` FROM messages WHERE problem_id = $1 ORDER BY id`, problemID)
	if err != nil {
		return nil, fmt.Errorf("storage: thread of problem %d: %w", problemID, dbErr(err))
	}
	return out, nil
}

// Answerers lists the experts who answered a problem, in the order of
// their first answers.
func (tx *Tx) Answerers(ctx context.Context, problemID int64) ([]int64, error) {
	var out []int64
	err := tx.sel(ctx, &out, `
		SELECT author_id FROM messages WHERE problem_id = $1 AND author_role = 'expert'
		GROUP BY author_id ORDER BY min(id)`, problemID)
	if err != nil {
		return nil, fmt.Errorf("storage: answerers of problem %d: %w", problemID, dbErr(err))
	}
	return out, nil
}

// Relay is a copy the bot sent of a card (MessageID nil) or of a thread
// message, to one recipient.
type Relay struct {
	OutboxID    int64  `db:"outbox_id"`
	ProblemID   int64  `db:"problem_id"`
	MessageID   *int64 `db:"message_id"`
	RecipientID int64  `db:"recipient_id"`
}

// AddRelays records the outbox calls that carry a card or a thread message
// to a recipient.
func (tx *Tx) AddRelays(ctx context.Context, problemID int64, messageID *int64, recipientID int64, outboxIDs []int64) error {
	_, err := tx.exec(ctx, `
		INSERT INTO relays (outbox_id, problem_id, message_id, recipient_id)
		SELECT unnest($1::bigint[]), $2, $3, $4`, pq.Array(outboxIDs), problemID, messageID, recipientID)
	if err != nil {
		return fmt.Errorf("storage: record relays of problem %d: %w", problemID, dbErr(err))
	}
	return nil
}

// RelayAt finds what a bot message in a chat carried, by its Telegram id:
// how a reply to any relayed message finds its problem and its author.
func (tx *Tx) RelayAt(ctx context.Context, chatID, tgMessageID int64) (*Relay, error) {
	var r Relay
	err := tx.get(ctx, &r, `
		SELECT r.outbox_id, r.problem_id, r.message_id, r.recipient_id FROM relays r
		JOIN outbox o ON o.id = r.outbox_id
		WHERE o.chat_id = $1 AND o.message_id = $2
		UNION ALL
		SELECT r.outbox_id, r.problem_id, r.message_id, r.recipient_id FROM relays r
		JOIN outbox o ON o.id = r.outbox_id
		WHERE o.chat_id = $1 AND o.album_ids @> ARRAY[$2::bigint]
		LIMIT 1`, chatID, tgMessageID)
	if err != nil {
		return nil, fmt.Errorf("storage: relay at message %d of chat %d: %w", tgMessageID, chatID, dbErr(err))
	}
	return &r, nil
}

// Sending reports whether the bot's message messageID in a chat may be
// one whose sending is not recorded yet: it is newer than every message
// recorded in the chat, and a call to the chat waits. A chat's calls go
// out one at a time, in order, each recorded before the next is made, so
// a message older than one recorded is recorded too, and the message of a
// call made but not yet recorded is the newest in the chat.
func (tx *Tx) Sending(ctx context.Context, chatID, messageID int64) (bool, error) {
	var sending bool
	err := tx.get(ctx, &sending, `
		SELECT EXISTS (SELECT FROM outbox WHERE chat_id = $1 AND status = 'pending')
			AND $2 > COALESCE((
				SELECT GREATEST(message_id, (SELECT max(a) FROM unnest(album_ids) a)) FROM outbox
				WHERE chat_id = $1 AND message_id IS NOT NULL
				ORDER BY message_id DESC LIMIT 1), 0)`, chatID, messageID)
	if err != nil {
		return false, fmt.Errorf("storage: calls in flight to chat %d: %w", chatID, dbErr(err))
	}
	return sending, nil
}

// RelaysOf lists the copies of a thread message.
func (tx *Tx) RelaysOf(ctx context.Context, messageID int64) ([]Relay, error) {
	var out []Relay
	err := tx.sel(ctx, &out, `
		SELECT outbox_id, problem_id, message_id, recipient_id FROM relays WHERE message_id = $1 ORDER BY outbox_id`, messageID)
	if err != nil {
		return nil, fmt.Errorf("storage: relays of message %d: %w", messageID, dbErr(err))
	}
	return out, nil
}

// Recommendation is an answer an expert marked as a recommendation.
type Recommendation struct {
	ID             int64      `db:"id"`
	MessageID      int64      `db:"message_id"`
	ProblemID      int64      `db:"problem_id"`
	Type           string     `db:"type"`
	Implementation string     `db:"implementation"`
	Comment        string     `db:"implementation_comment"`
	AnsweredAt     *time.Time `db:"implementation_at"`
}

// Recommend marks an answer as a recommendation of a type, or changes its
// type, and returns the recommendation's id and whether it is new.
func (tx *Tx) Recommend(ctx context.Context, messageID, problemID int64, typ string) (int64, bool, error) {
	var r struct {
		ID  int64 `db:"id"`
		New bool  `db:"new"`
	}
	err := tx.get(ctx, &r, `
		INSERT INTO recommendations (message_id, problem_id, type) VALUES ($1, $2, $3)
		ON CONFLICT (message_id) DO UPDATE SET type = EXCLUDED.type
		RETURNING id, (xmax = 0) AS new`, messageID, problemID, typ)
	if err != nil {
		return 0, false, fmt.Errorf("storage: recommend message %d: %w", messageID, dbErr(err))
	}
	return r.ID, r.New, nil
}

// Recommendation returns a recommendation.
func (tx *Tx) Recommendation(ctx context.Context, id int64) (*Recommendation, error) {
	var r Recommendation
	err := tx.get(ctx, &r, `
		SELECT id, message_id, problem_id, type, implementation, implementation_comment, implementation_at
		FROM recommendations WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: recommendation %d: %w", id, dbErr(err))
	}
	return &r, nil
}

// SetImplementation stores what the entrepreneur said of a
// recommendation, as its latest state and in its course; with a comment,
// it is the comment of the answer just given. It returns how many answers
// the course has.
func (tx *Tx) SetImplementation(ctx context.Context, id int64, status, comment string) (int, error) {
	var n int
	err := tx.get(ctx, &n, `
		WITH r AS (
			UPDATE recommendations SET implementation = $2, implementation_comment = $3, implementation_at = now()
			WHERE id = $1 RETURNING id),
		latest AS (
			UPDATE implementation_checks SET comment = $3
			WHERE $3 <> '' AND id = (SELECT max(id) FROM implementation_checks WHERE recommendation_id = $1 AND status = $2)
			RETURNING id),
		added AS (
			INSERT INTO implementation_checks (recommendation_id, status)
			SELECT id, $2 FROM r WHERE $3 = ''
			RETURNING id)
		SELECT (SELECT count(*) FROM implementation_checks WHERE recommendation_id = $1) + (SELECT count(*) FROM added)`,
		id, status, comment)
	if err != nil {
		return 0, fmt.Errorf("storage: set implementation of recommendation %d: %w", id, dbErr(err))
	}
	return n, nil
}

// A Check is one answer about a recommendation's implementation.
type Check struct {
	Status  string    `db:"status"`
	Comment string    `db:"comment"`
	At      time.Time `db:"at"`
}

// RecommendationCourse is a problem's recommendations with the answers
// about their implementation, oldest first.
type RecommendationCourse struct {
	ID     int64  `db:"id"`
	Type   string `db:"type"`
	Checks []Check
}

// Courses returns the course of each recommendation of a problem.
func (tx *Tx) Courses(ctx context.Context, problemID int64) ([]RecommendationCourse, error) {
	var recs []RecommendationCourse
	if err := tx.sel(ctx, &recs, `SELECT id, type FROM recommendations WHERE problem_id = $1 ORDER BY id`, problemID); err != nil {
		return nil, fmt.Errorf("storage: recommendations of %d: %w", problemID, dbErr(err))
	}
	for i := range recs {
		if err := tx.sel(ctx, &recs[i].Checks, `
			SELECT status, comment, at FROM implementation_checks WHERE recommendation_id = $1 ORDER BY id`, recs[i].ID); err != nil {
			return nil, fmt.Errorf("storage: course of recommendation %d: %w", recs[i].ID, dbErr(err))
		}
	}
	return recs, nil
}

// Rate stores an entrepreneur's rating of an expert's answers to a problem.
func (tx *Tx) Rate(ctx context.Context, problemID, expertID, authorID int64, score int) error {
	_, err := tx.exec(ctx, `
		INSERT INTO ratings (problem_id, expert_id, author_id, score) VALUES ($1, $2, $3, $4)
		ON CONFLICT (problem_id, expert_id) DO UPDATE SET score = EXCLUDED.score, created_at = now()`,
		problemID, expertID, authorID, score)
	if err != nil {
		return fmt.Errorf("storage: rate expert %d on problem %d: %w", expertID, problemID, dbErr(err))
	}
	return nil
}

// CommentRating adds a comment to a rating.
func (tx *Tx) CommentRating(ctx context.Context, problemID, expertID int64, comment string) error {
	_, err := tx.exec(ctx, `UPDATE ratings SET comment = $3 WHERE problem_id = $1 AND expert_id = $2`,
		problemID, expertID, comment)
	if err != nil {
		return fmt.Errorf("storage: comment rating of expert %d on problem %d: %w", expertID, problemID, dbErr(err))
	}
	return nil
}

// Rating is an author's rating of an expert on a problem.
type Rating struct {
	ExpertID int64  `db:"expert_id"`
	Score    int    `db:"score"`
	Comment  string `db:"comment"`
}

// Ratings lists a problem's ratings.
func (tx *Tx) Ratings(ctx context.Context, problemID int64) ([]Rating, error) {
	var out []Rating
	err := tx.sel(ctx, &out, `
		SELECT expert_id, score, comment FROM ratings WHERE problem_id = $1 ORDER BY created_at`, problemID)
	if err != nil {
		return nil, fmt.Errorf("storage: ratings of problem %d: %w", problemID, dbErr(err))
	}
	return out, nil
}

// FirstOfAlbum reports whether a thread message is the first of an album
// (a media group) in a problem's thread.
func (tx *Tx) FirstOfAlbum(ctx context.Context, problemID int64, mediaGroupID string, messageID int64) (bool, error) {
	var earlier bool
	err := tx.get(ctx, &earlier, `
		SELECT EXISTS (SELECT FROM attachments
			WHERE problem_id = $1 AND media_group_id = $2 AND message_id < $3)`, problemID, mediaGroupID, messageID)
	if err != nil {
		return false, fmt.Errorf("storage: album %s of problem %d: %w", mediaGroupID, problemID, dbErr(err))
	}
	return !earlier, nil
}

// LastAnswerer returns the expert who wrote last in a problem's thread, or
// ErrNotFound when none did.
func (tx *Tx) LastAnswerer(ctx context.Context, problemID int64) (int64, error) {
	var id int64
	err := tx.get(ctx, &id, `
		SELECT author_id FROM messages WHERE problem_id = $1 AND author_role = 'expert' ORDER BY id DESC LIMIT 1`, problemID)
	if err != nil {
		return 0, fmt.Errorf("storage: last answerer of problem %d: %w", problemID, dbErr(err))
	}
	return id, nil
}
