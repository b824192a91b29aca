package intake

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/bot/telegram"
	"github.com/atameken/expertbot/storage"
)

// maxUpdateSize bounds a webhook request's body; Telegram's updates are far
// smaller.
const maxUpdateSize = 1 << 20

// Webhook takes the updates Telegram posts to the webhook. A request
// without the right secret token is refused with 401 and not kept. An
// update is answered 200 only once it is committed to the inbox, so
// Telegram sends again whatever was not kept; one sent twice is kept once.
func (in *Intake) Webhook() http.Handler {
	secret := []byte(in.cfg.WebhookSecret)
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
		u := Describe(body)
		if u.ID == 0 {
			http.Error(w, "no update_id", http.StatusBadRequest)
			return
		}
		n, err := in.db.SaveUpdates(r.Context(), []storage.Update{u})
		if err != nil {
			in.log.Error("webhook: keep update; Telegram will send it again", "update_id", u.ID, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		if n > 0 {
			in.kept([]storage.Update{u})
		}
		w.WriteHeader(http.StatusOK)
	})
}

// setWebhook tells Telegram where to post updates, trying until it
// answers. It reports false if ctx ended first.
func (in *Intake) setWebhook(ctx context.Context, c *telegram.Client) bool {
	allowed, _ := json.Marshal(AllowedUpdates)
	p := tgbotapi.Params{
		"url":             in.cfg.WebhookURL,
		"secret_token":    in.cfg.WebhookSecret,
		"allowed_updates": string(allowed),
		"max_connections": strconv.Itoa(in.cfg.WebhookMaxConnections),
	}
	for attempt := 1; ; attempt++ {
		_, err := c.Call("setWebhook", p, nil)
		if err == nil {
			in.log.Info("webhook set", "max_connections", in.cfg.WebhookMaxConnections)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		wait := telegram.Backoff(attempt)
		in.log.Warn("set webhook", "err", err, "retry_in", wait)
		sleep(ctx, wait)
	}
}

// watch asks Telegram who the bot is every interval, so that the client's
// health knows whether it can be reached when no update or call says.
func (in *Intake) watch(ctx context.Context, c *telegram.Client, every time.Duration) {
	for ctx.Err() == nil {
		if me, err := c.GetMe(); err == nil && in.cfg.Me != nil {
			in.cfg.Me(me.UserName)
		}
		sleep(ctx, every)
	}
}
