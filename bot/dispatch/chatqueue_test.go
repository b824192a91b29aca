package dispatch

import (
	"slices"
	"testing"
)

func TestChatQueue(t *testing.T) {
	chats := func(from, n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(from + i)
		}
		return out
	}

	t.Run("AFreeWorkerTakesTheBacklog", func(t *testing.T) {
		q := newChatQueue()
		q.add(chats(1, 100)...)
		if got := q.take(32); !slices.Equal(got, chats(1, 32)) {
			t.Fatalf("took %v, want chats 1…32", got)
		}
		if got := q.take(100); !slices.Equal(got, chats(33, 68)) {
			t.Fatalf("took %v, want chats 33…100", got)
		}
	})

	t.Run("AWaitingWorkerTakesTheChatsThatArriveTogether", func(t *testing.T) {
		q := newChatQueue()
		got := make(chan []int64)
		for range 4 {
			go func() { got <- q.take(32) }()
		}
		q.add(chats(1, 10)...)
		if g := <-got; !slices.Equal(g, chats(1, 10)) {
			t.Fatalf("took %v, want chats 1…10 in one batch", g)
		}
		q.add(chats(11, 5)...) // more arrive: the next worker waiting takes them
		if g := <-got; !slices.Equal(g, chats(11, 5)) {
			t.Fatalf("took %v, want chats 11…15", g)
		}
		q.close()
		for range 2 {
			if g := <-got; g != nil {
				t.Fatalf("a worker took %v with nothing queued", g)
			}
		}
	})

	t.Run("AChatIsWithOneWorkerAtATime", func(t *testing.T) {
		q := newChatQueue()
		q.add(1, 2, 1)
		group := q.take(32)
		if !slices.Equal(group, []int64{1, 2}) {
			t.Fatalf("took %v, want [1 2]: a chat queued twice is queued once", group)
		}
		q.add(2, 3) // 2 has updates arrive while a worker has it
		if got := q.take(32); !slices.Equal(got, []int64{3}) {
			t.Fatalf("took %v while chat 2 is worked, want [3]", got)
		}
		q.done(group)
		if got := q.take(32); !slices.Equal(got, []int64{2}) {
			t.Fatalf("took %v after chat 2 was given back, want [2] again", got)
		}
	})

	t.Run("CloseEndsTheWorkers", func(t *testing.T) {
		q := newChatQueue()
		done := make(chan []int64)
		go func() { done <- q.take(32) }()
		q.close()
		if got := <-done; got != nil {
			t.Fatalf("take after close = %v, want nil", got)
		}
	})
}
