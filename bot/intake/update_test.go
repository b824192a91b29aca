package intake

import (
	"encoding/json"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

func TestInboxUpdate(t *testing.T) {
	for _, c := range []struct {
		name, raw string
		want      storage.Update
	}{
		{"Message", `{"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":-100,"type":"group"},"from":{"id":7,"is_bot":false,"first_name":"A"},"text":"hi"}}`,
			storage.Update{ID: 1, ChatID: -100, UserID: 7, Kind: "message"}},
		{"Edited", `{"update_id":2,"edited_message":{"message_id":5,"date":1,"chat":{"id":7,"type":"private"},"from":{"id":7,"is_bot":false,"first_name":"A"}}}`,
			storage.Update{ID: 2, ChatID: 7, UserID: 7, Kind: "edited_message"}},
		{"Button", `{"update_id":3,"callback_query":{"id":"q","chat_instance":"1","data":"x","from":{"id":7,"is_bot":false,"first_name":"A"},"message":{"message_id":9,"date":1,"chat":{"id":-100,"type":"group"}}}}`,
			storage.Update{ID: 3, ChatID: -100, UserID: 7, Kind: "callback_query"}},
		// A button under an inline message has no message: the library's
		// FromChat panics on it; the chat is the presser's.
		{"ButtonOfAnInlineMessage", `{"update_id":4,"callback_query":{"id":"q","chat_instance":"1","data":"x","inline_message_id":"m","from":{"id":7,"is_bot":false,"first_name":"A"}}}`,
			storage.Update{ID: 4, ChatID: 7, UserID: 7, Kind: "callback_query"}},
		{"ChatMember", `{"update_id":5,"my_chat_member":{"chat":{"id":7,"type":"private"},"from":{"id":7,"is_bot":false,"first_name":"A"},"date":1}}`,
			storage.Update{ID: 5, Kind: "my_chat_member"}},
		{"ChannelPost", `{"update_id":6,"channel_post":{"message_id":1,"date":1,"chat":{"id":-200,"type":"channel"}}}`,
			storage.Update{ID: 6, ChatID: -200, Kind: "other"}},
		{"Unreadable", `{"update_id":7,"message":"not a message"}`,
			storage.Update{ID: 7, Kind: "unreadable"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Describe(json.RawMessage(c.raw))
			if string(got.Payload) != c.raw {
				t.Errorf("payload %s, want the update as it came", got.Payload)
			}
			got.Payload = nil
			if got.ID != c.want.ID || got.ChatID != c.want.ChatID || got.UserID != c.want.UserID || got.Kind != c.want.Kind {
				t.Errorf("inboxUpdate = %+v, want %+v", got, c.want)
			}
			// Where the library reads the update without panicking, it
			// finds the same chat and sender.
			var u tgbotapi.Update
			if json.Unmarshal([]byte(c.raw), &u) != nil || (u.CallbackQuery != nil && u.CallbackQuery.Message == nil) {
				return
			}
			var chat, from int64
			if ch := u.FromChat(); ch != nil {
				chat = ch.ID
			}
			if f := u.SentFrom(); f != nil {
				from = f.ID
				if chat == 0 {
					chat = f.ID
				}
			}
			if chat != got.ChatID || from != got.UserID {
				t.Errorf("the library finds chat %d, sender %d; inboxUpdate %d, %d", chat, from, got.ChatID, got.UserID)
			}
		})
	}
}
