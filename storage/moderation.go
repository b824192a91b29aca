package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Ban stops a user's messages from being acted on; they are still kept.
func (tx *Tx) Ban(ctx context.Context, id int64, reason string) error {
	_, err := tx.exec(ctx, `
		UPDATE users SET banned_at = COALESCE(banned_at, now()), ban_reason = $2, ban_notified_at = NULL, updated_at = now()
		WHERE id = $1`, id, reason)
	if err != nil {
		return fmt.Errorf("storage: ban user %d: %w", id, dbErr(err))
	}
	return nil
}

// NoteBanNotice records that a banned user is told of their ban now,
// unless they were told within the last every: it reports whether to tell
// them.
func (tx *Tx) NoteBanNotice(ctx context.Context, id int64, now time.Time, every time.Duration) (bool, error) {
	var told []int64
	err := tx.sel(ctx, &told, `
		UPDATE users SET ban_notified_at = $2
		WHERE id = $1 AND banned_at IS NOT NULL AND (ban_notified_at IS NULL OR ban_notified_at <= $3)
		RETURNING id`, id, now, now.Add(-every))
	if err != nil {
		return false, fmt.Errorf("storage: note the ban notice of user %d: %w", id, dbErr(err))
	}
	return len(told) > 0, nil
}

// Unban lifts a ban.
func (tx *Tx) Unban(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, `UPDATE users SET banned_at = NULL, ban_reason = '', updated_at = now() WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("storage: unban user %d: %w", id, dbErr(err))
	}
	return nil
}

// SetRole gives a user a role.
func (tx *Tx) SetRole(ctx context.Context, id int64, role string) error {
	if _, err := tx.exec(ctx, `UPDATE users SET role = $2, updated_at = now() WHERE id = $1`, id, role); err != nil {
		return fmt.Errorf("storage: set role of user %d: %w", id, dbErr(err))
	}
	return nil
}

// UserByUsername finds a user who has started the bot by their @username:
// the one who holds it now.
func (tx *Tx) UserByUsername(ctx context.Context, username string) (*User, error) {
	var u User
	err := tx.get(ctx, &u, `
		SELECT `+userColumns+` FROM users WHERE lower(username) = lower($1) AND username <> ''
		ORDER BY updated_at DESC LIMIT 1`, username)
	if err != nil {
		return nil, fmt.Errorf("storage: user @%s: %w", username, dbErr(err))
	}
	return &u, nil
}

// ModerationCard is a moderation card of a problem sent to a chat.
type ModerationCard struct {
	OutboxID int64 `db:"outbox_id"`
	ChatID   int64 `db:"chat_id"`
}

// AddModerationCard records a moderation card.
func (tx *Tx) AddModerationCard(ctx context.Context, problemID, chatID, outboxID int64) error {
	_, err := tx.exec(ctx, `
		INSERT INTO moderation_cards (outbox_id, problem_id, chat_id) VALUES ($1, $2, $3)`, outboxID, problemID, chatID)
	if err != nil {
		return fmt.Errorf("storage: record moderation card of problem %d: %w", problemID, dbErr(err))
	}
	return nil
}

// ModerationCards lists the moderation cards of a problem.
func (tx *Tx) ModerationCards(ctx context.Context, problemID int64) ([]ModerationCard, error) {
	var out []ModerationCard
	err := tx.sel(ctx, &out, `
		SELECT outbox_id, chat_id FROM moderation_cards WHERE problem_id = $1 ORDER BY outbox_id`, problemID)
	if err != nil {
		return nil, fmt.Errorf("storage: moderation cards of problem %d: %w", problemID, dbErr(err))
	}
	return out, nil
}

// Reject records why a problem was rejected; SetStatus records that it was.
func (tx *Tx) SetRejectReason(ctx context.Context, id int64, reason string) error {
	if _, err := tx.exec(ctx, `UPDATE problems SET reject_reason = $2 WHERE id = $1`, id, reason); err != nil {
		return fmt.Errorf("storage: reject reason of problem %d: %w", id, dbErr(err))
	}
	return nil
}

// ChangeSector moves a problem to another sector.
func (tx *Tx) ChangeSector(ctx context.Context, id int64, sectorID int) error {
	_, err := tx.exec(ctx, `UPDATE problems SET sector_id = $2, updated_at = now() WHERE id = $1`, id, sectorID)
	if err != nil {
		return fmt.Errorf("storage: change sector of problem %d: %w", id, dbErr(err))
	}
	tx.changedProblem(id)
	return nil
}

// Merge records that a problem duplicates an earlier one.
func (tx *Tx) Merge(ctx context.Context, id, into int64) error {
	_, err := tx.exec(ctx, `UPDATE problems SET merged_into = $2, updated_at = now() WHERE id = $1`, id, into)
	if err != nil {
		return fmt.Errorf("storage: merge problem %d into %d: %w", id, into, dbErr(err))
	}
	tx.changedProblem(id)
	return nil
}

// ProblemsByStatus lists problems of the given statuses, oldest first.
func (tx *Tx) ProblemsByStatus(ctx context.Context, statuses []string, limit int) ([]Problem, error) {
	var out []Problem
	err := tx.sel(ctx, &out, `
		SELECT `+problemColumns+` FROM problems WHERE status = ANY($1) ORDER BY id LIMIT $2`, pq.Array(statuses), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: problems by status: %w", dbErr(err))
	}
	return out, nil
}

// AuditEntry is one moderator's or admin's action.
type AuditEntry struct {
	ID        int64     `db:"id"`
	ActorID   int64     `db:"actor_id"`
	ActorName string    `db:"actor_name"`
	Action    string    `db:"action"`
	ProblemID *int64    `db:"problem_id"`
	Target    string    `db:"target"`
	Reason    string    `db:"reason"`
	At        time.Time `db:"at"`
}

// Audit records a moderator's or admin's action.
func (tx *Tx) Audit(ctx context.Context, actorID int64, action string, problemID *int64, target, reason string) error {
	_, err := tx.exec(ctx, `
		INSERT INTO audit_log (actor_id, action, problem_id, target, reason) VALUES ($1, $2, $3, $4, $5)`,
		actorID, action, problemID, target, reason)
	if err != nil {
		return fmt.Errorf("storage: audit %s by %d: %w", action, actorID, dbErr(err))
	}
	return nil
}

// AuditLog returns the latest actions, newest first.
func (tx *Tx) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := tx.sel(ctx, &out, `
		SELECT a.id, a.actor_id, trim(u.first_name || ' ' || u.last_name) AS actor_name, a.action, a.problem_id,
			a.target, a.reason, a.at
		FROM audit_log a JOIN users u ON u.id = a.actor_id
		ORDER BY a.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: audit log: %w", dbErr(err))
	}
	return out, nil
}

// Flood is what CheckFlood found.
type Flood struct {
	Flooding bool // the user sent more than allowed
	Notify   bool // this is the first update over the limit in the window: tell them
	Report   bool // they flooded often enough to be reported, and were not yet
}

// CheckFlood weighs the updates a user sent within window, recent (as the
// handling process counts them), against limit. A flood
// is recorded once per window; the reports-th flood within an hour asks
// for a report to the moderators.
func (tx *Tx) CheckFlood(ctx context.Context, userID int64, recent, limit int, window time.Duration, reports int) (Flood, error) {
	var f Flood
	if recent <= limit {
		return f, nil
	}
	f.Flooding = true
	var floods struct {
		InWindow int  `db:"in_window"`
		InHour   int  `db:"in_hour"`
		Reported bool `db:"reported"`
	}
	err := tx.get(ctx, &floods, `
		SELECT count(*) FILTER (WHERE at > now() - $2 * interval '1 millisecond') AS in_window,
			count(*) AS in_hour, COALESCE(bool_or(reported), false) AS reported
		FROM floods WHERE user_id = $1 AND at > now() - interval '1 hour'`, userID, window.Milliseconds())
	if err != nil {
		return f, fmt.Errorf("storage: floods of user %d: %w", userID, dbErr(err))
	}
	if floods.InWindow > 0 {
		return f, nil
	}
	f.Notify = true
	f.Report = floods.InHour+1 >= reports && !floods.Reported
	if _, err := tx.exec(ctx, `INSERT INTO floods (user_id, reported) VALUES ($1, $2)`, userID, f.Report); err != nil {
		return f, fmt.Errorf("storage: record flood of user %d: %w", userID, dbErr(err))
	}
	return f, nil
}

// RelayByOutbox returns what an outbox call relayed, or ErrNotFound.
func (tx *Tx) RelayByOutbox(ctx context.Context, outboxID int64) (*Relay, error) {
	var r Relay
	err := tx.get(ctx, &r, `
		SELECT outbox_id, problem_id, message_id, recipient_id FROM relays WHERE outbox_id = $1`, outboxID)
	if err != nil {
		return nil, fmt.Errorf("storage: relay of call %d: %w", outboxID, dbErr(err))
	}
	return &r, nil
}
