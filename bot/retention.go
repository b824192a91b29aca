package bot

import (
	"context"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// retentionBatch is how many rows of each queue one statement purges: a
// short transaction beside the pipeline's.
const retentionBatch = 500

// retain purges the queues of what is older than the retention period
// (storage.DB.Purge), in small batches, every RetentionEvery, until ctx
// is cancelled.
func (b *Bot) retain(ctx context.Context) {
	for ctx.Err() == nil {
		for ctx.Err() == nil {
			n, err := b.db.Purge(ctx, b.now().Add(-b.cfg.Retention), retentionBatch)
			if err != nil && ctx.Err() == nil {
				b.log.Error("retention: purge", "err", err)
			}
			if n > 0 {
				b.log.Debug("retention: purged", "rows", n)
			}
			if err != nil || n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(b.cfg.RetentionEvery):
		}
	}
}

// unused reports whether an update carries nothing the bot uses, such as
// a contact or a location: it is kept no longer than its handling.
func unused(u *tgbotapi.Update) bool {
	if u.InlineQuery != nil {
		return true // answered at once; what someone searched for is not kept
	}
	m := u.Message
	if m == nil {
		m = u.EditedMessage
	}
	if m == nil {
		return false
	}
	return m.Text == "" && m.Caption == "" && len(m.Photo) == 0 && m.Document == nil
}
