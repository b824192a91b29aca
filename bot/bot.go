// Package bot is expertbot's Telegram side: it takes updates in, keeps
// them in the inbox, hands them to handlers, and delivers the outbox to
// Telegram within its limits.
package bot

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// Config is what the bot needs to run.
type Config struct {
	Token        string
	Endpoint     string // go-telegram-bot-api's endpoint format: "https://api.telegram.org/bot%s/%s"
	DatabaseURL  string // for LISTEN/NOTIFY; "-" turns notifications off
	ModeratorIDs []int64
	AdminIDs     []int64
	Workers      int           // chats handled at once
	PollTimeout  time.Duration // long-polling timeout
	Limits       SendLimits
	SendInFlight int           // calls to Telegram at once
	RetryBase    time.Duration // first wait before a failed update is tried again; it doubles
	SendTimeout  time.Duration // longest wait for Telegram to answer one call

	Premoderation       bool          // submitted problems wait for a moderator's approval
	ModeratorChatID     int64         // the moderators' group, if they have one
	FloodLimit          int           // messages a user may send in FloodWindow before being slowed down
	FloodWindow         time.Duration //
	TakeTimeout         time.Duration // a problem nobody took is sent again after this
	AnswerTimeout       time.Duration // a problem nobody answered goes to the moderators after this
	ImplementationCheck time.Duration // the author is asked about a recommendation after this
	ReminderPoll        time.Duration // how often due reminders are looked for

	// Webhook mode, when WebhookURL is set: Telegram posts updates to
	// WebhookHandler, which any number of replicas may serve.
	WebhookURL            string
	WebhookSecret         string
	WebhookMaxConnections int
}

// Bot is a running expertbot.
type Bot struct {
	cfg Config
	db  *storage.DB
	log *slog.Logger

	dispatchWake chan struct{}
	arrivedMu    sync.Mutex
	arrived      map[int64]bool // chats with updates kept since the dispatcher last looked
	lookAll      bool           // the dispatcher is to read the inbox for every chat waiting
	sender       *sender
	metrics      *metrics
	telegramOK   atomic.Bool // Telegram answered the last call that tells
	flood        *floodCounter
	handler      func(ctx context.Context, tx *storage.Tx, u *tgbotapi.Update, recent int) error

	updatesReceived atomic.Int64
	updatesHandled  atomic.Int64
	handlerErrors   atomic.Int64
}

// New makes a bot; Run starts it.
func New(cfg Config, db *storage.DB, log *slog.Logger) *Bot {
	if cfg.Endpoint == "" {
		cfg.Endpoint = tgbotapi.APIEndpoint
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.Limits == (SendLimits{}) {
		cfg.Limits = TelegramSendLimits
	}
	if cfg.SendInFlight <= 0 {
		cfg.SendInFlight = 8
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 15 * time.Second
	}
	if cfg.TakeTimeout <= 0 {
		cfg.TakeTimeout = 24 * time.Hour
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = 72 * time.Hour
	}
	if cfg.ImplementationCheck <= 0 {
		cfg.ImplementationCheck = 30 * 24 * time.Hour
	}
	if cfg.FloodLimit <= 0 {
		cfg.FloodLimit = 40 // an album is up to 10 updates at once
	}
	if cfg.FloodWindow <= 0 {
		cfg.FloodWindow = time.Minute
	}
	if cfg.ReminderPoll <= 0 {
		cfg.ReminderPoll = 5 * time.Second
	}
	if cfg.WebhookMaxConnections <= 0 {
		cfg.WebhookMaxConnections = 40
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = time.Second
	}
	b := &Bot{cfg: cfg, db: db, log: log, dispatchWake: make(chan struct{}, 1), arrived: map[int64]bool{}, metrics: newMetrics(db),
		flood: newFloodCounter(cfg.FloodLimit, cfg.FloodWindow)}
	b.handler = b.handle
	b.sender = &sender{
		db:         db,
		client:     newClient(context.Background(), cfg.Token, cfg.Endpoint, cfg.SendTimeout, cfg.SendInFlight),
		log:        log,
		limiter:    newLimiter(cfg.Limits),
		starts:     newStartWindow(cfg.Limits.Global),
		inFlight:   cfg.SendInFlight,
		wake:       make(chan struct{}, 1),
		notify:     make(chan struct{}, 1),
		results:    make(chan sendResult, cfg.SendInFlight),
		busy:       map[int64]bool{},
		queuedBusy: map[int64]bool{},
		targets:    map[int64]bool{},
		deferred:   map[int64]bool{},
		blocked:    b.noteUndelivered,
		metrics:    b.metrics,
		ok:         &b.telegramOK,
	}
	db.OnQueued(b.sender.queued)
	return b
}

// Run serves until ctx is cancelled, then stops polling, lets the handlers
// in flight finish and the sender finish its calls, and returns.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.db.EnsureRole(ctx, b.cfg.ModeratorIDs, storage.RoleModerator); err != nil {
		return err
	}
	if err := b.db.EnsureRole(ctx, b.cfg.AdminIDs, storage.RoleAdmin); err != nil {
		return err
	}
	if err := b.registerCommands(ctx); err != nil {
		return err
	}
	if err := b.db.EnsureDigest(ctx, nextDigest(b.now())); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		c := newClient(ctx, b.cfg.Token, b.cfg.Endpoint, b.cfg.PollTimeout+10*time.Second, 1)
		if b.cfg.WebhookURL != "" {
			if b.setWebhook(ctx, c) {
				b.watchTelegram(ctx, c, 30*time.Second)
			}
			return
		}
		if b.start(ctx, c) {
			b.poll(ctx, c)
		}
	})
	wg.Go(func() { b.dispatch(ctx) })
	wg.Go(func() { b.sender.run(ctx, b.cfg.DatabaseURL) })
	wg.Go(func() { b.remind(ctx) })
	wg.Wait()
	b.log.Info("bot stopped", "updates_received", b.updatesReceived.Load(), "updates_handled", b.updatesHandled.Load(), "handler_errors", b.handlerErrors.Load())
	return nil
}

// start waits until Telegram answers getMe, then makes sure no webhook
// stands in the way of polling. It reports false if ctx ended first.
func (b *Bot) start(ctx context.Context, c *client) bool {
	for attempt := 1; ; attempt++ {
		me, err := c.getMe()
		if err == nil {
			b.log.Info("connected to Telegram", "bot", me.UserName)
			break
		}
		if ctx.Err() != nil {
			return false
		}
		wait := backoff(attempt)
		b.log.Warn("telegram unreachable", "err", err, "retry_in", wait)
		sleep(ctx, wait)
	}
	if _, err := c.call("deleteWebhook", tgbotapi.Params{}, nil); err != nil {
		b.log.Warn("delete webhook", "err", err)
	}
	return ctx.Err() == nil
}

func (b *Bot) now() time.Time { return time.Now() }
