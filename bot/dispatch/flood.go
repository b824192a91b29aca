package dispatch

import (
	"slices"
	"sync"
	"time"
)

// floodCounter counts each user's recent updates for the flood rule: how
// many of their updates were received within the window up to the one
// being handled. The process handling the updates counts them as it goes,
// which costs the database nothing. Counted in the inbox instead, each
// update read every update its sender had sent within the window, a heap
// page each: in the bench's burst, where each user sends 20 updates in a
// few seconds, the statement reading the senders took a seventh of the
// database's time.
//
// Each process counts the updates it handles. With several replicas, a
// user's chat may be handled by one and then another, each seeing part of
// the user's updates, and a restart forgets the counts: either way a
// flooder gets more through before being restrained, never less. Bans,
// which are decisions, are in the database.
type floodCounter struct {
	limit  int
	window time.Duration

	mu     sync.Mutex
	users  map[int64][]received // each user's latest updates within the window, oldest first, at most limit+1
	newest time.Time            // the latest receipt counted: the clock idle users are forgotten by
	swept  time.Time            // when idle users were last forgotten, on that clock
}

// received is an update counted: its id, and when it was kept in the inbox.
type received struct {
	id int64
	at time.Time
}

func newFloodCounter(limit int, window time.Duration) *floodCounter {
	return &floodCounter{limit: limit, window: window, users: map[int64][]received{}}
}

// count counts update id of a user, kept in the inbox at at, and returns
// how many of the user's updates were received within the window up to
// at, this one included. It counts up to one more than the limit, which
// tells a flood as well as the whole count would, so that a flooder costs
// a few dozen entries, not thousands. An update counted before (handled
// again after a failure) is not counted twice.
func (f *floodCounter) count(user, id int64, at time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if at.After(f.newest) {
		f.newest = at
	}
	if f.newest.Sub(f.swept) > f.window {
		f.forgetIdle()
	}
	from := at.Add(-f.window)
	rs := slices.DeleteFunc(f.users[user], func(r received) bool { return !r.at.After(from) })
	if !slices.ContainsFunc(rs, func(r received) bool { return r.id == id }) {
		// In order of receipt: a user's updates in two chats may be handled
		// out of it.
		i := len(rs)
		for i > 0 && rs[i-1].at.After(at) {
			i--
		}
		rs = slices.Insert(rs, i, received{id: id, at: at})
		if extra := len(rs) - (f.limit + 1); extra > 0 {
			rs = slices.Delete(rs, 0, extra)
		}
	}
	f.users[user] = rs
	n := 0
	for _, r := range rs {
		if !r.at.After(at) {
			n++
		}
	}
	return n
}

// forgetIdle forgets the users whose latest update has left the window.
func (f *floodCounter) forgetIdle() {
	from := f.newest.Add(-f.window)
	for user, rs := range f.users {
		if len(rs) == 0 || !rs[len(rs)-1].at.After(from) {
			delete(f.users, user)
		}
	}
	f.swept = f.newest
}
