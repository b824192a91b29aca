package dispatch

import (
	"testing"
	"time"
)

func TestFloodCounterCountsTheWindowUpToOneMoreThanTheLimit(t *testing.T) {
	f := newFloodCounter(3, time.Minute)
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	const aida, dana = 1, 2
	for _, c := range []struct {
		name     string
		user, id int64
		at       time.Duration // after t0
		want     int
	}{
		{"first", aida, 1, 0, 1},
		{"another user apart", dana, 2, time.Second, 1},
		{"second", aida, 3, 10 * time.Second, 2},
		{"third", aida, 4, 20 * time.Second, 3},
		{"the same update handled again", aida, 4, 20 * time.Second, 3},
		{"fourth: over the limit", aida, 5, 30 * time.Second, 4},
		{"fifth: counted up to one more than the limit", aida, 6, 40 * time.Second, 4},
		// 65 s: the first left the window, the other four stayed, and the
		// count stops at four all the same.
		{"later", aida, 7, 65 * time.Second, 4},
		// 120 s: all but the last left the window.
		{"after a pause", aida, 8, 120 * time.Second, 2},
		// Counted as of when it was kept: the one of 65 s and itself.
		{"kept earlier, handled later (in another chat)", aida, 9, 110 * time.Second, 2},
		{"the other user, after a minute", dana, 10, 62 * time.Second, 1},
	} {
		if got := f.count(c.user, c.id, t0.Add(c.at)); got != c.want {
			t.Errorf("%s: count(%d, %d, +%v) = %d, want %d", c.name, c.user, c.id, c.at, got, c.want)
		}
	}
}

func TestFloodCounterForgetsIdleUsers(t *testing.T) {
	f := newFloodCounter(40, time.Minute)
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for user := range int64(1000) {
		f.count(user, user, t0)
	}
	// A minute and more later, one user writes: the others are forgotten.
	if got := f.count(5, 1001, t0.Add(61*time.Second)); got != 1 {
		t.Fatalf("count after the window = %d, want 1", got)
	}
	if len(f.users) != 1 {
		t.Fatalf("%d users remembered, want 1: the others' updates left the window", len(f.users))
	}
}
