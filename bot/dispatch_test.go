package bot

import (
	"fmt"
	"slices"
	"testing"
	"time"
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

	t.Run("WaitingWorkersShareTheChats", func(t *testing.T) {
		q := newChatQueue()
		got := make(chan []int64)
		for range 4 {
			go func() { got <- q.take(32) }()
		}
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			q.mu.Lock()
			idle := q.idle
			q.mu.Unlock()
			if idle == 4 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d workers waiting, want 4", idle)
			}
		}
		q.add(chats(1, 10)...)
		var sizes []int
		var all []int64
		for range 4 {
			g := <-got
			sizes = append(sizes, len(g))
			all = append(all, g...)
		}
		slices.Sort(sizes)
		slices.Sort(all)
		if fmt.Sprint(sizes) != "[2 2 3 3]" || !slices.Equal(all, chats(1, 10)) {
			t.Fatalf("shares of %v holding %v, want [2 2 3 3] holding chats 1…10 once each", sizes, all)
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
