package sender

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/atameken/expertbot/bot/telegram"
	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

// The sender's tests run in a synctest bubble: its clock, its timers and
// the fake Telegram's limits are the bubble's, which moves on only when
// every goroutine in it waits, so a minute of Telegram's pace passes in
// the time the calls and statements take. The database and the HTTP
// exchange with the fake server are real; the fake server is called in
// process, through its handler, since the bubble's clock cannot move on
// while a goroutine waits on a socket.

// run is a sender at work in a bubble, on a database of its own, against
// a fake Telegram with Telegram's own limits.
type run struct {
	t  *testing.T
	db *storage.DB
	tg *fake.Server
	s  *Sender
}

// inBubble runs test with a sender ready to start, in a synctest bubble.
func inBubble(t *testing.T, cfg Config, test func(r *run)) {
	_, dsn := storagetest.NewDB(t) // created and migrated outside the bubble
	synctest.Test(t, func(t *testing.T) {
		db, err := storage.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		tg := fake.NewUnstarted("42:SENDER-test", fake.TelegramLimits)
		client := telegram.New(tg.Token, tg.Endpoint(), &http.Client{Transport: inProcess{tg}}, nil)
		r := &run{t: t, db: db, tg: tg, s: New(db, client, slog.New(slog.DiscardHandler), cfg)}
		test(r)
		for _, p := range tg.Problems() {
			t.Errorf("fake Telegram: %s", p)
		}
		if st := tg.Stats(); st.RateLimited > 0 {
			t.Errorf("the sender went over Telegram's limits %d times: %q", st.RateLimited, st.Limited)
		}
	})
}

// inProcess makes HTTP requests to a handler in the calling goroutine.
type inProcess struct{ h http.Handler }

func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	p.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// start runs the sender until the test ends.
func (r *run) start() {
	ctx, cancel := context.WithCancel(r.t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { r.s.Run(ctx) })
	r.t.Cleanup(func() { cancel(); wg.Wait() })
}

// queue queues texts to chats in one transaction, in the order given.
func (r *run) queue(calls ...storage.Call) []int64 {
	r.t.Helper()
	var ids []int64
	err := r.db.InTx(r.t.Context(), func(tx *storage.Tx) error {
		var err error
		ids, err = tx.EnqueueIDs(r.t.Context(), calls...)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return ids
}

func text(chat int64, s string) storage.Call {
	return storage.Call{ChatID: chat, Method: "sendMessage", Params: storage.Params{"chat_id": strconv.FormatInt(chat, 10), "text": s}}
}

// waitSent waits, on the bubble's clock, until the outbox has no call
// waiting, and fails the test after within.
func (r *run) waitSent(within time.Duration) time.Duration {
	r.t.Helper()
	start := time.Now()
	for {
		var pending int
		if err := r.db.SQL().QueryRow(`SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&pending); err != nil {
			r.t.Fatal(err)
		}
		if pending == 0 {
			return time.Since(start)
		}
		if time.Since(start) > within {
			r.t.Fatalf("after %v, %d calls still wait", within, pending)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// texts are the texts of the bot's messages in a chat, in the order
// Telegram took them.
func (r *run) texts(chat int64) []string {
	var out []string
	for _, m := range r.tg.BotMessages(chat) {
		out = append(out, m.Text)
	}
	return out
}

// sentAt are the times Telegram took the calls that counted toward its
// limits, in all and by chat.
func (r *run) sentAt() (all []time.Time, byChat map[int64][]time.Time) {
	byChat = map[int64][]time.Time{}
	for _, q := range r.tg.Requests() {
		if q.Status != 200 || !telegram.CountsTowardLimits(q.Method) {
			continue
		}
		chat, _ := strconv.ParseInt(q.Params["chat_id"], 10, 64)
		all = append(all, q.At)
		byChat[chat] = append(byChat[chat], q.At)
	}
	return all, byChat
}

// mostWithin is the most of the times within any window of d.
func mostWithin(at []time.Time, d time.Duration) int {
	best := 0
	for i := range at {
		j := i
		for j < len(at) && at[j].Sub(at[i]) < d {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// TestSenderKeepsTelegramsLimits queues a burst for many private chats
// and a group at once: everything goes, each chat in order, within
// Telegram's limits to the millisecond on the fake server's own log.
func TestSenderKeepsTelegramsLimits(t *testing.T) {
	inBubble(t, Config{}, func(r *run) {
		const chats, each, group = 40, 5, -1001
		r.tg.AddGroup(group, "Moderators")
		var calls []storage.Call
		for i := range each {
			for c := range chats {
				chat := int64(100 + c)
				if i == 0 {
					r.tg.AddChat(fake.User{ID: chat, FirstName: "U"})
				}
				calls = append(calls, text(chat, fmt.Sprintf("%d-%d", chat, i)))
			}
		}
		for i := range 25 {
			calls = append(calls, text(group, fmt.Sprintf("group %d", i)))
		}
		// A chat with a dozen messages at once, held by its own limit.
		const talkative = 99
		r.tg.AddChat(fake.User{ID: talkative, FirstName: "T"})
		for i := range 12 {
			calls = append(calls, text(talkative, fmt.Sprintf("%d-%d", talkative, i)))
		}
		r.queue(calls...)
		r.start()
		took := r.waitSent(5 * time.Minute)

		for c := range chats + 1 {
			chat, n := int64(100+c), each
			if c == chats {
				chat, n = talkative, 12
			}
			var want []string
			for i := range n {
				want = append(want, fmt.Sprintf("%d-%d", chat, i))
			}
			if got := r.texts(chat); !slices.Equal(got, want) {
				t.Errorf("chat %d got %q, want %q", chat, got, want)
			}
		}
		if got := len(r.texts(group)); got != 25 {
			t.Errorf("the group got %d messages, want 25", got)
		}
		all, byChat := r.sentAt()
		if n := mostWithin(all, time.Second); n > 30 {
			t.Errorf("%d calls within a second in all, Telegram allows 30", n)
		}
		for chat, at := range byChat {
			if chat > 0 {
				// One a second, with a burst: never more than three within a second.
				if n := mostWithin(at, time.Second); n > 3 {
					t.Errorf("chat %d got %d calls within a second", chat, n)
				}
			} else if n := mostWithin(at, time.Minute); n > 20 {
				t.Errorf("group %d got %d calls within a minute, Telegram allows 20", chat, n)
			}
		}
		// 200 private messages at 29 a second take 6.9 s at least; the
		// group's 25 at 17 a minute after a burst of 2, 81 s.
		if took < 80*time.Second || took > 3*time.Minute {
			t.Errorf("the burst took %v on the sender's clock, want about the group's 81 s", took)
		}
	})
}

// TestSenderHonoursRetryAfter: a 429 for one chat pauses that chat for
// Telegram's retry_after, and no other.
func TestSenderHonoursRetryAfter(t *testing.T) {
	inBubble(t, Config{}, func(r *run) {
		const slow, other = 201, 202
		r.tg.AddChat(fake.User{ID: slow, FirstName: "Slow"})
		r.tg.AddChat(fake.User{ID: other, FirstName: "Other"})
		r.tg.AddFault(fake.Fault{Method: "sendMessage", ChatID: slow, Status: 429, RetryAfter: 7, Count: 1})
		r.queue(text(slow, "a"), text(other, "x"), text(slow, "b"), text(other, "y"))
		r.start()
		r.waitSent(time.Minute)

		if got := r.texts(slow); !slices.Equal(got, []string{"a", "b"}) {
			t.Errorf("the paused chat got %q, want a then b", got)
		}
		if got := r.texts(other); !slices.Equal(got, []string{"x", "y"}) {
			t.Errorf("the other chat got %q, want x then y", got)
		}
		var refused, retried, otherDone time.Time
		for _, q := range r.tg.Requests() {
			switch {
			case q.Params["chat_id"] == "201" && q.Status == 429:
				refused = q.At
			case q.Params["chat_id"] == "201" && q.Params["text"] == "a":
				retried = q.At
			case q.Params["chat_id"] == "202" && q.Params["text"] == "y":
				otherDone = q.At
			}
		}
		if wait := retried.Sub(refused); wait < 7*time.Second || wait > 8*time.Second {
			t.Errorf("the refused call went again %v after the 429, want retry_after's 7 s", wait)
		}
		if otherDone.Sub(refused) > 2*time.Second {
			t.Errorf("the other chat's second message went %v after the 429: held up by another chat's pause", otherDone.Sub(refused))
		}
		var attempts int
		r.db.SQL().QueryRow(`SELECT attempts FROM outbox WHERE params->>'text' = 'a'`).Scan(&attempts)
		if attempts != 1 {
			t.Errorf("the refused call counts %d failed attempts, want 1", attempts)
		}
	})
}

// TestSenderNeverSendsAChatOutOfOrder: calls of one chat go in the order
// they were queued however Telegram fails them meanwhile, and an edit
// goes after the message it edits, with that message's id.
func TestSenderNeverSendsAChatOutOfOrder(t *testing.T) {
	inBubble(t, Config{}, func(r *run) {
		const chats, each = 6, 8
		for c := range chats {
			chat := int64(300 + c)
			r.tg.AddChat(fake.User{ID: chat, FirstName: "U"})
			// Every chat fails some calls: 502s, a timeout-like late answer, a 429.
			r.tg.AddFault(fake.Fault{Method: "sendMessage", ChatID: chat, Status: 502, Count: 1 + c%3})
		}
		r.tg.AddFault(fake.Fault{Method: "sendMessage", ChatID: 301, Status: 429, RetryAfter: 3, Count: 1})
		r.tg.AddFault(fake.Fault{Method: "sendMessage", ChatID: 302, Late: 2 * time.Second, Count: 2})
		for i := range each {
			var calls []storage.Call
			for c := range chats {
				calls = append(calls, text(int64(300+c), strconv.Itoa(i)))
			}
			r.queue(calls...) // a commit per round, as handlers would
		}
		first := r.queue(text(305, "to be edited"))[0]
		r.queue(storage.Call{ChatID: 305, Method: "editMessageText", EditOf: first,
			Params: storage.Params{"chat_id": "305", "message_id": "0", "text": "edited"}})
		r.start()
		r.waitSent(5 * time.Minute)

		for c := range chats {
			chat := int64(300 + c)
			want := []string{"0", "1", "2", "3", "4", "5", "6", "7"}
			if chat == 305 {
				want = append(want, "edited")
			}
			if got := r.texts(chat); !slices.Equal(got, want) {
				t.Errorf("chat %d got %q, want %q", chat, got, want)
			}
		}
		if m := r.tg.BotMessages(305); len(m[len(m)-1].Edits) != 1 {
			t.Errorf("the edited message has edits %q, want the one before", m[len(m)-1].Edits)
		}
		var failed int
		r.db.SQL().QueryRow(`SELECT count(*) FROM outbox WHERE status <> 'sent'`).Scan(&failed)
		if failed != 0 {
			t.Errorf("%d calls not sent", failed)
		}
	})
}

// TestClaimBooksWithinTheLimits calls claim on its own, at given moments:
// one call per chat and per free slot, each booked into its slot in the
// limits, chats held back deferred until their turn.
func TestClaimBooksWithinTheLimits(t *testing.T) {
	inBubble(t, Config{}, func(r *run) {
		ctx := r.t.Context()
		for c := range 6 {
			r.queue(text(int64(400+c), "a"), text(int64(400+c), "b"))
		}
		lock, err := r.db.TryLock(ctx, lockKey)
		if err != nil || lock == nil {
			t.Fatalf("lock: %v", err)
		}
		defer lock.Release()
		tr := &turn{Sender: r.s, lock: lock, busy: map[int64]bool{}, queuedBusy: map[int64]bool{},
			targets: map[int64]bool{}, deferred: map[int64]bool{}}
		now := time.Now()

		jobs, _, more, err := tr.claim(ctx, now, 4, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Six chats' first calls read, fewer than the claim's reach: nothing more waits unread.
		if len(jobs) != 4 || more {
			t.Fatalf("claimed %d calls (more unread %v) for 4 free slots, want 4 and nothing unread", len(jobs), more)
		}
		seen := map[int64]bool{}
		for i, j := range jobs {
			if seen[j.ChatID] || j.Params["text"] != "a" || !j.More {
				t.Errorf("job %d: chat %d %q (more behind %v): want each chat's first call once", i, j.ChatID, j.Params["text"], j.More)
			}
			seen[j.ChatID] = true
			// 29 a second in all: each booked 1/29 s after the one before.
			if want := time.Duration(i) * time.Second / 29; j.delay < want-time.Millisecond || j.delay > want+time.Millisecond {
				t.Errorf("job %d booked %v ahead, want %v", i, j.delay, want)
			}
			tr.busy[j.ChatID] = true
		}
		// The two chats read but left for want of a slot are targets.
		if len(tr.targets) != 2 {
			t.Errorf("targets %v, want the two chats left for want of a slot", tr.targets)
		}
		for chat := range tr.targets {
			if seen[chat] {
				t.Errorf("chat %d is a target and was claimed", chat)
			}
		}

		// The chats claimed are busy: the next claim takes the other two.
		rest, _, _, _ := tr.claim(ctx, now, 4, nil)
		if len(rest) != 2 || seen[rest[0].ChatID] || seen[rest[1].ChatID] {
			t.Fatalf("second claim took %d calls of chats %v, want the two other chats'", len(rest), rest)
		}

		// Two seconds on, every bucket is full again. A private chat may send
		// two at once, then one a second: with its two taken, its next call
		// is deferred until its next token is within reach.
		later := now.Add(2 * time.Second)
		const chat = 400
		delete(tr.busy, chat)
		for range 2 {
			if _, ok := tr.limiter.reserve(later, chat, "sendMessage", time.Minute); !ok {
				t.Fatal("a full bucket refused a call")
			}
		}
		none, at, _, _ := tr.claim(ctx, later, 4, []int64{chat})
		if len(none) != 0 || !tr.deferred[chat] {
			t.Fatalf("with its bucket empty, chat %d got %d calls (deferred %v)", chat, len(none), tr.deferred[chat])
		}
		if wait := at.Sub(later); wait < 800*time.Millisecond || wait > time.Second {
			t.Errorf("the deferred chat is to be claimed again in %v, want when its next token is within the horizon, 0.8 to 1 s", wait)
		}
		again, _, _, _ := tr.claim(ctx, later.Add(time.Second), 4, []int64{chat})
		if len(again) != 1 || again[0].ChatID != chat || tr.deferred[chat] {
			t.Fatalf("a second later chat %d got %d calls, want its next", chat, len(again))
		}
	})
}
