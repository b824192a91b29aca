package bot

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// allowedUpdates are the kinds of update the bot asks Telegram for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// poll takes updates from Telegram by long polling and keeps each batch in
// the inbox before confirming it: Telegram counts an update confirmed when
// getUpdates is called with a higher offset, so a batch that is not yet
// committed is fetched again after a crash.
//
// It calls getUpdates through bot.Request rather than bot.GetUpdates to keep
// each update's JSON exactly as Telegram sent it, including fields newer
// than the library.
func (b *Bot) poll(ctx context.Context, c *client) {
	offset := 0
	failures := 0
	for ctx.Err() == nil {
		raw, err := c.getUpdates(offset, b.cfg.PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			wait := backoff(failures)
			var apiErr *APIError
			b.telegramOK.Store(errors.As(err, &apiErr) && apiErr.Code < 500)
			if errors.As(err, &apiErr) && apiErr.Code == 409 {
				b.log.Error("poll: another instance is taking updates, or a webhook is set", "err", err, "retry_in", wait)
			} else {
				b.log.Warn("poll: get updates", "err", err, "retry_in", wait)
			}
			sleep(ctx, wait)
			continue
		}
		failures = 0
		b.telegramOK.Store(true)
		if len(raw) == 0 {
			continue
		}
		updates := make([]storage.Update, 0, len(raw))
		for _, r := range raw {
			updates = append(updates, inboxUpdate(r))
		}
		for attempt := 1; ; attempt++ {
			n, err := b.db.SaveUpdates(ctx, updates)
			if err == nil {
				b.log.Debug("poll: kept updates", "received", len(updates), "new", n)
				break
			}
			if ctx.Err() != nil {
				return // not confirmed: Telegram gives them again
			}
			b.log.Error("poll: keep updates; not confirming them", "err", err, "attempt", attempt)
			sleep(ctx, backoff(attempt))
		}
		for _, u := range updates {
			offset = max(offset, int(u.ID)+1)
		}
		b.received(updates)
	}
}

// received counts updates newly kept and wakes the dispatcher.
func (b *Bot) received(updates []storage.Update) {
	for _, u := range updates {
		b.metrics.received.WithLabelValues(u.Kind).Inc()
	}
	b.updatesReceived.Add(int64(len(updates)))
	chats := make([]int64, len(updates))
	for i, u := range updates {
		chats[i] = u.ChatID
	}
	b.arrive(chats...)
}

// getUpdates makes one long-polling call and returns the updates' JSON.
func (c *client) getUpdates(offset int, timeout time.Duration) ([]json.RawMessage, error) {
	cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: int(timeout.Seconds()), AllowedUpdates: allowedUpdates}
	resp, err := c.api.Request(cfg)
	if err != nil {
		return nil, c.classify("getUpdates", err)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raw); err != nil {
		return nil, &NetError{Method: "getUpdates", msg: "decode: " + err.Error()}
	}
	return raw, nil
}

// inboxUpdate describes an update for the inbox: its id, chat, sender and
// kind, read from its head (updateHead) rather than by decoding it whole,
// which the handler does. An update that does not read so is kept all the
// same, with chat 0, and handled as unknown.
func inboxUpdate(raw json.RawMessage) storage.Update {
	var h updateHead
	if err := json.Unmarshal(raw, &h); err != nil {
		var id struct {
			UpdateID int64 `json:"update_id"`
		}
		json.Unmarshal(raw, &id)
		return storage.Update{ID: id.UpdateID, Kind: "unreadable", Payload: raw}
	}
	su := storage.Update{ID: h.UpdateID, Kind: h.kind(), Payload: raw}
	if chat := h.chat(); chat != nil {
		su.ChatID = chat.ID
	}
	if from := h.from(); from != nil {
		su.UserID = from.ID
		if su.ChatID == 0 {
			su.ChatID = from.ID
		}
	}
	return su
}

// updateHead is what the inbox reads of an update: its kind, and its chat
// and sender found as the library's Update.FromChat and SentFrom find
// them, but for a button under an inline message, which has no message
// and so no chat (where FromChat panics).
type updateHead struct {
	UpdateID           int64        `json:"update_id"`
	Message            *headMessage `json:"message"`
	EditedMessage      *headMessage `json:"edited_message"`
	ChannelPost        *headMessage `json:"channel_post"`
	EditedChannelPost  *headMessage `json:"edited_channel_post"`
	CallbackQuery      *headMessage `json:"callback_query"`
	MyChatMember       *struct{}    `json:"my_chat_member"`
	InlineQuery        *headMessage `json:"inline_query"`
	ChosenInlineResult *headMessage `json:"chosen_inline_result"`
	ShippingQuery      *headMessage `json:"shipping_query"`
	PreCheckoutQuery   *headMessage `json:"pre_checkout_query"`
}

// headMessage is the head of a message, or of another part of an update
// with a sender: a button press carries the message it was under.
type headMessage struct {
	Chat    *headID      `json:"chat"`
	From    *headID      `json:"from"`
	Message *headMessage `json:"message"`
}

type headID struct {
	ID int64 `json:"id"`
}

func (h *updateHead) kind() string {
	switch {
	case h.Message != nil:
		return "message"
	case h.EditedMessage != nil:
		return "edited_message"
	case h.CallbackQuery != nil:
		return "callback_query"
	case h.MyChatMember != nil:
		return "my_chat_member"
	}
	return "other"
}

func (h *updateHead) chat() *headID {
	switch {
	case h.Message != nil:
		return h.Message.Chat
	case h.EditedMessage != nil:
		return h.EditedMessage.Chat
	case h.ChannelPost != nil:
		return h.ChannelPost.Chat
	case h.EditedChannelPost != nil:
		return h.EditedChannelPost.Chat
	case h.CallbackQuery != nil && h.CallbackQuery.Message != nil:
		return h.CallbackQuery.Message.Chat
	}
	return nil
}

func (h *updateHead) from() *headID {
	for _, part := range []*headMessage{h.Message, h.EditedMessage, h.InlineQuery, h.ChosenInlineResult,
		h.CallbackQuery, h.ShippingQuery, h.PreCheckoutQuery} {
		if part != nil {
			return part.From
		}
	}
	return nil
}
