package bot

import (
	"context"
	"errors"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/bot/dispatch"
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

// handle routes an update to its handler. It runs in the transaction that
// marks the update handled; recent is how many updates its sender sent
// within the flood window, this one included.
func (b *Bot) handle(ctx context.Context, tx *storage.Tx, u *tgbotapi.Update, recent int) error {
	switch {
	case u.Message != nil:
		return b.handleMessage(ctx, tx, u.Message, recent)
	case u.EditedMessage != nil:
		return b.handleEdit(ctx, tx, u.EditedMessage)
	case u.CallbackQuery != nil:
		return b.handleCallback(ctx, tx, u.CallbackQuery, recent)
	case u.MyChatMember != nil:
		return b.handleMyChatMember(ctx, tx, u.MyChatMember)
	}
	return nil // kinds the bot does not act on are kept in the inbox only
}

// handleMyChatMember notes when a user blocks the bot ("kicked") or starts
// it again, so that moderators and experts know who cannot be reached.
func (b *Bot) handleMyChatMember(ctx context.Context, tx *storage.Tx, m *tgbotapi.ChatMemberUpdated) error {
	if !m.Chat.IsPrivate() {
		return nil
	}
	switch m.NewChatMember.Status {
	case "kicked":
		return tx.SetReachable(ctx, m.Chat.ID, false, "blocked the bot")
	case "member":
		return tx.SetReachable(ctx, m.Chat.ID, true, "")
	}
	return nil
}

// newReq records the user and prepares to answer them in chat: in their
// language, or in the moderators' group in the group's.
func (b *Bot) newReq(ctx context.Context, tx *storage.Tx, from *tgbotapi.User, chat int64, recent int) (*req, error) {
	user, err := tx.TouchUser(ctx, userOf(from))
	if err != nil {
		return nil, err
	}
	r := &req{tx: tx, user: user, lang: userLang(user), chat: chat, recent: recent}
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

func (b *Bot) handleMessage(ctx context.Context, tx *storage.Tx, m *tgbotapi.Message, recent int) error {
	if m.From == nil || m.From.IsBot {
		return nil
	}
	modGroup := b.cfg.ModeratorChatID != 0 && m.Chat.ID == b.cfg.ModeratorChatID
	if !m.Chat.IsPrivate() && !(modGroup && m.IsCommand()) {
		return nil // other groups, and talk in the moderators' group, are not for the bot
	}
	r, err := b.newReq(ctx, tx, m.From, m.Chat.ID, recent)
	if err != nil {
		return err
	}
	if stop, err := b.restrained(ctx, r, nil); stop || err != nil {
		return err
	}
	if m.IsCommand() {
		return b.handleCommand(ctx, r, m.Command(), m.CommandArguments())
	}
	if r.user.IsModerator() && (m.ForwardFrom != nil || m.ForwardSenderName != "") {
		return b.forwarded(ctx, r, m)
	}
	// A reply to a message the bot relayed belongs to that problem's thread.
	if reply := m.ReplyToMessage; reply != nil && reply.From != nil && reply.From.IsBot {
		relay, err := tx.RelayAt(ctx, r.chat, int64(reply.MessageID))
		if err == nil {
			return b.handleReply(ctx, r, relay, m)
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		// The user may have replied to a message before its sending was
		// recorded with its Telegram id: then try again in a moment.
		sending, err := tx.Sending(ctx, r.chat, int64(reply.MessageID))
		if err != nil {
			return err
		}
		if sending {
			return &dispatch.NotYet{Why: fmt.Sprintf("a reply to message %d, whose sending is not recorded yet", reply.MessageID)}
		}
	}
	d, err := tx.Dialog(ctx, r.user.ID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		own, err := tx.ProblemsByAuthor(ctx, r.user.ID, 1)
		if err != nil {
			return err
		}
		if len(own) > 0 {
			return r.send(ctx, r.t("followup_need_reply"), nil)
		}
		return r.send(ctx, r.t("unknown"), nil)
	case err != nil:
		return err
	}
	return b.continueDialog(ctx, r, d, m)
}

func (b *Bot) handleCommand(ctx context.Context, r *req, cmd, args string) error {
	switch cmd {
	case "start":
		return b.askLanguage(ctx, r, true)
	case "language":
		return b.askLanguage(ctx, r, false)
	case "help":
		return r.send(ctx, helpText(r.lang, r.user.Expert, r.user.IsModerator()), nil)
	case "new":
		return b.startNew(ctx, r)
	case "cancel":
		return b.cancel(ctx, r)
	case "my":
		return b.showMine(ctx, r)
	case "away", "back":
		return b.setAway(ctx, r, cmd == "away")
	case "approve", "reject":
		return b.moderateCommand(ctx, r, cmd, args)
	case "addexpert", "removeexpert":
		return b.manageExpert(ctx, r, cmd == "addexpert", args)
	case "parked":
		return b.showParked(ctx, r)
	case "queue":
		return b.showQueue(ctx, r)
	case "thread":
		return b.showThread(ctx, r, args)
	case "stats":
		return b.showStats(ctx, r, args)
	case "export":
		return b.export(ctx, r, args)
	case "experts":
		return b.showExperts(ctx, r, args)
	case "addmoderator", "removemoderator":
		return b.manageModerator(ctx, r, cmd == "addmoderator", args)
	case "ban", "unban":
		return b.manageBan(ctx, r, cmd == "ban", args)
	case "merge":
		return b.merge(ctx, r, args)
	case "centres":
		return b.manageCentres(ctx, r, args)
	case "audit":
		return b.showAudit(ctx, r)
	}
	return r.send(ctx, r.t("unknown"), nil)
}

// continueDialog takes a message as the answer to the dialogue's question.
func (b *Bot) continueDialog(ctx context.Context, r *req, d *storage.Dialog, m *tgbotapi.Message) error {
	switch d.Name {
	case dialogLanguage:
		// The question is answered with the buttons: ask it again.
		if err := r.send(ctx, r.t("use_buttons"), nil); err != nil {
			return err
		}
		return r.send(ctx, r.t("choose_language"), languageKeyboard(r.lang))
	case dialogNew:
		return b.newMessage(ctx, r, d, m)
	case dialogAnswer:
		return b.answerMessage(ctx, r, d, m)
	case dialogRateComment, dialogImplComment:
		return b.commentMessage(ctx, r, d, m)
	}
	// A dialogue this version does not know: forget it rather than trap the user.
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return err
	}
	return r.send(ctx, r.t("unknown"), nil)
}

func (b *Bot) handleCallback(ctx context.Context, tx *storage.Tx, q *tgbotapi.CallbackQuery, recent int) error {
	chat := q.From.ID
	if q.Message != nil {
		chat = q.Message.Chat.ID
	}
	r, err := b.newReq(ctx, tx, q.From, chat, recent)
	if err != nil {
		return err
	}
	if stop, err := b.restrained(ctx, r, q); stop || err != nil {
		return err
	}
	cb, err := parseCallback(q.Data)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	switch cb.action {
	case "lang":
		return b.chooseLanguage(ctx, r, q, cb)
	case "new":
		return b.newButton(ctx, r, q, cb)
	case "take", "answer", "decline":
		return b.expertButton(ctx, r, q, cb)
	case "rec":
		return b.markRecommendation(ctx, r, q, cb)
	case "resolve":
		return b.resolve(ctx, r, q, cb)
	case "rate":
		return b.rate(ctx, r, q, cb)
	case "impl":
		return b.implementation(ctx, r, q, cb)
	case "skip":
		return b.skipComment(ctx, r, q, cb)
	case "approve", "reject", "rejr", "modsec", "modback", "setsec", "ban":
		return b.modButton(ctx, r, q, cb)
	case "thr", "close", "reopen", "reassign", "assignto":
		return b.threadButton(ctx, r, q, cb)
	case "addexp":
		return b.addExpertButton(ctx, r, q, cb)
	case "noop":
		return r.answer(ctx, q, "")
	}
	return r.answer(ctx, q, r.t("button_expired"))
}

// showParked lists the updates that could not be handled, for moderators.
func (b *Bot) showParked(ctx context.Context, r *req) error {
	if !r.user.IsModerator() {
		return r.send(ctx, r.t("moderators_only"), nil)
	}
	parked, err := r.tx.ParkedUpdates(ctx, 10)
	if err != nil {
		return err
	}
	if len(parked) == 0 {
		return r.send(ctx, r.t("parked_none"), nil)
	}
	text := r.t("parked_title")
	for _, p := range parked {
		cause := p.Error
		if len(cause) > 300 {
			cause = cause[:300] + "…"
		}
		text += "\n\n" + r.t("parked_item", p.ID, p.Kind, p.ChatID, p.Attempts,
			p.ParkedAt.UTC().Format("2006-01-02 15:04 UTC"), Escape(cause))
	}
	return r.send(ctx, text, nil)
}
