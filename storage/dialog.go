package storage

import (
	"context"
	"encoding/json"
	"fmt"
)

// Dialog is where a user is in a conversation with the bot: which
// dialogue, which step, and what they entered so far.
type Dialog struct {
	UserID int64           `db:"user_id"`
	Name   string          `db:"name"`
	Step   string          `db:"step"`
	Data   json.RawMessage `db:"data"`
}

// Dialog returns the user's dialogue in progress, or ErrNotFound.
func (tx *Tx) Dialog(ctx context.Context, userID int64) (*Dialog, error) {
	var d Dialog
	err := tx.get(ctx, &d, `SELECT user_id, name, step, data FROM dialogs WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("storage: dialog of user %d: %w", userID, dbErr(err))
	}
	return &d, nil
}

// SaveDialog stores the user's dialogue, replacing any other.
func (tx *Tx) SaveDialog(ctx context.Context, d *Dialog) error {
	data := d.Data
	if len(data) == 0 {
		data = json.RawMessage(`{}`)
	}
	_, err := tx.exec(ctx, `
		INSERT INTO dialogs (user_id, name, step, data) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET
			name = EXCLUDED.name, step = EXCLUDED.step, data = EXCLUDED.data, updated_at = now()`,
		d.UserID, d.Name, d.Step, string(data))
	if err != nil {
		return fmt.Errorf("storage: save dialog of user %d: %w", d.UserID, dbErr(err))
	}
	return nil
}

// EndDialog forgets the user's dialogue, if any.
func (tx *Tx) EndDialog(ctx context.Context, userID int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM dialogs WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("storage: end dialog of user %d: %w", userID, dbErr(err))
	}
	return nil
}
