package storage

import (
	"context"
	"fmt"
	"time"
)

// Note states.
const (
	NotePending  = "pending"
	NoteApproved = "approved"
	NoteRejected = "rejected"
)

// A Note is what an expert writes for a sector's entrepreneurs on a
// technology, a standard or a market trend.
type Note struct {
	ID        int64      `db:"id"`
	AuthorID  int64      `db:"author_id"`
	SectorID  int        `db:"sector_id"`
	Text      string     `db:"text"`
	ChatID    int64      `db:"chat_id"`
	MessageID int64      `db:"message_id"`
	HasFile   bool       `db:"has_file"`
	Status    string     `db:"status"`
	DecidedBy *int64     `db:"decided_by"`
	CreatedAt time.Time  `db:"created_at"`
	DecidedAt *time.Time `db:"decided_at"`
}

const noteColumns = `id, author_id, sector_id, text, chat_id, message_id, has_file, status, decided_by, created_at, decided_at`

// AddNote keeps a note for moderation and returns its id.
func (tx *Tx) AddNote(ctx context.Context, n *Note) (int64, error) {
	err := tx.get(ctx, &n.ID, `
		INSERT INTO notes (author_id, sector_id, text, chat_id, message_id, has_file)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		n.AuthorID, n.SectorID, n.Text, n.ChatID, n.MessageID, n.HasFile)
	if err != nil {
		return 0, fmt.Errorf("storage: add a note: %w", dbErr(err))
	}
	n.Status = NotePending
	return n.ID, nil
}

// Note returns a note and locks it until the transaction ends, so that
// two moderators deciding at once decide once.
func (tx *Tx) Note(ctx context.Context, id int64) (*Note, error) {
	var n Note
	if err := tx.get(ctx, &n, `SELECT `+noteColumns+` FROM notes WHERE id = $1 FOR UPDATE`, id); err != nil {
		return nil, fmt.Errorf("storage: note %d: %w", id, dbErr(err))
	}
	return &n, nil
}

// DecideNote approves or rejects a pending note.
func (tx *Tx) DecideNote(ctx context.Context, id int64, status string, by int64) error {
	if _, err := tx.exec(ctx, `UPDATE notes SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1`, id, status, by); err != nil {
		return fmt.Errorf("storage: decide note %d: %w", id, dbErr(err))
	}
	return nil
}

// Subscribe adds a sector to those whose notes a user receives, or takes
// it away; it reports whether anything changed.
func (tx *Tx) Subscribe(ctx context.Context, userID int64, sectorID int, on bool) (bool, error) {
	query := `INSERT INTO subscriptions (user_id, sector_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	if !on {
		query = `DELETE FROM subscriptions WHERE user_id = $1 AND sector_id = $2`
	}
	res, err := tx.exec(ctx, query, userID, sectorID)
	if err != nil {
		return false, fmt.Errorf("storage: subscription of %d to sector %d: %w", userID, sectorID, dbErr(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Subscriptions returns the sectors whose notes a user receives.
func (tx *Tx) Subscriptions(ctx context.Context, userID int64) ([]int, error) {
	var out []int
	if err := tx.sel(ctx, &out, `SELECT sector_id FROM subscriptions WHERE user_id = $1 ORDER BY sector_id`, userID); err != nil {
		return nil, fmt.Errorf("storage: subscriptions of %d: %w", userID, dbErr(err))
	}
	return out, nil
}

// Subscribers returns who receive a sector's notes and can be reached:
// not banned, not having blocked the bot.
func (tx *Tx) Subscribers(ctx context.Context, sectorID int) ([]User, error) {
	var out []User
	err := tx.sel(ctx, &out, `
		SELECT `+userColumns+` FROM users
		WHERE id IN (SELECT user_id FROM subscriptions WHERE sector_id = $1)
			AND unreachable_since IS NULL AND banned_at IS NULL
		ORDER BY id`, sectorID)
	if err != nil {
		return nil, fmt.Errorf("storage: subscribers of sector %d: %w", sectorID, dbErr(err))
	}
	return out, nil
}

// ProblemsInSector counts a user's requests in a sector.
func (tx *Tx) ProblemsInSector(ctx context.Context, userID int64, sectorID int) (int, error) {
	var n int
	if err := tx.get(ctx, &n, `SELECT count(*) FROM problems WHERE author_id = $1 AND sector_id = $2`, userID, sectorID); err != nil {
		return 0, fmt.Errorf("storage: requests of %d in sector %d: %w", userID, sectorID, dbErr(err))
	}
	return n, nil
}

// ExpertSectors lists the sectors in use that an expert serves through
// their centres.
func (tx *Tx) ExpertSectors(ctx context.Context, userID int64) ([]Named, error) {
	var out []Named
	err := tx.sel(ctx, &out, `
		SELECT s.id, s.code, s.name_kk, s.name_ru, s.name_en FROM sectors s
		WHERE s.retired_at IS NULL AND s.id IN (
			SELECT cs.sector_id FROM centre_sectors cs
			JOIN experts e ON e.centre_id = cs.centre_id AND e.user_id = $1
			JOIN centres c ON c.id = cs.centre_id AND c.retired_at IS NULL)
		ORDER BY s.position`, userID)
	if err != nil {
		return nil, fmt.Errorf("storage: sectors of expert %d: %w", userID, dbErr(err))
	}
	return out, nil
}
