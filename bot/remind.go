package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// remind fires due reminders until ctx is cancelled. Reminders are rows,
// so a timer set before a restart fires after it.
func (b *Bot) remind(ctx context.Context) {
	for ctx.Err() == nil {
		for ctx.Err() == nil {
			fired, err := b.db.FireReminder(ctx, b.now(), b.fireReminder)
			if err != nil && ctx.Err() == nil {
				b.log.Error("reminders: fire", "err", err)
			}
			if !fired {
				break
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(b.cfg.ReminderPoll):
		}
	}
}

func (b *Bot) fireReminder(ctx context.Context, tx *storage.Tx, rm *storage.Reminder) error {
	if err := b.reminded(ctx, tx, rm); err != nil {
		return err
	}
	return b.refreshCards(ctx, tx)
}

func (b *Bot) reminded(ctx context.Context, tx *storage.Tx, rm *storage.Reminder) error {
	if rm.Kind == storage.ReminderDigest {
		return b.sendDigest(ctx, tx)
	}
	if rm.ProblemID == nil {
		return fmt.Errorf("%s reminder without a problem", rm.Kind)
	}
	p, err := tx.Problem(ctx, *rm.ProblemID)
	if err != nil {
		return err
	}
	switch rm.Kind {
	case storage.ReminderUntaken:
		if p.Status != storage.StatusOpen || p.OwnerID != nil {
			return nil
		}
		experts, err := tx.RoutingExperts(ctx, p.SectorID, p.AuthorID)
		if err != nil {
			return err
		}
		for _, e := range experts {
			a, err := tx.Assignment(ctx, p.ID, e.ID)
			if err == nil && a.DeclinedAt != nil {
				continue
			}
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			if err := b.sendCard(ctx, tx, p, &e, T(UserLang(&e), "reminder_card")); err != nil {
				return err
			}
		}
		b.log.Info("reminders: problem not taken in time", "problem", p.ID, "experts", len(experts))
		return b.warnModerators(ctx, tx, p.ID, func(lang string) string {
			return T(lang, "mod_untaken", p.ID, formatDuration(b.cfg.TakeTimeout, lang))
		})
	case storage.ReminderUnanswered:
		if p.FirstAnswerAt != nil || p.Closed() || p.Status == storage.StatusPendingModeration {
			return nil
		}
		b.log.Info("reminders: problem not answered in time", "problem", p.ID)
		return b.warnModerators(ctx, tx, p.ID, func(lang string) string {
			return T(lang, "mod_unanswered", p.ID, formatDuration(b.cfg.AnswerTimeout, lang))
		})
	case storage.ReminderImplementation:
		if rm.RecommendationID == nil {
			return nil
		}
		rec, err := tx.Recommendation(ctx, *rm.RecommendationID)
		if err != nil {
			return err
		}
		tm, err := tx.ThreadMessage(ctx, rec.MessageID)
		if err != nil {
			return err
		}
		author, err := tx.User(ctx, p.AuthorID)
		if err != nil {
			return err
		}
		lang := UserLang(author)
		var buttons []tgbotapi.InlineKeyboardButton
		for _, s := range []string{"implemented", "in_progress", "not_implemented"} {
			buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(T(lang, "impl_"+s), callbackData("impl", strconv.FormatInt(rec.ID, 10), s)))
		}
		text := T(lang, "impl_question", p.ID, Escape(clipText(tm.Text, 500)))
		return tx.Enqueue(ctx, textMessages(author.ID, text, keyboard(1, buttons...), storage.PriorityBulk)...)
	}
	return fmt.Errorf("unknown reminder kind %q", rm.Kind)
}

// clipText shortens text to at most n characters.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// durationOf turns seconds into a duration rounded to the minute.
func durationOf(seconds float64) time.Duration {
	return (time.Duration(seconds) * time.Second).Round(time.Minute)
}
