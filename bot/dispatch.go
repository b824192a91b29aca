package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

const (
	dispatchPoll   = time.Second // look for waiting updates at least this often
	maxAttempts    = 5           // an update that fails this often is parked
	handlerTimeout = 30 * time.Second
)

// dispatch hands waiting updates to handlers: a chat's updates one after
// another, so that they are handled in order, and different chats at once,
// by cfg.Workers workers. A worker free while many chats wait takes a
// batch of them and handles one update of each in a single transaction
// (storage.HandleBatch), so that a crowd of users costs a commit per batch
// rather than per update.
//
// The chats of updates this process keeps are handed over as they arrive
// (arrive); the inbox is read for every chat waiting (PendingChats, which
// under a backlog reads all of it) at start, every dispatchPoll, when an
// update waits for later, and when asked to (lookAgain). It returns when
// ctx is cancelled and the handlers in flight have finished.
func (b *Bot) dispatch(ctx context.Context) {
	q := newChatQueue()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer q.close()
	for range b.cfg.Workers {
		wg.Go(func() { b.work(ctx, q) })
	}

	var lookAt time.Time // when to read the inbox for every chat waiting; zero: now
	for ctx.Err() == nil {
		now := time.Now()
		var due []int64
		if arrived, all := b.takeArrived(); all || !now.Before(lookAt) {
			qs, err := b.db.PendingChats(ctx)
			if err != nil && ctx.Err() == nil {
				b.log.Error("dispatch: list waiting updates", "err", err)
			}
			lookAt = now.Add(dispatchPoll)
			for _, c := range qs {
				if c.DueAt.After(now) {
					lookAt = minTime(lookAt, c.DueAt)
					continue
				}
				due = append(due, c.ChatID)
			}
		} else {
			for chat := range arrived {
				due = append(due, chat)
			}
		}
		q.add(due...)
		timer := time.NewTimer(time.Until(lookAt))
		select {
		case <-ctx.Done():
		case <-b.dispatchWake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// work handles the chats it takes from q, one update of each at a time,
// until q is closed.
func (b *Bot) work(ctx context.Context, q *chatQueue) {
	for {
		group := q.take(maxBatch)
		if group == nil {
			return
		}
		var left bool
		if len(group) == 1 {
			left = b.drainChat(ctx, group[0])
		} else {
			left = b.handleBatch(ctx, group)
		}
		q.done(group)
		if left {
			b.lookAgain()
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// maxBatch is the most chats one transaction handles: enough to share a
// commit and a few statements among many, few enough that a batch stays
// short (a hundred /help updates take a few milliseconds). Handling 40,000
// waiting updates of 1,000 chats, 100 rather than 32 raised the rate from
// 7,000-8,900 to 11,000-11,400 updates/s, the database's CPU per update
// falling from 94-124 to 70-74 us.
const maxBatch = 100

// handleBatch handles one update of each chat in one transaction, and
// again for the chats that have more, until none has: a backlog is worked
// off without the dispatcher looking for the chats again each time. When a
// handler fails, nothing of that round was kept, and each of its chats is
// handled on its own, where the failure is recorded against its update
// alone. It reports whether it left an update for later, as drainChat.
func (b *Bot) handleBatch(ctx context.Context, chats []int64) (left bool) {
	for len(chats) > 0 && ctx.Err() == nil {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handlerTimeout)
		start := time.Now()
		decoded := map[int64]*tgbotapi.Update{}
		handled, more, failed, err := b.db.HandleBatch(hctx, chats,
			func(ctx context.Context, tx *storage.Tx, us []storage.Update) error {
				return b.prepareBatch(ctx, tx, us, decoded)
			},
			func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
				return b.handleSafely(ctx, tx, u, decoded[u.ID])
			})
		cancel()
		if err != nil {
			var later *notYet
			if failed != nil && !errors.As(err, &later) {
				b.log.Warn("dispatch: a handler failed in a batch; handling its chats one by one", "update_id", failed.ID, "chats", len(chats), "err", err)
			} else if failed == nil && ctx.Err() == nil {
				b.log.Error("dispatch: handle a batch", "chats", len(chats), "err", err)
			}
			for _, chat := range chats {
				left = b.drainChat(ctx, chat) || left
			}
			return left
		}
		took := time.Since(start)
		for _, u := range handled {
			b.countHandled(u.Kind, took)
		}
		b.log.Debug("handled a batch", "updates", len(handled), "chats", len(chats), "took", took)
		chats = more
	}
	return len(chats) > 0
}

// arrive hands chats with new updates to the dispatcher.
func (b *Bot) arrive(chats ...int64) {
	if len(chats) == 0 {
		return
	}
	b.arrivedMu.Lock()
	for _, chat := range chats {
		b.arrived[chat] = true
	}
	b.arrivedMu.Unlock()
	b.pokeDispatcher()
}

// lookAgain asks the dispatcher to read the inbox for every chat waiting:
// an update was left for later, and the dispatcher learns when it is due.
func (b *Bot) lookAgain() {
	b.arrivedMu.Lock()
	b.lookAll = true
	b.arrivedMu.Unlock()
	b.pokeDispatcher()
}

// takeArrived returns the chats handed over since the dispatcher last
// looked, and whether it was asked to look at every chat.
func (b *Bot) takeArrived() (map[int64]bool, bool) {
	b.arrivedMu.Lock()
	defer b.arrivedMu.Unlock()
	arrived, all := b.arrived, b.lookAll
	b.arrived, b.lookAll = map[int64]bool{}, false
	return arrived, all
}

func (b *Bot) pokeDispatcher() {
	select {
	case b.dispatchWake <- struct{}{}:
	default:
	}
}

// drainChat handles a chat's due updates in order until none is left, one
// fails, or ctx is cancelled. An update started is finished even when ctx
// is cancelled meanwhile. It reports whether it left an update for later
// (failed, postponed, or not reached), so that the dispatcher knows to
// look again for when it is due.
func (b *Bot) drainChat(ctx context.Context, chatID int64) (left bool) {
	for ctx.Err() == nil {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handlerTimeout)
		start := time.Now()
		u, more, err := b.db.HandleNext(hctx, chatID, func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
			return b.handleSafely(ctx, tx, u, nil)
		})
		cancel()
		if u == nil && err == nil {
			return false
		}
		if err == nil {
			took := time.Since(start)
			b.countHandled(u.Kind, took)
			b.log.Debug("handled update", "update_id", u.ID, "chat_id", chatID, "kind", u.Kind, "took", took)
			if !more {
				return false
			}
			continue
		}
		if u == nil || storage.IsUnavailable(err) {
			// Not the update's fault: the database is away. Try again later
			// without counting it against the update.
			b.log.Error("dispatch: handle", "chat_id", chatID, "err", err)
			sleep(ctx, time.Second)
			return true
		}
		var later *notYet
		if errors.As(err, &later) {
			b.log.Debug("dispatch: update postponed", "update_id", u.ID, "chat_id", chatID, "why", later.why)
			if err := b.db.Postpone(context.WithoutCancel(ctx), u.ID, postponeFor); err != nil {
				b.log.Error("dispatch: postpone", "update_id", u.ID, "err", err)
			}
			return true
		}
		b.handlerErrors.Add(1)
		b.metrics.errors.Inc()
		b.fail(context.WithoutCancel(ctx), u, err)
		return true
	}
	return true
}

// countHandled counts an update handled, in took with its transaction.
func (b *Bot) countHandled(kind string, took time.Duration) {
	b.updatesHandled.Add(1)
	b.metrics.handled.WithLabelValues(kind).Inc()
	b.metrics.latency.Observe(took.Seconds())
}

// notYet is what a handler returns for an update it cannot handle yet but
// will be able to shortly, through nobody's fault: the update is handled
// again after postponeFor, and it does not count as a failure.
type notYet struct{ why string }

func (e *notYet) Error() string { return "not yet: " + e.why }

const postponeFor = 300 * time.Millisecond

// prepareBatch decodes the updates of a batch, into decoded, and records
// at once the users their handlers will record one by one (newReq): one
// statement for the batch instead of one for each update. An update that
// does not decode is left to its handler to report.
func (b *Bot) prepareBatch(ctx context.Context, tx *storage.Tx, us []storage.Update, decoded map[int64]*tgbotapi.Update) error {
	var users []storage.User
	for _, su := range us {
		var u tgbotapi.Update
		if su.Kind == "unreadable" || json.Unmarshal(su.Payload, &u) != nil {
			continue
		}
		decoded[su.ID] = &u
		if from := recordedBy(&u); from != nil {
			users = append(users, userOf(from))
		}
	}
	if len(users) == 0 {
		return nil
	}
	return tx.TouchUsers(ctx, users)
}

// recordedBy returns the user the update's handler surely records: the
// sender of a message in a private chat, the presser of a button.
func recordedBy(u *tgbotapi.Update) *tgbotapi.User {
	switch {
	case u.Message != nil && u.Message.Chat != nil && u.Message.Chat.IsPrivate() &&
		u.Message.From != nil && !u.Message.From.IsBot:
		return u.Message.From
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From
	}
	return nil
}

// handleSafely runs the handler on an update, decoded or, when decoded is
// nil, decoded here, with its sender's recent updates counted, and turns a
// panic into an error, so that the transaction is rolled back and the loop
// goes on.
func (b *Bot) handleSafely(ctx context.Context, tx *storage.Tx, su *storage.Update, decoded *tgbotapi.Update) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	recent := 0
	if su.UserID != 0 {
		recent = b.flood.count(su.UserID, su.ID, su.ReceivedAt)
	}
	u := decoded
	if u == nil {
		u = &tgbotapi.Update{}
		if su.Kind != "unreadable" {
			if err := json.Unmarshal(su.Payload, u); err != nil {
				return fmt.Errorf("decode update: %w", err)
			}
		}
	}
	return b.handler(ctx, tx, u, recent)
}

// fail records a failed update: it is retried with backoff, and after
// maxAttempts parked for a moderator to see (/parked), and the user is told
// that something went wrong.
func (b *Bot) fail(ctx context.Context, u *storage.Update, cause error) {
	log := b.log.With("update_id", u.ID, "chat_id", u.ChatID, "kind", u.Kind)
	retry := min(b.cfg.RetryBase<<u.Attempts, maxBackoff)
	parked, err := b.db.RecordFailure(ctx, u.ID, cause.Error(), retry, maxAttempts)
	if err != nil {
		log.Error("dispatch: record failure", "err", err, "cause", cause)
		return
	}
	if !parked {
		log.Warn("dispatch: handler failed; will retry", "attempt", u.Attempts+1, "err", cause)
		return
	}
	log.Error("dispatch: handler failed; update parked", "attempts", u.Attempts+1, "err", cause)
	if err := b.db.InTx(ctx, func(tx *storage.Tx) error { return b.apologise(ctx, tx, u) }); err != nil {
		log.Error("dispatch: tell the user about a parked update", "err", err)
	}
}
