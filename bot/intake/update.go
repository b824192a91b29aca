package intake

import (
	"encoding/json"

	"github.com/atameken/expertbot/storage"
)

// Describe describes an update for the inbox: its id, chat, sender and
// kind, read from its head (updateHead) rather than by decoding it whole,
// which its handler does. An update that does not read so is kept all the
// same, with chat 0, and handled as unreadable.
func Describe(raw json.RawMessage) storage.Update {
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
	case h.InlineQuery != nil:
		return "inline_query"
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
