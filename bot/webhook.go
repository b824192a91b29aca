package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// maxUpdateSize bounds a webhook request's body; Telegram's updates are far
// smaller.
const maxUpdateSize = 1 << 20

// WebhookHandler takes the updates Telegram posts to the webhook. A request
// without the right secret token is refused with 401 and not kept. An update
// is answered 200 only once it is committed to the inbox, so Telegram sends
// again whatever was not kept; one sent twice is kept once.
func (b *Bot) WebhookHandler() http.Handler {
	secret := []byte(b.cfg.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if len(secret) == 0 || subtle.ConstantTimeCompare(got, secret) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateSize))
		if err != nil || !json.Valid(body) {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		u := inboxUpdate(body)
		if u.ID == 0 {
			http.Error(w, "no update_id", http.StatusBadRequest)
			return
		}
		n, err := b.db.SaveUpdates(r.Context(), []storage.Update{u})
		if err != nil {
			b.log.Error("webhook: keep update; Telegram will send it again", "update_id", u.ID, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		if n > 0 {
			b.received([]storage.Update{u})
		}
		w.WriteHeader(http.StatusOK)
	})
}

// setWebhook tells Telegram where to post updates, trying until it
// answers. It reports false if ctx ended first.
func (b *Bot) setWebhook(ctx context.Context, c *client) bool {
	allowed, _ := json.Marshal(allowedUpdates)
	p := tgbotapi.Params{
		"url":             b.cfg.WebhookURL,
		"secret_token":    b.cfg.WebhookSecret,
		"allowed_updates": string(allowed),
		"max_connections": strconv.Itoa(b.cfg.WebhookMaxConnections),
	}
	for attempt := 1; ; attempt++ {
		_, err := c.call("setWebhook", p, nil)
		if err == nil {
			b.telegramOK.Store(true)
			b.log.Info("webhook set", "max_connections", b.cfg.WebhookMaxConnections)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		wait := backoff(attempt)
		b.log.Warn("set webhook", "err", err, "retry_in", wait)
		sleep(ctx, wait)
	}
}

// watchTelegram asks Telegram who the bot is every interval, so that
// readiness knows whether it can be reached when no update or call says.
func (b *Bot) watchTelegram(ctx context.Context, c *client, every time.Duration) {
	for ctx.Err() == nil {
		_, err := c.getMe()
		var apiErr *APIError
		b.telegramOK.Store(err == nil || (errors.As(err, &apiErr) && apiErr.Code < 500))
		sleep(ctx, every)
	}
}

// TelegramReachable reports whether Telegram answered the last call that
// tells: a poll, a send, setWebhook or a periodic getMe.
func (b *Bot) TelegramReachable() bool { return b.telegramOK.Load() }
