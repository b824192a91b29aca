package bot

import (
	"context"
	"errors"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// floodReports is how many floods within an hour get a user reported to
// the moderators.
const floodReports = 3

// banNoticeEvery is how often a banned user who keeps writing is told of
// the ban: once is enough to know, and a flood of notices is a flood of
// the bot's messages.
const banNoticeEvery = 24 * time.Hour

// restrained stops an update of a banned user, or of one who sends faster
// than FloodLimit updates per FloodWindow: the update stays in the inbox,
// but is not acted on. A banned user is told so, once in banNoticeEvery; a
// flooding user is asked,
// once a window, to slow down, and repeated floods are reported to the
// moderators. A button press is always answered. Moderators are never
// restrained.
func (b *Bot) restrained(ctx context.Context, r *req, q *tgbotapi.CallbackQuery) (bool, error) {
	if r.user.IsModerator() {
		return false, nil
	}
	if r.user.BannedAt != nil {
		if q != nil {
			return true, r.answer(ctx, q, r.t("banned_notice"))
		}
		tell, err := r.tx.NoteBanNotice(ctx, r.user.ID, b.now(), banNoticeEvery)
		if err != nil || !tell {
			return true, err
		}
		return true, r.send(ctx, r.t("banned_notice"), nil)
	}
	f, err := r.tx.CheckFlood(ctx, r.user.ID, r.recent, b.cfg.FloodLimit, b.cfg.FloodWindow, floodReports)
	if err != nil || !f.Flooding {
		return false, err
	}
	if q != nil {
		if err := r.answer(ctx, q, r.t("flood_notice")); err != nil {
			return true, err
		}
	} else if f.Notify {
		if err := r.send(ctx, r.t("flood_notice"), nil); err != nil {
			return true, err
		}
	}
	if f.Report {
		id := r.user.ID
		if err := b.tellModerators(ctx, r.tx, func(lang string) string { return T(lang, "mod_flood", Escape(displayName(r.user, lang)), id) }); err != nil {
			return true, err
		}
	}
	return true, nil
}

// noteUndelivered tells an expert that their answer did not reach the
// author, who has blocked the bot. The author's problems show it to
// moderators (/thread), from the user's row.
func (b *Bot) noteUndelivered(ctx context.Context, outboxID int64) {
	err := b.db.InTx(ctx, func(tx *storage.Tx) error {
		relay, err := tx.RelayByOutbox(ctx, outboxID)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && relay.MessageID == nil) {
			return nil
		}
		if err != nil {
			return err
		}
		tm, err := tx.ThreadMessage(ctx, *relay.MessageID)
		if err != nil || tm.AuthorRole != "expert" {
			return err
		}
		relays, err := tx.RelaysOf(ctx, tm.ID)
		if err != nil {
			return err
		}
		if len(relays) > 0 && relays[0].OutboxID != outboxID {
			return nil // told once per message, for its first part
		}
		expert, err := tx.User(ctx, tm.AuthorID)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, textMessages(expert.ID, T(UserLang(expert), "undelivered_expert", tm.ProblemID), nil, storage.PriorityInteractive)...)
	})
	if err != nil {
		b.log.Error("tell an expert of an undelivered answer", "outbox_id", outboxID, "err", err)
	}
}
