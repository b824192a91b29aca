// Package dispatch hands the inbox's updates to the handler: a chat's
// updates one after another, in order, and different chats at once, each
// in the transaction that marks it handled. A worker free while many chats
// wait takes a batch of them and handles one update of each in a single
// transaction (storage.HandleBatch), so that a crowd of users costs a
// commit per batch rather than per update. An update whose handler fails
// is tried again with backoff, and after a few attempts parked for a
// moderator to see, its sender told that something went wrong.
package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/atameken/expertbot/storage"
)

// MaxAttempts is how often an update is tried before it is parked.
const MaxAttempts = 5

const (
	dispatchPoll   = time.Second // look for waiting updates at least this often
	maxRetry       = time.Minute // the longest wait before a failed update is tried again
	handlerTimeout = 30 * time.Second
	postponeFor    = 300 * time.Millisecond // how long a NotYet update waits
)

// Handler acts on updates, in the transaction that marks them handled, so
// that an update's effects and the calls they queue are committed with it.
type Handler interface {
	// Prepare is given the updates of a batch before Handle is given each,
	// in the same transaction, to do at once what each would do alone.
	Prepare(ctx context.Context, tx *storage.Tx, us []*tgbotapi.Update) error
	// Handle acts on one update; recent is how many updates its sender
	// sent within the flood window, this one included. An update it cannot
	// handle yet, through nobody's fault, it returns NotYet for.
	Handle(ctx context.Context, tx *storage.Tx, u *tgbotapi.Update, recent int) error
	// Parked tells the sender of an update that it could not be handled.
	Parked(ctx context.Context, tx *storage.Tx, u *storage.Update) error
}

// NotYet is what a handler returns for an update it cannot handle yet but
// will be able to shortly, through nobody's fault: the update is handled
// again after postponeFor, and it does not count as a failure.
type NotYet struct{ Why string }

func (e *NotYet) Error() string { return "not yet: " + e.Why }

// Config is how updates are dispatched.
type Config struct {
	Workers     int           // chats handled at once; zero: 8
	RetryBase   time.Duration // first wait before a failed update is tried again; it doubles; zero: 1 s
	FloodLimit  int           // updates a user may send in FloodWindow before Handle is told they flood
	FloodWindow time.Duration
}

// Dispatcher hands updates to a Handler.
type Dispatcher struct {
	db      *storage.DB
	log     *slog.Logger
	cfg     Config
	handler Handler
	flood   *floodCounter
	metrics metrics

	wake      chan struct{}
	arrivedMu sync.Mutex
	arrived   map[int64]bool // chats with updates kept since the dispatcher last looked
	lookAll   bool           // the dispatcher is to read the inbox for every chat waiting
}

// New makes a dispatcher; Run starts it.
func New(db *storage.DB, log *slog.Logger, cfg Config, h Handler) *Dispatcher {
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Second
	}
	return &Dispatcher{db: db, log: log, cfg: cfg, handler: h,
		flood: newFloodCounter(cfg.FloodLimit, cfg.FloodWindow), metrics: newMetrics(),
		wake: make(chan struct{}, 1), arrived: map[int64]bool{}}
}

// Run dispatches until ctx is cancelled and the handlers in flight have
// finished, by cfg.Workers workers. The chats of updates this process
// keeps are handed over as they arrive (Arrived); the inbox is read for
// every chat waiting (PendingChats, which under a backlog reads all of it)
// at start, every dispatchPoll, when an update waits for later, and when
// asked to (lookAgain).
func (d *Dispatcher) Run(ctx context.Context) {
	q := newChatQueue()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer q.close()
	for range d.cfg.Workers {
		wg.Go(func() { d.work(ctx, q) })
	}

	var lookAt time.Time // when to read the inbox for every chat waiting; zero: now
	for ctx.Err() == nil {
		now := time.Now()
		var due []int64
		if arrived, all := d.takeArrived(); all || !now.Before(lookAt) {
			qs, err := d.db.PendingChats(ctx)
			if err != nil && ctx.Err() == nil {
				d.log.Error("dispatch: list waiting updates", "err", err)
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
		case <-d.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// work handles the chats it takes from q, one update of each at a time,
// until q is closed.
func (d *Dispatcher) work(ctx context.Context, q *chatQueue) {
	for {
		group := q.take(maxBatch)
		if group == nil {
			return
		}
		var left bool
		if len(group) == 1 {
			left = d.drainChat(ctx, group[0])
		} else {
			left = d.handleBatch(ctx, group)
		}
		q.done(group)
		if left {
			d.lookAgain()
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
// short (a hundred /help updates take a few milliseconds).
const maxBatch = 100

// handleBatch handles one update of each chat in one transaction, and
// again for the chats that have more, until none has: a backlog is worked
// off without the dispatcher looking for the chats again each time. When a
// handler fails, nothing of that round was kept, and each of its chats is
// handled on its own, where the failure is recorded against its update
// alone. It reports whether it left an update for later, as drainChat.
func (d *Dispatcher) handleBatch(ctx context.Context, chats []int64) (left bool) {
	for len(chats) > 0 && ctx.Err() == nil {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handlerTimeout)
		start := time.Now()
		decoded := map[int64]*tgbotapi.Update{}
		handled, more, failed, err := d.db.HandleBatch(hctx, chats,
			func(ctx context.Context, tx *storage.Tx, us []storage.Update) error {
				return d.prepareBatch(ctx, tx, us, decoded)
			},
			func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
				return d.handleSafely(ctx, tx, u, decoded[u.ID])
			})
		cancel()
		if err != nil {
			var later *NotYet
			if failed != nil && !errors.As(err, &later) {
				d.log.Warn("dispatch: a handler failed in a batch; handling its chats one by one", "update_id", failed.ID, "chats", len(chats), "err", err)
			} else if failed == nil && ctx.Err() == nil {
				d.log.Error("dispatch: handle a batch", "chats", len(chats), "err", err)
			}
			for _, chat := range chats {
				left = d.drainChat(ctx, chat) || left
			}
			return left
		}
		took := time.Since(start)
		for _, u := range handled {
			d.countHandled(u.Kind, took)
		}
		d.log.Debug("handled a batch", "updates", len(handled), "chats", len(chats), "took", took)
		chats = more
	}
	return len(chats) > 0
}

// Arrived hands chats with new updates to the dispatcher.
func (d *Dispatcher) Arrived(chats []int64) {
	if len(chats) == 0 {
		return
	}
	d.arrivedMu.Lock()
	for _, chat := range chats {
		d.arrived[chat] = true
	}
	d.arrivedMu.Unlock()
	d.poke()
}

// lookAgain asks the dispatcher to read the inbox for every chat waiting:
// an update was left for later, and the dispatcher learns when it is due.
func (d *Dispatcher) lookAgain() {
	d.arrivedMu.Lock()
	d.lookAll = true
	d.arrivedMu.Unlock()
	d.poke()
}

// takeArrived returns the chats handed over since the dispatcher last
// looked, and whether it was asked to look at every chat.
func (d *Dispatcher) takeArrived() (map[int64]bool, bool) {
	d.arrivedMu.Lock()
	defer d.arrivedMu.Unlock()
	arrived, all := d.arrived, d.lookAll
	d.arrived, d.lookAll = map[int64]bool{}, false
	return arrived, all
}

func (d *Dispatcher) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// drainChat handles a chat's due updates in order until none is left, one
// fails, or ctx is cancelled. An update started is finished even when ctx
// is cancelled meanwhile. It reports whether it left an update for later
// (failed, postponed, or not reached), so that the dispatcher knows to
// look again for when it is due.
func (d *Dispatcher) drainChat(ctx context.Context, chatID int64) (left bool) {
	for ctx.Err() == nil {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handlerTimeout)
		start := time.Now()
		u, more, err := d.db.HandleNext(hctx, chatID, func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
			return d.handleSafely(ctx, tx, u, nil)
		})
		cancel()
		if u == nil && err == nil {
			return false
		}
		if err == nil {
			took := time.Since(start)
			d.countHandled(u.Kind, took)
			d.log.Debug("handled update", "update_id", u.ID, "chat_id", chatID, "kind", u.Kind, "took", took)
			if !more {
				return false
			}
			continue
		}
		if u == nil || storage.IsUnavailable(err) {
			// Not the update's fault: the database is away. Try again later
			// without counting it against the update.
			d.log.Error("dispatch: handle", "chat_id", chatID, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			return true
		}
		var later *NotYet
		if errors.As(err, &later) {
			d.log.Debug("dispatch: update postponed", "update_id", u.ID, "chat_id", chatID, "why", later.Why)
			if err := d.db.Postpone(context.WithoutCancel(ctx), u.ID, postponeFor); err != nil {
				d.log.Error("dispatch: postpone", "update_id", u.ID, "err", err)
			}
			return true
		}
		d.metrics.errors.Inc()
		d.fail(context.WithoutCancel(ctx), u, err)
		return true
	}
	return true
}

// countHandled counts an update handled, in took with its transaction.
func (d *Dispatcher) countHandled(kind string, took time.Duration) {
	d.metrics.handled.WithLabelValues(kind).Inc()
	d.metrics.latency.Observe(took.Seconds())
}

// prepareBatch decodes the updates of a batch, into decoded, and gives
// them to the handler's Prepare. An update that does not decode is left to
// handleSafely to report.
func (d *Dispatcher) prepareBatch(ctx context.Context, tx *storage.Tx, us []storage.Update, decoded map[int64]*tgbotapi.Update) error {
	var batch []*tgbotapi.Update
	for _, su := range us {
		var u tgbotapi.Update
		if su.Kind == "unreadable" || json.Unmarshal(su.Payload, &u) != nil {
			continue
		}
		decoded[su.ID] = &u
		batch = append(batch, &u)
	}
	return d.handler.Prepare(ctx, tx, batch)
}

// handleSafely runs the handler on an update, decoded or, when decoded is
// nil, decoded here, with its sender's recent updates counted, and turns a
// panic into an error, so that the transaction is rolled back and the loop
// goes on.
func (d *Dispatcher) handleSafely(ctx context.Context, tx *storage.Tx, su *storage.Update, decoded *tgbotapi.Update) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	recent := 0
	if su.UserID != 0 {
		recent = d.flood.count(su.UserID, su.ID, su.ReceivedAt)
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
	return d.handler.Handle(ctx, tx, u, recent)
}

// fail records a failed update: it is retried with backoff, and after
// MaxAttempts parked for a moderator to see (/parked), and the user is told
// that something went wrong.
func (d *Dispatcher) fail(ctx context.Context, u *storage.Update, cause error) {
	log := d.log.With("update_id", u.ID, "chat_id", u.ChatID, "kind", u.Kind)
	retry := min(d.cfg.RetryBase<<u.Attempts, maxRetry)
	parked, err := d.db.RecordFailure(ctx, u.ID, cause.Error(), retry, MaxAttempts)
	if err != nil {
		log.Error("dispatch: record failure", "err", err, "cause", cause)
		return
	}
	if !parked {
		log.Warn("dispatch: handler failed; will retry", "attempt", u.Attempts+1, "err", cause)
		return
	}
	log.Error("dispatch: handler failed; update parked", "attempts", u.Attempts+1, "err", cause)
	if err := d.db.InTx(ctx, func(tx *storage.Tx) error { return d.handler.Parked(ctx, tx, u) }); err != nil {
		log.Error("dispatch: tell the user about a parked update", "err", err)
	}
}

// metrics are the dispatcher's Prometheus metrics.
type metrics struct {
	handled *prometheus.CounterVec
	errors  prometheus.Counter
	latency prometheus.Histogram
}

func newMetrics() metrics {
	return metrics{
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "expertbot_updates_handled_total", Help: "Updates handled, by type.",
		}, []string{"type"}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "expertbot_handler_errors_total", Help: "Handler failures and panics (each attempt).",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "expertbot_handle_seconds", Help: "Time to handle one update, its transaction included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
	}
}

// Collectors are the dispatcher's Prometheus metrics.
func (d *Dispatcher) Collectors() []prometheus.Collector {
	return []prometheus.Collector{d.metrics.handled, d.metrics.errors, d.metrics.latency}
}
