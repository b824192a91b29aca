package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/bot/telegram/telegramtest"
)

func TestErrorsNeverHoldTheToken(t *testing.T) {
	const token = "123:ABC-def"
	c := &Client{token: token}
	err := c.classify("getMe", errors.New(`Post "https://api.telegram.org/bot123:ABC-def/getMe": dial tcp: refused; also bot123%3AABC-def`))
	if strings.Contains(err.Error(), "ABC-def") {
		t.Fatalf("error still holds the token: %v", err)
	}
}

func TestAnswered(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, true},
		{&APIError{Code: 429}, true},
		{&APIError{Code: 403}, true},
		{&APIError{Code: 502}, false},
		{&NetError{Method: "sendMessage", msg: "timeout"}, false},
	} {
		if got := Answered(c.err); got != c.want {
			t.Errorf("Answered(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func TestHealthFollowsTheLastCall(t *testing.T) {
	tg := telegramtest.Start(t)
	var h Health
	c := New(tg.Token, tg.Endpoint(), NewHTTPClient(context.Background(), 5*time.Second, 1), &h)
	if h.Reachable() {
		t.Fatal("reachable before any call")
	}
	if _, err := c.GetMe(); err != nil || !h.Reachable() {
		t.Fatalf("after getMe (%v): reachable %v, want true", err, h.Reachable())
	}
	tg.AddFault(fake.Fault{Method: "getMe", Status: 502, Count: 1})
	if _, err := c.GetMe(); err == nil || h.Reachable() {
		t.Fatalf("after a 502 (%v): reachable %v, want false", err, h.Reachable())
	}
}

// The client uses its connection again after a long getUpdates batch,
// whose end the library leaves unread: with Telegram, each new connection
// is a TLS handshake.
func TestClientReusesItsConnection(t *testing.T) {
	tg := telegramtest.Start(t)
	u := fake.User{ID: 1901, FirstName: "U", LanguageCode: "en"}
	for i := range 250 {
		tg.SendText(u, fmt.Sprintf("message %d", i))
	}
	c := New(tg.Token, tg.Endpoint(), NewHTTPClient(context.Background(), 5*time.Second, 1), nil)
	offset := 0
	for got := 0; got < 250; {
		raw, err := c.GetUpdates(offset, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range raw {
			var u struct {
				UpdateID int `json:"update_id"`
			}
			json.Unmarshal(r, &u)
			offset = u.UpdateID + 1
		}
		got += len(raw)
	}
	if st := tg.Stats(); st.Connections != 1 {
		t.Fatalf("%d calls opened %d connections, want 1", st.Requests, st.Connections)
	}
}

func TestBackoffDoublesUpToItsLimit(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 5: 16 * time.Second, 7: MaxBackoff, 30: MaxBackoff} {
		if got := Backoff(attempt); got > want || got < want*4/5 {
			t.Errorf("Backoff(%d) = %v, want within a fifth under %v", attempt, got, want)
		}
	}
}
