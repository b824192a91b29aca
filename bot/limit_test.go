package bot

import (
	"slices"
	"testing"
	"time"
)

func TestLimiterHeldChats(t *testing.T) {
	l := newLimiter(TelegramSendLimits) // 1 a second per chat, bursts of 2
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	horizon := 200 * time.Millisecond
	for range 2 {
		if _, ok := l.reserve(now, 1, "sendMessage", horizon); !ok {
			t.Fatal("chat 1's burst was refused")
		}
	}
	l.reserve(now, 2, "sendMessage", horizon) // one of two: chat 2 still has a token
	l.pause(3, now.Add(5*time.Second))

	if got := l.held(now, horizon); !slices.Equal(sorted(got), []int64{1, 3}) {
		t.Fatalf("held now = %v, want [1 3]", got)
	}
	// Within the horizon of its next token, chat 1 may be booked again.
	if got := l.held(now.Add(900*time.Millisecond), horizon); !slices.Equal(got, []int64{3}) {
		t.Fatalf("held after 0.9 s = %v, want [3]", got)
	}
	if got := l.held(now.Add(6*time.Second), horizon); len(got) != 0 || len(l.empty) != 0 {
		t.Fatalf("held after 6 s = %v (%d chats still marked empty), want none", got, len(l.empty))
	}
}

func sorted(ids []int64) []int64 {
	slices.Sort(ids)
	return ids
}
