package sender

import (
	"math"
	"sync"
	"time"

	"github.com/atameken/expertbot/bot/telegram"
)

// Limits are the rates the sender keeps to, a little under Telegram's so
// that network jitter between us and Telegram cannot push a burst over.
type Limits struct {
	Global     float64 // calls per second across all chats
	Chat       float64 // calls per second in one private chat…
	ChatBurst  float64 // …with bursts of this many
	Group      float64 // calls per second in one group
	GroupBurst float64
}

// TelegramLimits keep under Telegram's documented limits: 30 messages per
// second in all, 1 per second per private chat, 20 per minute per group.
var TelegramLimits = Limits{
	Global: 29,
	Chat:   1, ChatBurst: 2,
	Group: 17.0 / 60, GroupBurst: 2, // at most 19 in any minute
}

// bucket is a token bucket.
type bucket struct {
	tokens float64
	at     time.Time
}

// wait returns how long until a token is available at rate and burst.
func (b *bucket) wait(now time.Time, rate, burst float64) time.Duration {
	b.refill(now, rate, burst)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration(math.Ceil((1 - b.tokens) / rate * float64(time.Second)))
}

// reserve takes a token, now or in the future (the bucket goes below
// zero), and returns how long until it is there.
func (b *bucket) reserve(now time.Time, rate, burst float64) time.Duration {
	b.refill(now, rate, burst)
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(math.Ceil(-b.tokens / rate * float64(time.Second)))
}

func (b *bucket) refill(now time.Time, rate, burst float64) {
	if b.at.IsZero() {
		b.tokens, b.at = burst, now
		return
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
}

// limiter decides which calls the sender may make now. It is used by the
// sender's loop only, so it needs no lock.
type limiter struct {
	limits Limits
	global bucket
	chats  map[int64]*bucket
	empty  map[int64]time.Time // chats whose bucket a booking emptied, until it has a token again
	paused map[int64]time.Time // chats Telegram told us to leave alone until then
}

func newLimiter(l Limits) *limiter {
	return &limiter{limits: l, chats: map[int64]*bucket{}, empty: map[int64]time.Time{}, paused: map[int64]time.Time{}}
}

func (l *limiter) chatRate(chatID int64) (rate, burst float64) {
	if chatID < 0 {
		return l.limits.Group, l.limits.GroupBurst
	}
	return l.limits.Chat, l.limits.ChatBurst
}

// reserve books a call of method to chatID if it may go within horizon:
// it returns how long the call must wait for its slot, or false (and how
// long until it could be booked) when that is further off.
func (l *limiter) reserve(now time.Time, chatID int64, method string, horizon time.Duration) (time.Duration, bool) {
	if !telegram.CountsTowardLimits(method) || chatID == 0 {
		return 0, true // and a pause for a flood of messages does not hold it
	}
	if until, ok := l.paused[chatID]; ok {
		if now.Before(until) {
			return until.Sub(now), false
		}
		delete(l.paused, chatID)
	}
	b, ok := l.chats[chatID]
	if !ok {
		b = &bucket{}
		l.chats[chatID] = b
	}
	rate, burst := l.chatRate(chatID)
	wait := max(b.wait(now, rate, burst), l.global.wait(now, l.limits.Global, 1))
	if wait > horizon {
		return wait - horizon, false
	}
	delay := max(b.reserve(now, rate, burst), l.global.reserve(now, l.limits.Global, 1))
	if refill := b.wait(now, rate, burst); refill > 0 {
		l.empty[chatID] = now.Add(refill)
	}
	return delay, true
}

// held lists the chats whose next call could not be booked within
// horizon, so that the sender does not read their calls only to leave
// them, and when the first chat the limiter marks may go, to be handed
// back by releasing (zero when none is marked).
func (l *limiter) held(now time.Time, horizon time.Duration) (ids []int64, releaseAt time.Time) {
	mark := func(id int64, until time.Time) {
		if until.Sub(now) > horizon {
			ids = append(ids, id)
		}
		at := maxTime(now, until)
		if releaseAt.IsZero() || at.Before(releaseAt) {
			releaseAt = at
		}
	}
	for id, until := range l.empty {
		mark(id, until)
	}
	for id, until := range l.paused {
		mark(id, until)
	}
	return ids, releaseAt
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// globalHeld reports whether the global limit has no call to give now:
// the calls booked ahead have taken what it had.
func (l *limiter) globalHeld(now time.Time) bool {
	return l.global.wait(now, l.limits.Global, 1) > 0
}

// holds reports whether held would list chatID.
func (l *limiter) holds(now time.Time, chatID int64, horizon time.Duration) bool {
	return l.empty[chatID].Sub(now) > horizon || l.paused[chatID].Sub(now) > horizon
}

// releasing returns the chats the limits held back that may go now, so
// that the sender can claim their calls by chat, and forgets that their
// buckets were empty. They are handed back when they may go rather than
// when they may be booked: a call booked ahead holds a slot of the sender
// while it waits.
func (l *limiter) releasing(now time.Time) []int64 {
	var ids []int64
	for id, until := range l.empty {
		if !until.After(now) {
			ids = append(ids, id)
			delete(l.empty, id)
		}
	}
	for id, until := range l.paused {
		if !until.After(now) {
			ids = append(ids, id)
		}
	}
	return ids
}

// takeover is how long a sender taking over from another waits before its
// first call: a second for the global window, or as long as a private
// chat's bucket takes to fill to its burst, if longer. The last sender may
// have emptied a chat's bucket just before it stopped.
func (l *limiter) takeover() time.Duration {
	return time.Duration(max(1, l.limits.ChatBurst/l.limits.Chat) * float64(time.Second))
}

// pause keeps a chat waiting, as Telegram's retry_after asks.
func (l *limiter) pause(chatID int64, until time.Time) {
	l.paused[chatID] = until
}

// forget drops the state of chats that are idle and full, so that the map
// does not grow with every chat ever served.
func (l *limiter) forget(now time.Time) {
	for id, b := range l.chats {
		rate, burst := l.chatRate(id)
		if b.refill(now, rate, burst); b.tokens >= burst {
			delete(l.chats, id)
		}
	}
}

// startWindow keeps calls from starting more than n times in any second,
// counted when they start rather than when they were booked: goroutines
// that wake late for their slots could otherwise bunch up.
type startWindow struct {
	mu sync.Mutex
	n  int
	at []time.Time // start times within the last second, oldest first
}

// wait blocks until a call may start, and counts it. It waits without
// holding the lock: calls of different chats may start in any order.
func (w *startWindow) wait() {
	if w == nil {
		return
	}
	for {
		w.mu.Lock()
		now := time.Now()
		for len(w.at) > 0 && now.Sub(w.at[0]) >= time.Second {
			w.at = w.at[1:]
		}
		if len(w.at) < w.n {
			w.at = append(w.at, now)
			w.mu.Unlock()
			return
		}
		wait := time.Second - now.Sub(w.at[0])
		w.mu.Unlock()
		time.Sleep(wait)
	}
}

// newStartWindow returns a window for a global rate, or nil when the rate
// is too high to be worth counting call by call.
func newStartWindow(rate float64) *startWindow {
	if rate > 1000 {
		return nil
	}
	return &startWindow{n: max(1, int(rate))}
}

// ChatsFaster returns the limits with each chat's pace k times as fast,
// to keep to a fake Telegram whose chats are paced alike.
func (l Limits) ChatsFaster(k float64) Limits {
	l.Chat *= k
	l.Group *= k
	return l
}
