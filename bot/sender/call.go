package sender

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/bot/telegram"
	"github.com/atameken/expertbot/storage"
)

// send waits for the job's slot in the limits, makes its call and records
// the outcome, but for success, which it leaves to the loop, so that one
// statement records many. The outcome is recorded even when ctx is
// cancelled meanwhile: the call has been made.
func (t *turn) send(ctx context.Context, j job) result {
	time.Sleep(j.delay)
	if telegram.CountsTowardLimits(j.Method) && j.ChatID != 0 {
		t.starts.wait()
	}
	res := result{chatID: j.ChatID, more: j.More}
	if storage.IsAnswer(j.Method) {
		res.answer, res.more = j.ID, false
	}
	ctx = context.WithoutCancel(ctx)
	log := t.log.With("outbox_id", j.ID, "chat_id", j.ChatID, "method", j.Method)
	if j.EditOf != 0 {
		// An edit of a message the bot sent earlier in this chat: the chat's
		// calls go out in order, so that one has been sent or has failed.
		if j.EditTarget == 0 {
			t.record(log, func() error { return t.db.FailCall(ctx, j.ID, "the message to edit was never sent", 0) })
			return res
		}
		j.Params["message_id"] = strconv.FormatInt(j.EditTarget, 10)
	}
	parts := t.combine(ctx, log, &j)
	var file *tgbotapi.RequestFile
	if j.FileField != "" {
		file = &tgbotapi.RequestFile{Name: j.FileField, Data: tgbotapi.FileBytes{Name: j.FileName, Bytes: j.FileData}}
	}
	raw, err := t.client.Call(j.Method, tgbotapi.Params(j.Params), file)
	t.stalled.Store(!telegram.Answered(err))

	var apiErr *telegram.APIError
	switch {
	case err == nil:
		t.metrics.sent.WithLabelValues(j.Method).Inc()
		res.sent, res.parts = carriedOut(j.ID, raw), parts
	case errors.As(err, &apiErr) && apiErr.Code == 429:
		wait := max(apiErr.RetryAfter, time.Second)
		res.pauseUntil = time.Now().Add(wait)
		t.metrics.tooMany.Inc()
		t.metrics.retryWait.Add(wait.Seconds())
		log.Warn("sender: flood limit", "retry_after", wait)
		t.record(log, func() error { return t.db.RetryCall(ctx, j.ID, res.pauseUntil, err.Error()) })
	case errors.As(err, &apiErr) && apiErr.Code == 400 && strings.Contains(apiErr.Description, "message is not modified"):
		// The message already shows what we wanted: an edit repeated after a restart.
		res.sent = &storage.Sent{ID: j.ID}
	case errors.As(err, &apiErr) && (apiErr.Code == 400 || apiErr.Code == 403):
		var unreachable int64
		if apiErr.Blocked() && j.ChatID > 0 {
			unreachable = j.ChatID
		}
		log.Warn("sender: refused", "err", err)
		t.record(log, func() error { return t.db.FailCall(ctx, j.ID, err.Error(), unreachable) })
		if unreachable != 0 && t.cfg.Blocked != nil {
			t.cfg.Blocked(ctx, j.ID)
		}
	case time.Since(j.CreatedAt) > maxSendAge:
		log.Error("sender: giving up", "attempts", j.Attempts+1, "err", err)
		t.record(log, func() error { return t.db.FailCall(ctx, j.ID, "gave up: "+err.Error(), 0) })
	default:
		// Network errors, 5xx and anything unexpected: try again later.
		res.pauseUntil = time.Now().Add(telegram.Backoff(j.Attempts + 1))
		log.Warn("sender: will retry", "attempts", j.Attempts+1, "retry_at", res.pauseUntil, "err", err)
		t.record(log, func() error { return t.db.RetryCall(ctx, j.ID, res.pauseUntil, err.Error()) })
	}
	return res
}

// maxParts is the most calls one combined message carries.
const maxParts = 20

// combine makes a thread's message carry the messages of the same thread
// queued right behind it in its chat, as many as fit one message, so that
// ten follow-ups cost the chat one message, not ten. It returns the ids of
// the calls it took in, to be recorded as sent with it: until then they
// wait in the outbox, and a failure leaves them to be sent after it.
func (t *turn) combine(ctx context.Context, log *slog.Logger, j *job) []int64 {
	c := j.Coalesce
	if c == nil || !j.More || j.Method != "sendMessage" || j.EditOf != 0 {
		return nil
	}
	behind, err := t.db.Behind(ctx, j.ChatID, j.ID, c.Key, maxParts-1)
	if err != nil {
		log.Warn("sender: calls to combine", "err", err) // sent alone, then
		return nil
	}
	text := c.Head + "\n\n" + c.Part
	var ids []int64
	for _, b := range behind {
		more := text + "\n\n" + b.Coalesce.Part
		if !t.cfg.Fits(more + "\n\n" + c.Foot) {
			break
		}
		text = more
		ids = append(ids, b.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	params := maps.Clone(j.Params)
	params["text"] = text + "\n\n" + c.Foot
	j.Params = params
	return ids
}

// record writes a call's outcome, trying for recordFor, so that a
// database restart does not make it go out twice: only if it cannot in
// that time is the call made again (its chat is freed, and the call is
// still waiting).
func (s *Sender) record(log *slog.Logger, write func() error) {
	deadline := time.Now().Add(recordFor)
	for attempt := 1; ; attempt++ {
		err := write()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			log.Error("sender: record outcome; the call will be made again", "err", err)
			return
		}
		log.Warn("sender: record outcome; trying again", "err", err)
		time.Sleep(min(time.Duration(attempt)*200*time.Millisecond, 2*time.Second))
	}
}

// carriedOut is a call carried out, with the id of the message it created,
// or of each message of an album.
func carriedOut(id int64, raw json.RawMessage) *storage.Sent {
	type message struct {
		MessageID int64 `json:"message_id"`
	}
	s := &storage.Sent{ID: id}
	var album []message
	if b := bytes.TrimLeft(raw, " \t\r\n"); len(b) > 0 && b[0] == '[' && json.Unmarshal(raw, &album) == nil && len(album) > 0 {
		s.MessageID = album[0].MessageID
		for _, m := range album {
			s.AlbumIDs = append(s.AlbumIDs, m.MessageID)
		}
		return s
	}
	var m message
	if json.Unmarshal(raw, &m) == nil {
		s.MessageID = m.MessageID
	}
	return s
}
