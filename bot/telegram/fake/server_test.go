package fake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// newAPI is a go-telegram-bot-api client of the server, as the bot uses.
func newAPI(t *testing.T, s *Server) *tgbotapi.BotAPI {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(s.Token, s.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func TestRequestsCheckedAgainstSpec(t *testing.T) {
	tests := []struct {
		name   string
		method string
		params map[string]string
		want   string // in the problem; "" for a valid call
	}{
		{"OK", "sendMessage", map[string]string{"chat_id": "5", "text": "hi"}, ""},
		{"LegacyParameter", "sendMessage", map[string]string{"chat_id": "5", "text": "hi", "disable_web_page_preview": "true"}, ""},
		{"UnknownMethod", "sendTelepathy", map[string]string{}, "no such method"},
		{"MissingRequired", "sendMessage", map[string]string{"chat_id": "5"}, "required parameter text"},
		{"UnknownParameter", "sendMessage", map[string]string{"chat_id": "5", "text": "hi", "colour": "red"}, "unknown parameter colour"},
		{"NotAnInteger", "editMessageText", map[string]string{"chat_id": "5", "message_id": "x", "text": "hi"}, "message_id"},
		{"BadMarkup", "sendMessage", map[string]string{"chat_id": "5", "text": "hi", "reply_markup": `{"inline_keyboard":[[{"txt":"a"}]]}`}, "reply_markup"},
		{"BadScope", "setMyCommands", map[string]string{"commands": `[]`, "scope": `{"type":"chat"}`}, "scope"},
		{"GoodScope", "setMyCommands", map[string]string{"commands": `[]`, "scope": `{"type":"chat","chat_id":5}`}, ""},
		{"InlineArticle", "answerInlineQuery", map[string]string{"inline_query_id": "q", "results": `[{"type":"article","id":"1","title":"t","input_message_content":{"message_text":"m"}}]`}, ""},
		{"InlineArticleWithoutContent", "answerInlineQuery", map[string]string{"inline_query_id": "q", "results": `[{"type":"article","id":"1","title":"t"}]`}, "results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := strings.Join(checkRequest(tt.method, tt.params, nil), "; ")
			if tt.want == "" && problems != "" {
				t.Fatalf("valid call refused: %s", problems)
			}
			if !strings.Contains(problems, tt.want) {
				t.Fatalf("problems %q, want one mentioning %q", problems, tt.want)
			}
		})
	}
}

func TestParseHTML(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"<b>bold</b> &amp; <i>it</i>", "bold & it", true},
		{`<a href="https://x.kz">link</a>`, "link", true},
		{"1 &lt; 2", "1 < 2", true},
		{"<b>open", "", false},
		{"<b><i>crossed</b></i>", "", false},
		{"<script>x</script>", "", false},
		{"a < b", "", false},
		{"Tom & Jerry", "", false},
	}
	for _, tt := range tests {
		got, err := parseHTML(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseHTML(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestGetUpdatesConfirmsByOffset(t *testing.T) {
	s := New("1:T", Limits{})
	defer s.Close()
	api := newAPI(t, s)
	u := User{ID: 9, FirstName: "A"}
	s.SendText(u, "one")
	s.SendText(u, "two")

	got, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 0})
	if err != nil || len(got) != 2 {
		t.Fatalf("getUpdates = %d updates, %v; want 2", len(got), err)
	}
	if got[0].Message.Text != "one" || !strings.HasPrefix(got[1].Message.Text, "two") {
		t.Fatalf("updates out of order")
	}
	// Not confirmed yet: asking again gives them again.
	if again, _ := api.GetUpdates(tgbotapi.UpdateConfig{}); len(again) != 2 {
		t.Fatalf("unconfirmed updates given %d times again, want 2", len(again))
	}
	if rest, _ := api.GetUpdates(tgbotapi.UpdateConfig{Offset: got[0].UpdateID + 1}); len(rest) != 1 {
		t.Fatalf("after confirming the first, %d left, want 1", len(rest))
	}
	start := time.Now()
	if none, _ := api.GetUpdates(tgbotapi.UpdateConfig{Offset: got[1].UpdateID + 1, Timeout: 1}); len(none) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Fatalf("long poll returned %d updates after %v, want none after the 1s timeout", len(none), time.Since(start))
	}
}

// TestSendTextsQueuesAllAtOnce: a long poll waiting while a crowd's
// messages are queued is answered with a full batch, not with the first
// message alone, and each chat's messages keep their order.
func TestSendTextsQueuesAllAtOnce(t *testing.T) {
	s := New("1:T", Limits{})
	defer s.Close()
	api := newAPI(t, s)
	a, b := User{ID: 7, FirstName: "A"}, User{ID: 8, FirstName: "B"}
	from := []User{a, b, a}
	for len(from) < 250 {
		from = append(from, a)
	}

	polled := make(chan []tgbotapi.Update)
	go func() {
		got, err := api.GetUpdates(tgbotapi.UpdateConfig{Limit: 100, Timeout: 5})
		if err != nil {
			t.Error(err)
		}
		polled <- got
	}()
	s.SendTexts(from, "/help")

	got := <-polled
	if len(got) != 100 {
		t.Fatalf("a waiting long poll got %d updates, want a full batch of 100", len(got))
	}
	for i, want := range []struct {
		chat int64
		id   int
	}{{7, 1}, {8, 1}, {7, 2}, {7, 3}} {
		m := got[i].Message
		if m == nil || m.Chat.ID != want.chat || m.MessageID != want.id || m.Text != "/help" || !m.IsCommand() {
			t.Fatalf("update %d = %+v, want /help as message %d of chat %d", i, m, want.id, want.chat)
		}
	}
	if n := s.Unconfirmed(); n != 250 {
		t.Fatalf("%d updates queued, want 250", n)
	}
}

func TestLimitsAnswer429(t *testing.T) {
	s := New("1:T", TelegramLimits)
	defer s.Close()
	api := newAPI(t, s)
	u := User{ID: 9, FirstName: "A"}
	s.SendText(u, "hi")

	var tooMany *tgbotapi.Error
	for i := 0; i < 5; i++ {
		_, err := api.Send(tgbotapi.NewMessage(u.ID, "reply"))
		if e, ok := err.(*tgbotapi.Error); ok {
			tooMany = e
			break
		}
	}
	if tooMany == nil || tooMany.Code != 429 || tooMany.RetryAfter < 1 {
		t.Fatalf("a burst of 5 messages to one chat got %+v, want 429 with retry_after", tooMany)
	}
	// Calling again before retry_after ends is itself a violation.
	api.Send(tgbotapi.NewMessage(u.ID, "again"))
	if p := s.Problems(); len(p) != 1 || !strings.Contains(p[0], "retry_after") {
		t.Fatalf("problems %q, want one for ignoring retry_after", p)
	}
}

func TestMessageRules(t *testing.T) {
	s := New("1:T", Limits{})
	defer s.Close()
	u := User{ID: 9, FirstName: "A"}
	s.SendText(u, "hi")
	call := func(params url.Values) (int, string) {
		resp, err := http.PostForm(s.URL()+"/bot1:T/sendMessage", params)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct{ Description string }
		json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.Description
	}
	tests := []struct {
		name   string
		params url.Values
		status int
	}{
		{"OK", url.Values{"chat_id": {"9"}, "text": {"<b>hi</b>"}, "parse_mode": {"HTML"}}, 200},
		{"TooLong", url.Values{"chat_id": {"9"}, "text": {strings.Repeat("я", 4097)}}, 400},
		{"BadHTML", url.Values{"chat_id": {"9"}, "text": {"<b>hi"}, "parse_mode": {"HTML"}}, 400},
		{"LongCallbackData", url.Values{"chat_id": {"9"}, "text": {"hi"}, "reply_markup": {`{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("x", 65) + `"}]]}`}}, 400},
		{"UnknownChat", url.Values{"chat_id": {"10"}, "text": {"hi"}}, 400},
		{"ReplyToGone", url.Values{"chat_id": {"9"}, "text": {"hi"}, "reply_parameters": {`{"message_id":999}`}}, 400},
		{"ReplyToGoneAllowed", url.Values{"chat_id": {"9"}, "text": {"hi"}, "reply_parameters": {`{"message_id":999,"allow_sending_without_reply":true}`}}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, desc := call(tt.params); status != tt.status {
				t.Fatalf("status %d (%s), want %d", status, desc, tt.status)
			}
		})
	}
	if got := len(s.Problems()); got != 3 {
		t.Fatalf("%d problems recorded, want 3 (too long, bad HTML, long callback data): %q", got, s.Problems())
	}
}

// TestRefusedCallIsNotCounted: a call refused after its message was made
// (a reply to a message that is not there) takes the message back, from
// the count of the bot's messages too.
func TestRefusedCallIsNotCounted(t *testing.T) {
	s := New("1:T", Limits{})
	defer s.Close()
	api := newAPI(t, s)
	u := User{ID: 9, FirstName: "A"}
	s.SendText(u, "hi")
	refused := tgbotapi.NewMessage(u.ID, "to nothing")
	refused.ReplyToMessageID = 999
	if _, err := api.Send(refused); err == nil {
		t.Fatal("a reply to a message that is not there was carried out")
	}
	if _, err := api.Send(tgbotapi.NewMessage(u.ID, "reply")); err != nil {
		t.Fatal(err)
	}
	if got, want := s.SentCount(u.ID), len(s.BotMessages(u.ID)); got != 1 || want != 1 {
		t.Fatalf("SentCount %d, bot messages %d, want 1 and 1", got, want)
	}
}

func TestUnansweredCallbackIsAProblem(t *testing.T) {
	s := New("1:T", Limits{})
	defer s.Close()
	u := User{ID: 9, FirstName: "A"}
	m := s.SendText(u, "hi")
	answered := s.Press(u, m, "v1:a")
	s.Press(u, m, "v1:b")
	api := newAPI(t, s)
	if _, err := api.Request(tgbotapi.NewCallback(answered, "")); err != nil {
		t.Fatal(err)
	}
	if p := s.Problems(); len(p) != 1 || !strings.Contains(p[0], "v1:b") {
		t.Fatalf("problems %q, want the unanswered press", p)
	}
}

// A bot reacts with one emoji of those the Bot API lists, or none; ✅,
// which people would expect, is not one.
func TestReactions(t *testing.T) {
	s := New("1:T", Limits{})
	defer s.Close()
	u := User{ID: 9, FirstName: "A"}
	m := s.SendText(u, "hi")
	react := func(reaction string) int {
		resp, err := http.PostForm(s.URL()+"/bot1:T/setMessageReaction", url.Values{
			"chat_id": {"9"}, "message_id": {strconv.FormatInt(m.MessageID, 10)}, "reaction": {reaction}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tt := range []struct {
		reaction string
		status   int
		now      string
	}{
		{`[{"type":"emoji","emoji":"👍"}]`, 200, "👍"},
		{`[{"type":"emoji","emoji":"✅"}]`, 400, "👍"},
		{`[{"type":"emoji","emoji":"👍"},{"type":"emoji","emoji":"🔥"}]`, 400, "👍"},
		{`[]`, 200, ""},
	} {
		if got := react(tt.reaction); got != tt.status {
			t.Errorf("%s: status %d, want %d", tt.reaction, got, tt.status)
		}
		if now, _ := s.Message(9, m.MessageID); now.Reaction != tt.now {
			t.Errorf("after %s the reaction is %q, want %q", tt.reaction, now.Reaction, tt.now)
		}
	}
	if got := len(s.Problems()); got != 2 {
		t.Errorf("%d problems recorded, want 2 (✅, two reactions): %q", got, s.Problems())
	}
}
