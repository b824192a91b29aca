package bot

import (
	"context"

	"github.com/atameken/expertbot/storage"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Who may run a command or press a button is decided here, once, from the
// user as the database has them (req.user, read in the update's
// transaction), never from what a button or a message says. The handlers
// behind these checks still check what they act on: whose problem it is,
// whether it is still open.

// moderatorsOnly lets moderators and admins run a command, and tells
// anyone else that it is not theirs.
func moderatorsOnly(run command) command {
	return func(ctx context.Context, r *req, args string) error {
		if !r.user.IsModerator() {
			return r.send(ctx, r.t("moderators_only"), nil)
		}
		return run(ctx, r, args)
	}
}

// adminsOnly lets admins run a command, and tells anyone else that only an
// admin may: admins give and take the moderators' role.
func adminsOnly(run command) command {
	return func(ctx context.Context, r *req, args string) error {
		if r.user.Role != storage.RoleAdmin {
			return r.send(ctx, r.t("admins_only"), nil)
		}
		return run(ctx, r, args)
	}
}

// moderatorsPress lets moderators and admins press a button, and answers
// anyone else's press that it is not allowed.
func moderatorsPress(press button) button {
	return func(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
		if !r.user.IsModerator() {
			return r.answer(ctx, q, r.t("not_allowed"))
		}
		return press(ctx, r, q, cb)
	}
}

// expertsOnly lets the experts of a centre run a command, and tells anyone
// else that it is for experts.
func expertsOnly(run command) command {
	return func(ctx context.Context, r *req, args string) error {
		ok, err := isExpert(ctx, r.tx, r.user.ID)
		if err != nil {
			return err
		}
		if !ok {
			return r.send(ctx, r.t("experts_only"), nil)
		}
		return run(ctx, r, args)
	}
}

// expertsPress lets the experts of a centre press a button, and answers
// anyone else's press that it is not allowed.
func expertsPress(press button) button {
	return func(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
		ok, err := isExpert(ctx, r.tx, r.user.ID)
		if err != nil {
			return err
		}
		if !ok {
			return r.answer(ctx, q, r.t("not_allowed"))
		}
		return press(ctx, r, q, cb)
	}
}

// isExpert reports whether a user is an expert of a centre in use, as the
// database says.
func isExpert(ctx context.Context, tx *storage.Tx, userID int64) (bool, error) {
	centres, err := tx.ExpertCentres(ctx, userID)
	return len(centres) > 0, err
}
