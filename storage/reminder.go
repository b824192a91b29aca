package storage

import (
	"context"
	"fmt"
	"time"
)

// Reminder kinds.
const (
	ReminderUntaken        = "untaken"        // nobody took the problem in time
	ReminderUnanswered     = "unanswered"     // nobody answered it in time
	ReminderImplementation = "implementation" // ask whether a recommendation was implemented
	ReminderDigest         = "digest"         // send the moderators the weekly digest
)

// Reminder is a timer kept in the database, so that it survives restarts.
type Reminder struct {
	ID               int64     `db:"id"`
	Kind             string    `db:"kind"`
	ProblemID        *int64    `db:"problem_id"` // nil for the digest
	RecommendationID *int64    `db:"recommendation_id"`
	DueAt            time.Time `db:"due_at"`
}

// AddReminder sets a timer.
func (tx *Tx) AddReminder(ctx context.Context, kind string, problemID *int64, recommendationID *int64, due time.Time) error {
	_, err := tx.exec(ctx, `
		INSERT INTO reminders (kind, problem_id, recommendation_id, due_at) VALUES ($1, $2, $3, $4)`,
		kind, problemID, recommendationID, due)
	if err != nil {
		return fmt.Errorf("storage: add %s reminder: %w", kind, dbErr(err))
	}
	return nil
}

// FireReminder runs fn on one reminder due at now, by the clock that set
// it, in a transaction that marks it done, skipping reminders another
// process is firing. It reports whether there was one.
func (db *DB) FireReminder(ctx context.Context, now time.Time, fn func(ctx context.Context, tx *Tx, r *Reminder) error) (bool, error) {
	var fired int64 // the reminder's id
	err := db.InTx(ctx, func(tx *Tx) error {
		var r Reminder
		err := tx.get(ctx, &r, `
			SELECT id, kind, problem_id, recommendation_id, due_at FROM reminders
			WHERE done_at IS NULL AND due_at <= $1
			ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED`, now)
		if err != nil {
			if err = dbErr(err); err == ErrNotFound {
				return nil
			}
			return fmt.Errorf("storage: next due reminder: %w", err)
		}
		fired = r.ID
		if err := fn(ctx, tx, &r); err != nil {
			return fmt.Errorf("reminder %d (%s): %w", r.ID, r.Kind, err)
		}
		if _, err := tx.exec(ctx, `UPDATE reminders SET done_at = now() WHERE id = $1`, r.ID); err != nil {
			return fmt.Errorf("storage: mark reminder %d done: %w", r.ID, dbErr(err))
		}
		return nil
	})
	if err != nil && fired != 0 {
		// Put a failing reminder off, so that it does not hold up the others.
		if _, perr := db.exec(ctx, `
			UPDATE reminders SET due_at = $2::timestamptz + interval '5 minutes' WHERE id = $1`, fired, now); perr != nil {
			return true, fmt.Errorf("%w; and put it off: %v", err, perr)
		}
	}
	return fired != 0, err
}

// EnsureDigest sets the digest timer at due unless one is set.
func (db *DB) EnsureDigest(ctx context.Context, due time.Time) error {
	_, err := db.exec(ctx, `
		INSERT INTO reminders (kind, due_at)
		SELECT 'digest', $1 WHERE NOT EXISTS (SELECT 1 FROM reminders WHERE kind = 'digest' AND done_at IS NULL)`, due)
	if err != nil {
		return fmt.Errorf("storage: set digest timer: %w", dbErr(err))
	}
	return nil
}
