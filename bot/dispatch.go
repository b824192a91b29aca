package bot

import (
	"context"
	"encoding/json"
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

// dispatch hands waiting updates to handlers: one goroutine per chat at a
// time, so that a chat's updates are handled in order, and at most
// cfg.Workers chats at once. It returns when ctx is cancelled and the
// handlers in flight have finished.
func (b *Bot) dispatch(ctx context.Context) {
	sem := make(chan struct{}, b.cfg.Workers)
	var mu sync.Mutex
	busy := map[int64]bool{}
	var wg sync.WaitGroup
	defer wg.Wait()

	for ctx.Err() == nil {
		next := dispatchPoll
		queues, err := b.db.PendingChats(ctx)
		if err != nil && ctx.Err() == nil {
			b.log.Error("dispatch: list waiting updates", "err", err)
		}
		now := time.Now()
		for _, q := range queues {
			if wait := q.DueAt.Sub(now); wait > 0 {
				next = min(next, wait)
				continue
			}
			mu.Lock()
			if busy[q.ChatID] {
				mu.Unlock()
				continue
			}
			busy[q.ChatID] = true
			mu.Unlock()
			wg.Go(func() {
				defer func() {
					mu.Lock()
					delete(busy, q.ChatID)
					mu.Unlock()
					b.pokeDispatcher()
				}()
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				defer func() { <-sem }()
				b.drainChat(ctx, q.ChatID)
			})
		}
		timer := time.NewTimer(next)
		select {
		case <-ctx.Done():
		case <-b.dispatchWake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

func (b *Bot) pokeDispatcher() {
	select {
	case b.dispatchWake <- struct{}{}:
	default:
	}
}

// drainChat handles a chat's due updates in order until none is left, one
// fails, or ctx is cancelled. An update started is finished even when ctx
// is cancelled meanwhile.
func (b *Bot) drainChat(ctx context.Context, chatID int64) {
	for ctx.Err() == nil {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handlerTimeout)
		start := time.Now()
		u, more, err := b.db.HandleNext(hctx, chatID, b.handleSafely)
		cancel()
		if u == nil && err == nil {
			return
		}
		if err == nil {
			took := time.Since(start)
			b.updatesHandled.Add(1)
			b.metrics.handled.WithLabelValues(u.Kind).Inc()
			b.metrics.latency.Observe(took.Seconds())
			b.log.Debug("handled update", "update_id", u.ID, "chat_id", chatID, "kind", u.Kind, "took", took)
			if !more {
				return // the dispatcher looks again once the chat is free
			}
			continue
		}
		if u == nil || storage.IsUnavailable(err) {
			// Not the update's fault: the database is away. Try again later
			// without counting it against the update.
			b.log.Error("dispatch: handle", "chat_id", chatID, "err", err)
			sleep(ctx, time.Second)
			return
		}
		b.handlerErrors.Add(1)
		b.metrics.errors.Inc()
		b.fail(context.WithoutCancel(ctx), u, err)
		return
	}
}

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
