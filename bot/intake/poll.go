// Package intake takes updates from Telegram, by long polling or through a
// webhook, and keeps each in the inbox before Telegram is told it arrived:
// an update is never confirmed before it is committed, so one lost in a
// crash is sent again, and one sent twice is kept once (the inbox's key is
// the update's id).
package intake

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/atameken/expertbot/bot/telegram"
	"github.com/atameken/expertbot/storage"
)

// AllowedUpdates are the kinds of update the bot asks Telegram for.
var AllowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member", "inline_query"}

// Config is how updates are taken.
type Config struct {
	PollTimeout time.Duration // long polling's timeout; zero: 30 s
	// Webhook mode, when WebhookURL is set: Telegram posts updates to
	// Intake.Webhook, which any number of replicas may serve.
	WebhookURL            string
	WebhookSecret         string
	WebhookMaxConnections int // zero: 40
	// Me, if not nil, is told the bot's username whenever Telegram says
	// who the bot is, for links that open the bot.
	Me func(username string)
}

// Intake takes updates in.
type Intake struct {
	db       *storage.DB
	dial     func(ctx context.Context) *telegram.Client
	log      *slog.Logger
	cfg      Config
	received func(chats []int64) // told of the chats of updates newly kept
	counted  *prometheus.CounterVec
}

// New makes an intake that calls Telegram through a client from dial,
// whose calls end when the context given ends, and tells received of the
// chats of the updates it keeps.
func New(db *storage.DB, dial func(ctx context.Context) *telegram.Client, log *slog.Logger, cfg Config, received func(chats []int64)) *Intake {
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.WebhookMaxConnections <= 0 {
		cfg.WebhookMaxConnections = 40
	}
	return &Intake{db: db, dial: dial, log: log, cfg: cfg, received: received,
		counted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "expertbot_updates_received_total", Help: "Updates taken from Telegram and kept in the inbox, by type.",
		}, []string{"type"}),
	}
}

// Collectors are the intake's Prometheus metrics.
func (in *Intake) Collectors() []prometheus.Collector { return []prometheus.Collector{in.counted} }

// Run takes updates until ctx is cancelled: in webhook mode it sets the
// webhook and then asks Telegram who the bot is every 30 s, so that the
// readiness check knows whether it can be reached; otherwise it polls.
func (in *Intake) Run(ctx context.Context) {
	c := in.dial(ctx) // a long poll in flight ends with ctx
	if in.cfg.WebhookURL != "" {
		if in.setWebhook(ctx, c) {
			in.watch(ctx, c, 30*time.Second)
		}
		return
	}
	if in.start(ctx, c) {
		in.poll(ctx, c)
	}
}

// start waits until Telegram answers getMe, then makes sure no webhook
// stands in the way of polling. It reports false if ctx ended first.
func (in *Intake) start(ctx context.Context, c *telegram.Client) bool {
	for attempt := 1; ; attempt++ {
		me, err := c.GetMe()
		if err == nil {
			in.log.Info("connected to the Bot API", "bot", me.UserName, "host", c.Host())
			if in.cfg.Me != nil {
				in.cfg.Me(me.UserName)
			}
			break
		}
		if ctx.Err() != nil {
			return false
		}
		wait := telegram.Backoff(attempt)
		in.log.Warn("telegram unreachable", "err", err, "retry_in", wait)
		sleep(ctx, wait)
	}
	if _, err := c.Call("deleteWebhook", nil, nil); err != nil {
		in.log.Warn("delete webhook", "err", err)
	}
	return ctx.Err() == nil
}

// poll takes updates by long polling and keeps each batch in the inbox
// before confirming it: Telegram counts an update confirmed when
// getUpdates is called with a higher offset, so a batch that is not yet
// committed is fetched again after a crash.
func (in *Intake) poll(ctx context.Context, c *telegram.Client) {
	offset := 0
	failures := 0
	for ctx.Err() == nil {
		raw, err := c.GetUpdates(offset, in.cfg.PollTimeout, AllowedUpdates)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			wait := telegram.Backoff(failures)
			var apiErr *telegram.APIError
			if errors.As(err, &apiErr) && apiErr.Code == 409 {
				in.log.Error("poll: another instance is taking updates, or a webhook is set", "err", err, "retry_in", wait)
			} else {
				in.log.Warn("poll: get updates", "err", err, "retry_in", wait)
			}
			sleep(ctx, wait)
			continue
		}
		failures = 0
		if len(raw) == 0 {
			continue
		}
		updates := make([]storage.Update, 0, len(raw))
		for _, r := range raw {
			updates = append(updates, Describe(r))
		}
		for attempt := 1; ; attempt++ {
			n, err := in.db.SaveUpdates(ctx, updates)
			if err == nil {
				in.log.Debug("poll: kept updates", "received", len(updates), "new", n)
				break
			}
			if ctx.Err() != nil {
				return // not confirmed: Telegram gives them again
			}
			in.log.Error("poll: keep updates; not confirming them", "err", err, "attempt", attempt)
			sleep(ctx, telegram.Backoff(attempt))
		}
		for _, u := range updates {
			offset = max(offset, int(u.ID)+1)
		}
		in.kept(updates)
	}
}

// kept counts updates newly kept and tells of their chats.
func (in *Intake) kept(updates []storage.Update) {
	chats := make([]int64, len(updates))
	for i, u := range updates {
		in.counted.WithLabelValues(u.Kind).Inc()
		chats[i] = u.ChatID
	}
	in.received(chats)
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
