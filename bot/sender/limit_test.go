package sender

import (
	"slices"
	"testing"
	"time"
)

func TestLimiterHeldChats(t *testing.T) {
	l := newLimiter(TelegramLimits) // 1 a second per chat, bursts of 2
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	horizon := 200 * time.Millisecond
	for range 2 {
		if _, ok := l.reserve(now, 1, "sendMessage", horizon); !ok {
			t.Fatal("chat 1's burst was refused")
		}
	}
	l.reserve(now, 2, "sendMessage", horizon) // one of two: chat 2 still has a token
	l.pause(3, now.Add(5*time.Second))

	// Chat 1 has its next token in a second: it may be booked in 0.8 s and
	// go in 1 s.
	if got, at := l.held(now, horizon); !slices.Equal(slices.Sorted(slices.Values(got)), []int64{1, 3}) || !at.Equal(now.Add(time.Second)) {
		t.Fatalf("held now = %v, first released at %v; want [1 3], in 1s", got, at.Sub(now))
	}
	if got := l.releasing(now); len(got) != 0 {
		t.Fatalf("released now: %v, want none", got)
	}
	later := now.Add(900 * time.Millisecond)
	if got, at := l.held(later, horizon); !slices.Equal(got, []int64{3}) || !at.Equal(now.Add(time.Second)) {
		t.Fatalf("held after 0.9 s = %v, first released in %v; want [3], 1s", got, at.Sub(now))
	}
	if got := l.releasing(later); len(got) != 0 {
		t.Fatalf("released after 0.9 s: %v, want none", got)
	}
	later = now.Add(time.Second)
	if got := l.releasing(later); !slices.Equal(got, []int64{1}) {
		t.Fatalf("released after 1 s: %v, want [1]", got)
	}
	if got, at := l.held(later, horizon); !slices.Equal(got, []int64{3}) || !at.Equal(now.Add(5*time.Second)) {
		t.Fatalf("held after chat 1 was released = %v, next release in %v; want [3], 5s", got, at.Sub(now))
	}
	end := now.Add(6 * time.Second)
	if got := l.releasing(end); !slices.Equal(got, []int64{3}) || len(l.empty) != 0 {
		t.Fatalf("released after 6 s: %v (%d chats still marked empty), want [3] and none", got, len(l.empty))
	}
}

func TestLimiterGlobalHeld(t *testing.T) {
	l := newLimiter(TelegramLimits) // 29 a second in all
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	if l.globalHeld(now) {
		t.Fatal("the global limit holds before any call")
	}
	for chat := range int64(3) {
		if _, ok := l.reserve(now, chat+1, "sendMessage", sendHorizon); !ok {
			t.Fatalf("call %d was refused within the horizon", chat+1)
		}
	}
	if !l.globalHeld(now) {
		t.Fatal("the global limit does not hold after three calls booked at once")
	}
	// Three booked at once, one from the burst and two ahead: the global
	// bucket has a whole token again three intervals of 1/29 s later.
	free := now.Add(3 * time.Second / 29)
	if !l.globalHeld(free.Add(-5 * time.Millisecond)) {
		t.Fatal("the global limit does not hold 5 ms before its next token")
	}
	if l.globalHeld(free.Add(time.Millisecond)) {
		t.Fatal("the global limit holds after its next token")
	}
}
