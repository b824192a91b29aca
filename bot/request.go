package bot

import (
	"context"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// req is one update being handled, with what every handler needs: the
// transaction that the update's effects and its outgoing calls share, and
// the user as the database knows them.
type req struct {
	tx     *storage.Tx
	user   *storage.User
	lang   string
	chat   int64
	recent int // the user's updates within the flood window, this one included (floodCounter)
}

// t returns a text in the user's language.
func (r *req) t(key string, args ...any) string { return T(r.lang, key, args...) }

// send queues an HTML message to the update's chat.
func (r *req) send(ctx context.Context, html string, kb *tgbotapi.InlineKeyboardMarkup) error {
	return r.tx.Enqueue(ctx, textMessages(r.chat, html, kb, storage.PriorityInteractive)...)
}

// answer queues the answer to a button press; text, if any, is shown
// briefly to the presser.
func (r *req) answer(ctx context.Context, q *tgbotapi.CallbackQuery, text string) error {
	return r.tx.Enqueue(ctx, answerCallback(r.chat, q.ID, text))
}

// newReq records the user and prepares to answer them in chat: in their
// language, or in the moderators' group in the group's.
func (b *Bot) newReq(ctx context.Context, tx *storage.Tx, from *tgbotapi.User, chat int64, recent int) (*req, error) {
	user, err := tx.TouchUser(ctx, userOf(from))
	if err != nil {
		return nil, err
	}
	r := &req{tx: tx, user: user, lang: UserLang(user), chat: chat, recent: recent}
	if chat != 0 && chat == b.cfg.ModeratorChatID {
		r.lang = defaultLanguage
	}
	return r, nil
}

// userOf is a user as Telegram describes them, for TouchUser.
func userOf(from *tgbotapi.User) storage.User {
	return storage.User{
		ID: from.ID, Username: from.UserName, FirstName: from.FirstName, LastName: from.LastName,
		TelegramLanguage: from.LanguageCode,
	}
}
