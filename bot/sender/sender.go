// Package sender delivers the outbox to Telegram: one sender across all
// replicas, the holder of an advisory lock, takes the calls that handlers
// queued and makes them within Telegram's limits, oldest first in each
// chat and interactive replies before bulk notifications, and records
// each outcome.
//
// # The loop
//
// Run takes the lock when it is free and then delivers (deliver) until
// the lock is lost or its context ends. The loop claims calls for the free
// slots of InFlight, books each into the rate limits (limiter), starts
// each in a goroutine of its own that waits for its slot and makes the
// call, and, as calls finish, frees their chats and hands the calls
// carried out to a recorder that marks them sent in batches. A chat with a
// call in flight is busy: its next call waits until the call is recorded,
// so a chat's calls go out in order and none is taken twice.
//
// # What it claims
//
// The loop knows which chats may have a call to go (targets): those this
// process queued calls for (Queued), those whose call just finished with
// another behind it, and those the limits let go again. It claims those by
// chat (storage.Lock.ClaimChats), a few index entries each. It claims
// across all chats, oldest first (storage.Lock.ClaimCalls), at the start,
// every second, after another process notified it (storage.ListenQueued),
// after an error, after a claim that filled every slot, and when many
// chats wait while the global limit holds: then a few candidates per free
// slot serve where a claim by chat would read every chat's oldest call to
// send only the few the global limit lets go.
//
// # Using a chat's budget well
//
// A message of a thread (storage.Coalesce) carries the messages of the same
// thread queued behind it for its chat, as many as fit one message: ten
// follow-ups sent at once cost the expert's chat one message of its pace,
// not ten seconds (combine). The calls it carried are recorded as sent
// with it, so a reply to it finds its thread through any of them. Answers
// to button presses count against no limit and change no message: they go
// at once, past the calls waiting in their chat, and leave it free.
//
// # Failures
//
// A 429 pauses the chat for Telegram's retry_after. Network errors and
// 5xx are tried again with backoff, and while Telegram does not answer the
// loop makes one call at a time. 400 and 403 fail the call for good (a
// 403 marks the user unreachable). Outcomes are recorded even when the
// database is away for a while, so that a restart of PostgreSQL does not
// make a call go twice.
//
// Telegram cannot make a send idempotent: a process killed between a call
// and its recording makes that call again after the restart. With InFlight
// calls at once, a crash doubles at most InFlight messages.
package sender

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/atameken/expertbot/bot/telegram"
	"github.com/atameken/expertbot/storage"
)

// lockKey is the advisory lock the active sender holds, so that one sender
// across all replicas keeps Telegram's limits. Telegram chat ids never
// come near it.
const lockKey int64 = 0x6578_7065_7274_0002

const (
	recordFor      = 55 * time.Second // how long recording the outcome of a call is tried
	sendPoll       = time.Second      // look for due calls at least this often
	maxSendAge     = 24 * time.Hour   // a call Telegram keeps failing is dropped after this
	lockCheckEvery = 5 * time.Second  // how often the sender checks that it still holds the lock
	takeLockEvery  = 2 * time.Second  // how often a process that is not the sender tries the lock
)

// Config is how a sender works.
type Config struct {
	Limits   Limits // the rates it keeps to; zero: TelegramLimits
	InFlight int    // calls to Telegram at once; zero: 8
	// Listen, when true, wakes the sender when other processes queue calls
	// (storage.ListenQueued), and tells them when this one does.
	Listen bool
	// Blocked, if not nil, is told of a call Telegram refused because the
	// user blocked the bot, after it is recorded.
	Blocked func(ctx context.Context, callID int64)
	// Fits reports whether a text in Telegram's HTML fits one message, for
	// combining a thread's messages; nil: counting every character, tags
	// too, against Telegram's 4096.
	Fits func(html string) bool
}

// Sender delivers the outbox.
type Sender struct {
	db       *storage.DB
	client   *telegram.Client
	log      *slog.Logger
	cfg      Config
	limiter  *limiter
	starts   *startWindow // the global limit, counted as calls start
	metrics  metrics
	wake     chan struct{}
	active   atomic.Bool   // this process holds the sender lock
	stalled  atomic.Bool   // Telegram did not answer the last call made
	notify   chan struct{} // asks for a NOTIFY to the active sender of another process
	woken    wakeList
	analysis analysis
}

// New makes a sender that calls Telegram through client; Run starts it.
// It tells db to report every commit that queues calls to it.
func New(db *storage.DB, client *telegram.Client, log *slog.Logger, cfg Config) *Sender {
	if cfg.Limits == (Limits{}) {
		cfg.Limits = TelegramLimits
	}
	if cfg.InFlight <= 0 {
		cfg.InFlight = 8
	}
	if cfg.Fits == nil {
		cfg.Fits = func(html string) bool { return utf8.RuneCountInString(html) <= 4096 }
	}
	s := &Sender{
		db:      db,
		client:  client,
		log:     log,
		cfg:     cfg,
		limiter: newLimiter(cfg.Limits),
		starts:  newStartWindow(cfg.Limits.Global),
		metrics: newMetrics(),
		wake:    make(chan struct{}, 1),
		notify:  make(chan struct{}, 1),
	}
	db.OnQueued(s.queued)
	return s
}

// Collectors are the sender's Prometheus metrics.
func (s *Sender) Collectors() []prometheus.Collector {
	return []prometheus.Collector{s.metrics.sent, s.metrics.tooMany, s.metrics.retryWait}
}

// Run delivers until ctx is cancelled, whenever this process holds the
// sender lock. It returns after the calls in flight have finished.
func (s *Sender) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	if s.cfg.Listen {
		wg.Go(func() { s.notifyOthers(ctx) })
		wg.Go(func() {
			s.db.ListenQueued(ctx, s.wakeAll, func(err error) { s.log.Warn("sender: listen", "err", err) })
		})
	}
	othersActive := false // another process held the lock since this one last did
	for ctx.Err() == nil {
		lock, err := s.db.TryLock(ctx, lockKey)
		if err != nil && ctx.Err() == nil {
			s.log.Error("sender: take lock", "err", err)
		}
		if lock == nil {
			othersActive = othersActive || err == nil
			sleep(ctx, takeLockEvery)
			continue
		}
		s.log.Info("sender: active")
		s.active.Store(true)
		// This limiter knows nothing of the calls the last sender made, in
		// another process or in this one before a restart: let them leave
		// Telegram's one-second window, and each chat's bucket fill again to
		// the burst this limiter starts it with.
		wait := s.limiter.takeover()
		if !othersActive {
			since, err := s.db.SinceLastSent(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("sender: when the last call was sent", "err", err)
			}
			wait -= since
		}
		sleep(ctx, wait)
		othersActive = false
		s.deliver(ctx, lock)
		s.active.Store(false)
		lock.Release()
	}
}

// queued is told of every commit of this process that queued calls, with
// their chats. It wakes this process's sender when it is the active one,
// and otherwise the active sender of another process, through PostgreSQL.
func (s *Sender) queued(chats []int64) {
	if s.active.Load() {
		if slices.Contains(chats, storage.AnswerQueued) {
			s.woken.addAll() // an answer may go past a busy chat's queue
			chats = slices.DeleteFunc(slices.Clone(chats), func(c int64) bool { return c == storage.AnswerQueued })
		}
		s.woken.add(chats)
		s.poke()
		return
	}
	select {
	case s.notify <- struct{}{}:
	default: // a notification is on its way already; it serves this commit too
	}
}

// wakeAll wakes the sender for calls of chats it does not know.
func (s *Sender) wakeAll() {
	s.woken.addAll()
	s.poke()
}

func (s *Sender) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// notifyOthers notifies the active sender of another process of this
// process's commits while this one is not the active sender.
func (s *Sender) notifyOthers(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.notify:
			if err := s.db.NotifyQueued(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("sender: notify the active sender", "err", err)
			}
		}
	}
}

// wakeList keeps the chats this process queued calls for since the loop
// last looked.
type wakeList struct {
	mu    sync.Mutex
	chats []int64
	all   bool // calls were queued for chats unknown: another process's
}

func (w *wakeList) add(chats []int64) {
	w.mu.Lock()
	w.chats = append(w.chats, chats...)
	w.mu.Unlock()
}

func (w *wakeList) addAll() {
	w.mu.Lock()
	w.all = true
	w.mu.Unlock()
}

// take returns the chats added and whether calls of chats unknown were
// queued, and empties the list.
func (w *wakeList) take() (chats []int64, all bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	chats, all = w.chats, w.all
	w.chats, w.all = nil, false
	return chats, all
}

// metrics are the sender's Prometheus metrics.
type metrics struct {
	sent      *prometheus.CounterVec
	tooMany   prometheus.Counter
	retryWait prometheus.Counter
}

func newMetrics() metrics {
	return metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "expertbot_telegram_calls_total", Help: "Calls from the outbox that Telegram accepted, by method.",
		}, []string{"method"}),
		tooMany: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "expertbot_telegram_429_total", Help: "Calls Telegram answered with 429 Too Many Requests.",
		}),
		retryWait: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "expertbot_telegram_retry_after_seconds_total", Help: "Seconds of retry_after that Telegram asked to wait.",
		}),
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
