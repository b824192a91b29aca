package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// AddExpert makes a user an expert of a centre.
func (tx *Tx) AddExpert(ctx context.Context, userID int64, centreID int) error {
	_, err := tx.exec(ctx, `
		INSERT INTO experts (user_id, centre_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, centreID)
	if err != nil {
		return fmt.Errorf("storage: add expert %d to centre %d: %w", userID, centreID, dbErr(err))
	}
	return nil
}

// RemoveExpert takes a user out of a centre.
func (tx *Tx) RemoveExpert(ctx context.Context, userID int64, centreID int) error {
	_, err := tx.exec(ctx, `DELETE FROM experts WHERE user_id = $1 AND centre_id = $2`, userID, centreID)
	if err != nil {
		return fmt.Errorf("storage: remove expert %d from centre %d: %w", userID, centreID, dbErr(err))
	}
	return nil
}

// ExpertCentres lists the centres in use that a user is an expert of.
func (tx *Tx) ExpertCentres(ctx context.Context, userID int64) ([]Named, error) {
	var out []Named
	err := tx.sel(ctx, &out, `
		SELECT c.id, c.code, c.name_kk, c.name_ru, c.name_en FROM centres c
		JOIN experts e ON e.centre_id = c.id AND e.user_id = $1
		WHERE c.retired_at IS NULL ORDER BY c.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("storage: centres of expert %d: %w", userID, dbErr(err))
	}
	return out, nil
}

// ExpertCentreFor returns the centre through which an expert serves a
// sector, or ErrNotFound when they do not serve it.
func (tx *Tx) ExpertCentreFor(ctx context.Context, userID int64, sectorID int) (*Named, error) {
	var n Named
	err := tx.get(ctx, &n, `
		SELECT c.id, c.code, c.name_kk, c.name_ru, c.name_en FROM centres c
		JOIN experts e ON e.centre_id = c.id AND e.user_id = $1
		JOIN centre_sectors cs ON cs.centre_id = c.id AND cs.sector_id = $2
		WHERE c.retired_at IS NULL ORDER BY c.id LIMIT 1`, userID, sectorID)
	if err != nil {
		return nil, fmt.Errorf("storage: centre of expert %d for sector %d: %w", userID, sectorID, dbErr(err))
	}
	return &n, nil
}

// SetAway records whether an expert takes new problems.
func (tx *Tx) SetAway(ctx context.Context, userID int64, away bool) error {
	if _, err := tx.exec(ctx, `UPDATE users SET away = $2, updated_at = now() WHERE id = $1`, userID, away); err != nil {
		return fmt.Errorf("storage: set away of user %d: %w", userID, dbErr(err))
	}
	return nil
}

// RoutingExperts lists the experts a problem of a sector goes to: members
// of the centres in use that serve the sector, who are not banned, not
// away and can be reached, except the problem's author.
func (tx *Tx) RoutingExperts(ctx context.Context, sectorID int, authorID int64) ([]User, error) {
	return tx.sectorExperts(ctx, sectorID, `u.banned_at IS NULL AND NOT u.away AND u.unreachable_since IS NULL AND u.id <> $2`, authorID)
}

// SectorExperts lists every expert of the centres in use that serve a
// sector and are not banned, away or not.
func (tx *Tx) SectorExperts(ctx context.Context, sectorID int) ([]User, error) {
	return tx.sectorExperts(ctx, sectorID, `u.banned_at IS NULL AND $2::bigint IS NOT NULL`, 0)
}

func (tx *Tx) sectorExperts(ctx context.Context, sectorID int, where string, arg int64) ([]User, error) {
	var out []User
	err := tx.sel(ctx, &out, `
		SELECT DISTINCT `+prefixed("u.", userColumns)+` FROM users u
		JOIN experts e ON e.user_id = u.id
		JOIN centres c ON c.id = e.centre_id AND c.retired_at IS NULL
		JOIN centre_sectors cs ON cs.centre_id = c.id AND cs.sector_id = $1
		WHERE `+where+`
		ORDER BY u.id`, sectorID, arg)
	if err != nil {
		return nil, fmt.Errorf("storage: experts of sector %d: %w", sectorID, dbErr(err))
	}
	return out, nil
}

// Moderators lists the moderators and admins.
func (tx *Tx) Moderators(ctx context.Context) ([]User, error) {
	var out []User
	err := tx.sel(ctx, &out, `
		SELECT `+userColumns+` FROM users WHERE role IN ('moderator', 'admin') ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: list moderators: %w", dbErr(err))
	}
	return out, nil
}

// Assignment is a problem sent to an expert.
type Assignment struct {
	ProblemID  int64      `db:"problem_id"`
	ExpertID   int64      `db:"expert_id"`
	DeclinedAt *time.Time `db:"declined_at"`
	CardID     *int64     `db:"card_id"`    // the outbox row of the card's text
	CardState  string     `db:"card_state"` // what the card says, as the bot named it
}

// Assign records that a problem's card went to an expert (again), saying
// state.
func (tx *Tx) Assign(ctx context.Context, problemID, expertID, cardID int64, state string) error {
	_, err := tx.exec(ctx, `
		INSERT INTO problem_experts (problem_id, expert_id, card_id, card_state) VALUES ($1, $2, $3, $4)
		ON CONFLICT (problem_id, expert_id) DO UPDATE SET card_id = EXCLUDED.card_id, card_state = EXCLUDED.card_state, notified_at = now()`,
		problemID, expertID, cardID, state)
	if err != nil {
		return fmt.Errorf("storage: assign problem %d to expert %d: %w", problemID, expertID, dbErr(err))
	}
	return nil
}

// Assignment returns the record of a problem sent to an expert, or ErrNotFound.
func (tx *Tx) Assignment(ctx context.Context, problemID, expertID int64) (*Assignment, error) {
	var a Assignment
	err := tx.get(ctx, &a, `
		SELECT problem_id, expert_id, declined_at, card_id, card_state FROM problem_experts
		WHERE problem_id = $1 AND expert_id = $2`, problemID, expertID)
	if err != nil {
		return nil, fmt.Errorf("storage: assignment of problem %d to %d: %w", problemID, expertID, dbErr(err))
	}
	return &a, nil
}

// Assignments lists the experts a problem went to.
func (tx *Tx) Assignments(ctx context.Context, problemID int64) ([]Assignment, error) {
	var out []Assignment
	err := tx.sel(ctx, &out, `
		SELECT problem_id, expert_id, declined_at, card_id, card_state FROM problem_experts
		WHERE problem_id = $1 ORDER BY expert_id`, problemID)
	if err != nil {
		return nil, fmt.Errorf("storage: assignments of problem %d: %w", problemID, dbErr(err))
	}
	return out, nil
}

// SetCardState records what an expert's card of a problem says now. It
// reports whether that changed, and so whether the card needs an edit.
func (tx *Tx) SetCardState(ctx context.Context, problemID, expertID int64, state string) (bool, error) {
	res, err := tx.exec(ctx, `
		UPDATE problem_experts SET card_state = $3
		WHERE problem_id = $1 AND expert_id = $2 AND card_state <> $3`, problemID, expertID, state)
	if err != nil {
		return false, fmt.Errorf("storage: card of problem %d for %d: %w", problemID, expertID, dbErr(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Decline records that a problem is not the expert's area.
func (tx *Tx) Decline(ctx context.Context, problemID, expertID int64) error {
	_, err := tx.exec(ctx, `
		UPDATE problem_experts SET declined_at = COALESCE(declined_at, now())
		WHERE problem_id = $1 AND expert_id = $2`, problemID, expertID)
	if err != nil {
		return fmt.Errorf("storage: decline problem %d by %d: %w", problemID, expertID, dbErr(err))
	}
	tx.changedProblem(problemID)
	return nil
}

// InProgress counts, for each of the experts given, the problems they took
// that are not finished; experts with none are left out.
func (tx *Tx) InProgress(ctx context.Context, expertIDs []int64) (map[int64]int, error) {
	var rows []struct {
		ID   int64 `db:"owner_id"`
		Open int   `db:"open"`
	}
	err := tx.sel(ctx, &rows, `
		SELECT owner_id, count(*) AS open FROM problems
		WHERE owner_id = ANY($1) AND status IN ('taken', 'answered') GROUP BY owner_id`, pq.Array(expertIDs))
	if err != nil {
		return nil, fmt.Errorf("storage: problems in progress: %w", dbErr(err))
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Open
	}
	return out, nil
}
