package bot

import (
	"context"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// The functions here build outgoing Bot API calls for the outbox. Each
// names the method it implements; https://core.telegram.org/bots/api lists
// their parameters.

// textMessages builds sendMessage calls for an HTML text, split into parts
// that fit Telegram's limit; the keyboard goes under the last part.
func textMessages(chatID int64, html string, kb *tgbotapi.InlineKeyboardMarkup, priority int) []storage.Call {
	parts := SplitMessage(html, MaxMessageLength)
	msgs := make([]storage.Call, len(parts))
	for i, part := range parts {
		p := tgbotapi.Params{}
		p.AddNonZero64("chat_id", chatID)
		p["text"] = part
		p["parse_mode"] = tgbotapi.ModeHTML
		if i == len(parts)-1 {
			p.AddInterface("reply_markup", kb)
		}
		msgs[i] = storage.Call{ChatID: chatID, Method: "sendMessage", Params: storage.Params(p), Priority: priority}
	}
	return msgs
}

// editText builds an editMessageText call; kb nil removes the keyboard.
// The text must fit one message.
func editText(chatID, messageID int64, html string, kb *tgbotapi.InlineKeyboardMarkup) storage.Call {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", chatID)
	p["message_id"] = strconv.FormatInt(messageID, 10)
	p["text"] = html
	p["parse_mode"] = tgbotapi.ModeHTML
	p.AddInterface("reply_markup", kb)
	return storage.Call{ChatID: chatID, Method: "editMessageText", Params: storage.Params(p)}
}

// received is the reaction that says a user's message was passed on: a
// 👍 on it, where a message saying so would cost the chat a message of its
// budget (a reaction is paced as one too, but leaves the chat quiet). The
// Bot API allows only some emoji; ✅ is not among them.
func received(chatID, messageID int64) storage.Call {
	p := tgbotapi.Params{"reaction": `[{"type":"emoji","emoji":"👍"}]`}
	p.AddNonZero64("chat_id", chatID)
	p.AddNonZero64("message_id", messageID)
	return storage.Call{ChatID: chatID, Method: "setMessageReaction", Params: storage.Params(p), Priority: storage.PriorityInteractive}
}

// answerCallback builds an answerCallbackQuery call, which stops the
// spinner on the button the user pressed; text, if any, is shown briefly.
// It is queued with the chat's messages so that it goes out in order.
func answerCallback(chatID int64, queryID, text string) storage.Call {
	p := tgbotapi.Params{"callback_query_id": queryID}
	p.AddNonEmpty("text", text)
	return storage.Call{ChatID: chatID, Method: "answerCallbackQuery", Params: storage.Params(p)}
}

// setCommands builds a setMyCommands call for a scope and language.
func setCommands(cmds []tgbotapi.BotCommand, scope tgbotapi.BotCommandScope, lang string) storage.Call {
	p := tgbotapi.Params{}
	p.AddInterface("commands", cmds)
	p.AddInterface("scope", scope)
	p.AddNonEmpty("language_code", lang)
	return storage.Call{Method: "setMyCommands", Params: storage.Params(p), Priority: storage.PriorityBulk}
}

// deleteMessage builds a deleteMessage call, which Telegram carries out
// for the bot's own messages in a private chat or a group while they are
// recent enough (48 hours).
func deleteMessage(chatID, messageID int64) storage.Call {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", chatID)
	p.AddNonZero64("message_id", messageID)
	return storage.Call{ChatID: chatID, Method: "deleteMessage", Params: storage.Params(p), Priority: storage.PriorityBulk}
}

// deleteCommands builds a deleteMyCommands call for a scope, after which
// Telegram shows the menu of a wider scope.
func deleteCommands(scope tgbotapi.BotCommandScope) storage.Call {
	p := tgbotapi.Params{}
	p.AddInterface("scope", scope)
	return storage.Call{Method: "deleteMyCommands", Params: storage.Params(p), Priority: storage.PriorityBulk}
}

// removeFromGroup builds the calls that take a user out of a group without
// keeping them banned: banChatMember, then unbanChatMember.
func removeFromGroup(chatID, userID int64) []storage.Call {
	ban, unban := tgbotapi.Params{}, tgbotapi.Params{}
	for _, p := range []tgbotapi.Params{ban, unban} {
		p.AddNonZero64("chat_id", chatID)
		p.AddNonZero64("user_id", userID)
	}
	unban["only_if_banned"] = "true"
	return []storage.Call{
		{ChatID: chatID, Method: "banChatMember", Params: storage.Params(ban), Priority: storage.PriorityBulk},
		{ChatID: chatID, Method: "unbanChatMember", Params: storage.Params(unban), Priority: storage.PriorityBulk},
	}
}

// keyboard lays buttons out in rows of perRow.
func keyboard(perRow int, buttons ...tgbotapi.InlineKeyboardButton) *tgbotapi.InlineKeyboardMarkup {
	var rows [][]tgbotapi.InlineKeyboardButton
	for len(buttons) > 0 {
		n := min(perRow, len(buttons))
		rows = append(rows, buttons[:n])
		buttons = buttons[n:]
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &kb
}

// inPlace says text, with its buttons, in the message whose button was
// pressed, under the question answered there; as a new message when the
// two would not fit one.
func (b *Bot) inPlace(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, answered, text string, kb *tgbotapi.InlineKeyboardMarkup) error {
	if answered == "" {
		return r.send(ctx, text, kb)
	}
	if both := answered + "\n\n" + text; fits(both) {
		return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), both, kb))
	}
	if err := r.tx.Enqueue(ctx, settled(r.chat, int64(q.Message.MessageID), answered)); err != nil {
		return err
	}
	return r.send(ctx, text, kb)
}

// settled is the edit that leaves a question answered in the chat, without
// its buttons; only the buttons go when the answer would not fit.
func settled(chat, msg int64, answered string) storage.Call {
	if !fits(answered) {
		return editMarkup(chat, msg, nil)
	}
	return editText(chat, msg, answered, nil)
}

// fits reports whether a text fits one Telegram message.
func fits(html string) bool { return len(SplitMessage(html, MaxMessageLength)) == 1 }
