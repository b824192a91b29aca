package dispatch

import "sync"

// chatQueue hands chats with updates to handle to the dispatcher's
// workers. A chat is with at most one worker at a time, so that its
// updates are handled in order; a chat that has updates arrive while a
// worker has it is queued again when the worker gives it back.
//
// A free worker takes the chats waiting, up to a limit, rather than the
// dispatcher dealing them out as they arrive: while every worker is busy
// the queue grows, and the next free worker takes it in one batch instead
// of many small batches formed before it was free. Nor are the chats that
// arrive together spread over all the workers free: a batch's commit and
// statements cost about as much for 13 chats as for 100, and the workers
// still work at once as soon as chats arrive faster than one handles them.
type chatQueue struct {
	mu     sync.Mutex
	cond   sync.Cond
	ready  []int64
	state  map[int64]chatState
	closed bool
}

type chatState uint8

const (
	chatQueued chatState = iota + 1 // waiting for a worker
	chatWorked                      // with a worker
	chatMissed                      // with a worker, and updates arrived meanwhile
)

func newChatQueue() *chatQueue {
	q := &chatQueue{state: map[int64]chatState{}}
	q.cond.L = &q.mu
	return q
}

// add queues chats with updates to handle.
func (q *chatQueue) add(chats ...int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, chat := range chats {
		switch q.state[chat] {
		case chatQueued, chatMissed:
		case chatWorked:
			q.state[chat] = chatMissed
		default:
			q.state[chat] = chatQueued
			q.ready = append(q.ready, chat)
		}
	}
	if len(q.ready) > 0 {
		q.cond.Broadcast()
	}
}

// take waits for chats to be queued and returns them, at most max, in the
// order they were queued. It returns nil once the queue is closed.
func (q *chatQueue) take(max int) []int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.ready) == 0 && !q.closed {
		q.cond.Wait()
	}
	if q.closed {
		return nil
	}
	n := min(max, len(q.ready))
	group := make([]int64, n)
	copy(group, q.ready)
	q.ready = q.ready[n:]
	for _, chat := range group {
		q.state[chat] = chatWorked
	}
	return group
}

// done gives back the chats a worker took: those that had updates arrive
// meanwhile are queued again.
func (q *chatQueue) done(chats []int64) {
	q.mu.Lock()
	var again []int64
	for _, chat := range chats {
		if q.state[chat] == chatMissed {
			again = append(again, chat)
		}
		delete(q.state, chat)
	}
	q.mu.Unlock()
	q.add(again...)
}

// close wakes the workers waiting, and makes take return nil from now on.
func (q *chatQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}
