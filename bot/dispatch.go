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
// at most cfg.Workers goroutines at a time. When more chats wait than
// there are workers, each worker takes a batch of them and handles one
// update of each in a single transaction (storage.HandleBatch), so that a
// crowd of users costs a commit per batch rather than per update.
//
// The chats of updates this process keeps are handed over as they arrive
// (arrive); the inbox is read for every chat waiting (PendingChats, which
// under a backlog reads all of it) at start, every dispatchPoll, when an
// update waits for later, and when asked to (lookAgain). It returns when
// ctx is cancelled and the handlers in flight have finished.
func (b *Bot) dispatch(ctx context.Context) {
	sem := make(chan struct{}, b.cfg.Workers)
	var mu sync.Mutex
	busy := map[int64]bool{}
	// missed are busy chats that had updates arrive: whether those are
	// handled by the worker at it or came too late for it, the chat is
	// handed over again when the worker is done.
	missed := map[int64]bool{}
	var wg sync.WaitGroup
	defer wg.Wait()

	var lookAt time.Time // when to read the inbox for every chat waiting; zero: now
	for ctx.Err() == nil {
		now := time.Now()
		var queues []storage.ChatQueue
		if arrived, all := b.takeArrived(); all || !now.Before(lookAt) {
			qs, err := b.db.PendingChats(ctx)
			if err != nil && ctx.Err() == nil {
				b.log.Error("dispatch: list waiting updates", "err", err)
			}
			queues, lookAt = qs, now.Add(dispatchPoll)
		} else {
			for chat := range arrived {
				queues = append(queues, storage.ChatQueue{ChatID: chat, DueAt: now})
			}
		}
		var ready []int64
		mu.Lock()
		for _, q := range queues {
			if q.DueAt.After(now) {
				lookAt = minTime(lookAt, q.DueAt)
				continue
			}
			if busy[q.ChatID] {
				missed[q.ChatID] = true
				continue
			}
			busy[q.ChatID] = true
			ready = append(ready, q.ChatID)
		}
		mu.Unlock()
		for _, group := range batches(ready, b.cfg.Workers, maxBatch) {
			wg.Go(func() {
				left := false
				defer func() {
					var again []int64
					mu.Lock()
					for _, chat := range group {
						if missed[chat] {
							again = append(again, chat)
						}
						delete(busy, chat)
						delete(missed, chat)
					}
					mu.Unlock()
					if left {
						b.lookAgain()
					}
					b.arrive(again...)
				}()
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				defer func() { <-sem }()
				if len(group) == 1 {
					left = b.drainChat(ctx, group[0])
					return
				}
				left = b.handleBatch(ctx, group)
			})
		}
		timer := time.NewTimer(time.Until(lookAt))
		select {
		case <-ctx.Done():
		case <-b.dispatchWake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// maxBatch is the most chats one transaction handles: enough to share a
// commit among many, few enough that a batch stays short.
const maxBatch = 32

// batches splits the chats that wait among the workers: one chat each
// while there are workers to spare, more once there are not, at most max
// to a batch.
func batches(chats []int64, workers, max int) [][]int64 {
	if len(chats) == 0 {
		return nil
	}
	size := min(max, (len(chats)+workers-1)/workers)
	var out [][]int64
	for len(chats) > 0 {
		n := min(size, len(chats))
		out = append(out, chats[:n:n])
		chats = chats[n:]
	}
	return out
}

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
		handled, more, failed, err := b.db.HandleBatch(hctx, chats, b.handleSafely)
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
		u, more, err := b.db.HandleNext(hctx, chatID, b.handleSafely)
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

// handleSafely runs the handler and turns a panic into an error, so that
// the transaction is rolled back and the loop goes on.
func (b *Bot) handleSafely(ctx context.Context, tx *storage.Tx, su *storage.Update) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	var u tgbotapi.Update
	if su.Kind != "unreadable" {
		if err := json.Unmarshal(su.Payload, &u); err != nil {
			return fmt.Errorf("decode update: %w", err)
		}
	}
	return b.handler(ctx, tx, &u)
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
