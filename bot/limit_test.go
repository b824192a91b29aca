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

	// Chat 1 has its next token in a second, so it may be booked in 0.8 s.
	if got, next := l.held(now, horizon); !slices.Equal(slices.Sorted(slices.Values(got)), []int64{1, 3}) || next != 800*time.Millisecond {
		t.Fatalf("held now = %v, next in %v; want [1 3], 800ms", got, next)
	}
	if got, next := l.held(now.Add(900*time.Millisecond), horizon); !slices.Equal(got, []int64{3}) || next != 3900*time.Millisecond {
		t.Fatalf("held after 0.9 s = %v, next in %v; want [3], 3.9s", got, next)
	}
	if got, next := l.held(now.Add(6*time.Second), horizon); len(got) != 0 || next != 0 || len(l.empty) != 0 {
		t.Fatalf("held after 6 s = %v, next in %v (%d chats still marked empty), want none", got, next, len(l.empty))
	}
}
