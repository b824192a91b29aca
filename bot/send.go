package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/lib/pq"

	"github.com/atameken/expertbot/storage"
)

// senderLockKey is the advisory lock the active sender holds, so that one
// sender across all replicas keeps Telegram's limits. Telegram chat ids
// never come near it.
const senderLockKey int64 = 0x6578_7065_7274_0002

const (
	recordFor      = 55 * time.Second // how long recording the outcome of a call is tried
	sendPoll       = time.Second      // look for due calls at least this often
	maxSendAge     = 24 * time.Hour   // a call Telegram keeps failing is dropped after this
	lockCheckEvery = 5 * time.Second  // how often the sender checks that it still holds the lock
	maxBackoff     = 60 * time.Second // longest wait between retries of a failing call

	slowClaim    = 25 * time.Millisecond // a claim this slow was planned on stale statistics…
	analyzeEvery = 10 * time.Second      // …which are refreshed at most this often

	// sendHorizon is how far ahead the sender books calls into the rate
	// limits' future slots, so that one claim serves many calls.
	sendHorizon = 200 * time.Millisecond
	// minRetry is the shortest wait for a chat the limits held back.
	minRetry = sendHorizon / 4
	// maxClaimChats is the most chats claimed by chat while the global
	// limit holds the sender back. A claim by chat reads the oldest call
	// of every chat it is given, where only the few calls the global limit
	// lets go can be sent: more chats than this are claimed across all
	// chats instead, oldest first, which reads a few candidates for each
	// free slot. During an intake of 20,000 updates with Telegram's limits,
	// every commit of a batch of the dispatcher handed a hundred chats to
	// the sender, and the claims by chat cost PostgreSQL more time than any
	// other statement (pg_stat_statements: 661 ms in 221 claims, for 66
	// calls sent; claimed across all chats, 54 ms in 337).
	maxClaimChats = 32
)

// sender delivers the outbox to Telegram.
type sender struct {
	db       *storage.DB
	client   *client
	log      *slog.Logger
	limiter  *limiter
	inFlight int // most calls at once
	wake     chan struct{}
	active   atomic.Bool   // this process holds the sender lock
	stalled  atomic.Bool   // Telegram did not answer the last call made
	notify   chan struct{} // asks for a NOTIFY to the active sender of another process

	wokenMu sync.Mutex
	woken   []int64 // chats this process queued calls for since the loop last looked
	wokenBy bool    // calls were queued for chats unknown: another process's, or ours unnoted
	// queuedBusy are chats that had calls queued while a call of theirs was
	// in flight: when it is done, another may be waiting that the claim did
	// not know of.
	queuedBusy map[int64]bool
	// targets are chats that may have a call that can go now: calls were
	// queued for them, the limits let them go again, or their last call is
	// done with another behind it. Claiming by chat reads only theirs.
	targets map[int64]bool
	// deferred are chats whose call the last claim read but could not book
	// within sendHorizon: targets again when its turn comes.
	deferred    map[int64]bool
	lastAnalyze time.Time      // when the outbox's statistics were last refreshed
	analyzing   sync.WaitGroup // the refresh under way, beside the sending
	results     chan sendResult
	busy        map[int64]bool // chats with a call in flight
	starts      *startWindow   // the global limit, counted as calls start

	// blocked is told of a call Telegram refused because the user blocked
	// the bot, after it is recorded.
	blocked func(ctx context.Context, outboxID int64)
	metrics *metrics
	ok      *atomic.Bool // set when Telegram answers, cleared when it cannot be reached
}

type sendResult struct {
	chatID     int64
	more       bool          // another call of the chat waits behind this one
	pauseUntil time.Time     // Telegram asked us to leave the chat alone until then
	sent       *storage.Sent // a call carried out, to record as sent
}

// run delivers until ctx is cancelled, whenever this process holds the
// sender lock. It returns after the calls in flight have finished.
func (s *sender) run(ctx context.Context, dsn string) {
	if dsn != "-" {
		stop := s.listen(ctx, dsn)
		defer stop()
	}
	othersActive := false // another process held the lock since this one last did
	for ctx.Err() == nil {
		lock, err := s.db.TryLock(ctx, senderLockKey)
		if err != nil && ctx.Err() == nil {
			s.log.Error("sender: take lock", "err", err)
		}
		if lock == nil {
			othersActive = othersActive || err == nil
			sleep(ctx, 2*time.Second)
			continue
		}
		s.log.Info("sender: active")
		s.active.Store(true)
		if othersActive {
			// This limiter knows nothing of the calls the last sender made:
			// let them leave Telegram's one-second window, and each chat's
			// bucket fill again to the burst this limiter starts it with.
			sleep(ctx, s.limiter.takeover())
			othersActive = false
		}
		s.deliver(ctx, lock)
		s.active.Store(false)
		lock.Release()
	}
}

// queued is told of every commit of this process that queued calls, with
// their chats. It wakes this process's sender when it is the active one,
// and otherwise the active sender of another process, through PostgreSQL.
func (s *sender) queued(chats []int64) {
	if s.active.Load() {
		s.wokenMu.Lock()
		s.woken = append(s.woken, chats...)
		s.wokenMu.Unlock()
		s.poke()
		return
	}
	select {
	case s.notify <- struct{}{}:
	default: // a notification is on its way already; it serves this commit too
	}
}

// wakeAll wakes the sender for calls of chats it does not know.
func (s *sender) wakeAll() {
	s.wokenMu.Lock()
	s.wokenBy = true
	s.wokenMu.Unlock()
	s.poke()
}

// takeWoken takes the chats calls were queued for since the last look
// into targets, and reports whether calls were queued for chats unknown:
// then only a claim across all chats finds them. A chat with a call in
// flight becomes a target when that call is done.
func (s *sender) takeWoken() (all bool) {
	s.wokenMu.Lock()
	chats, all := s.woken, s.wokenBy
	s.woken, s.wokenBy = nil, false
	s.wokenMu.Unlock()
	if all {
		for chat := range s.busy {
			s.queuedBusy[chat] = true
		}
		return true
	}
	for _, chat := range chats {
		if s.busy[chat] {
			s.queuedBusy[chat] = true
		} else {
			s.targets[chat] = true
		}
	}
	return false
}

// listen wakes the sender when another process commits outgoing calls,
// and notifies the others of this process's commits while it is not the
// active sender.
func (s *sender) listen(ctx context.Context, dsn string) (stop func()) {
	go func() {
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
	}()
	l := pq.NewListener(dsn, time.Second, 30*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			s.log.Warn("sender: listen for outbox notifications", "err", err)
		}
	})
	if err := l.Listen("outbox"); err != nil {
		s.log.Warn("sender: listen for outbox notifications", "err", err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-l.Notify:
				if !ok {
					return
				}
				s.wakeAll()
			}
		}
	}()
	return func() { l.Close() }
}

func (s *sender) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// deliver sends due calls while the lock holds.
func (s *sender) deliver(ctx context.Context, lock *storage.Lock) {
	lastCheck, lastForget := time.Now(), time.Now()
	// Calls carried out are recorded on the side, so that claiming and
	// sending go on meanwhile. Each batch holds at least one call in
	// flight, so inFlight batches never fill either channel.
	toRecord, recorded := make(chan []sendResult, s.inFlight), make(chan []sendResult, s.inFlight)
	go s.recordSent(ctx, toRecord, recorded)
	defer s.drain(toRecord, recorded)
	defer s.analyzing.Wait()
	// due asks for a claim across all chats: at the start, every sendPoll,
	// after calls were queued by another process, after an error, and after
	// a claim that filled every free slot or read all it could when no
	// target is left. Otherwise only targets are claimed, by chat, unless
	// there are more than maxClaimChats of them while the global limit
	// holds. The claim at the start finds whatever an earlier turn as
	// sender knew of.
	due := true
	clear(s.targets)
	clear(s.deferred)
	clear(s.queuedBusy)
	lastAll := time.Now()
	// retryAt is when the first chat the limits hold back may go; the chats
	// that may go then, and the deferred, become targets. Zero when none is
	// held.
	var retryAt time.Time
	for ctx.Err() == nil {
		now := time.Now()
		if now.Sub(lastCheck) > lockCheckEvery {
			if err := lock.Check(ctx); err != nil {
				s.log.Error("sender: lost lock", "err", err)
				return
			}
			lastCheck = now
		}
		if now.Sub(lastForget) > time.Minute {
			s.limiter.forget(now)
			lastForget = now
		}
		if !retryAt.IsZero() && !now.Before(retryAt) {
			for _, chat := range s.limiter.releasing(now) {
				s.targets[chat] = true
			}
			for chat := range s.deferred {
				s.targets[chat] = true
			}
			clear(s.deferred)
			retryAt = time.Time{}
		}
		if now.Sub(lastAll) >= sendPoll {
			due = true
		}

		// While Telegram does not answer, one call at a time finds out when it
		// does again: a call that timed out may have been carried out all the
		// same, and is sent again, so every call in flight then may be doubled.
		slots := s.inFlight
		if s.stalled.Load() {
			slots = 1
		}
		if free := slots - len(s.busy); free > 0 && (due || len(s.targets) > 0) {
			var chats []int64 // nil: all
			if !due {
				for chat := range s.targets {
					if !s.busy[chat] && !s.limiter.holds(now, chat, sendHorizon) {
						chats = append(chats, chat)
					}
				}
			}
			clear(s.targets)
			if len(chats) > maxClaimChats && s.limiter.globalHeld(now) {
				chats, due = nil, true
			}
			if due || len(chats) > 0 {
				msgs, at, more, err := s.claim(ctx, lock, now, free, chats)
				if !at.IsZero() && (retryAt.IsZero() || at.Before(retryAt)) {
					retryAt = at
				}
				if err != nil && ctx.Err() == nil {
					s.log.Error("sender: claim calls", "err", err)
					// The calls are read on the lock's connection: it may be the lock that is gone.
					if err := lock.Check(ctx); err != nil {
						s.log.Error("sender: lost lock", "err", err)
						return
					}
				}
				if chats == nil {
					lastAll = now
				}
				// Calls read but left for want of a slot are targets now;
				// when a claim filled every slot, or read all it could, and
				// left none, more may wait in chats this process does not
				// know of: the queue is read again when a slot is free.
				due = err != nil || (more || len(msgs) == free) && len(s.targets) == 0
				for _, m := range msgs {
					s.busy[m.ChatID] = true
					go func() {
						// Wait for the slot the limits gave the call.
						time.Sleep(m.Delay)
						if countsTowardLimits(m.Method) && m.ChatID != 0 {
							s.starts.wait()
						}
						s.results <- s.send(ctx, m)
					}()
				}
			}
		}
		if retryAt.IsZero() {
			// Chats the limits marked since (the last claim's own bookings,
			// targets left as held) are handed back in their turn.
			if _, at := s.limiter.held(now, sendHorizon); !at.IsZero() {
				retryAt = maxTime(at, now.Add(minRetry))
			}
		}
		next := sendPoll
		if len(s.busy) < slots {
			// With no slot free, the next call done wakes the loop.
			next = sendPoll - time.Since(lastAll)
			if !retryAt.IsZero() {
				next = min(next, retryAt.Sub(now))
			}
		}
		for chat, until := range s.limiter.paused {
			if !until.After(now) {
				// Over: forget it, or the loop would spin for a chat with nothing to send.
				delete(s.limiter.paused, chat)
				continue
			}
			next = min(next, until.Sub(now))
		}

		timer := time.NewTimer(max(next, 0))
		select {
		case <-ctx.Done():
		case <-s.wake:
			due = s.takeWoken() || due
		case r := <-s.results:
			// Take every other outcome that is in, so that one statement
			// records them.
			done := []sendResult{r}
			for more := true; more; {
				select {
				case r := <-s.results:
					done = append(done, r)
				default:
					more = false
				}
			}
			s.finish(done, toRecord)
		case done := <-recorded:
			s.free(done)
		case <-timer.C:
		}
		timer.Stop()
	}
}

// claim claims calls for up to free slots, through the sender's lock: of
// the given chats, or of any chat when chats is nil. It returns them, with
// the time when a chat the limits hold back may go (zero when none is
// held), and whether a claim across all chats read as many candidates as
// it could, so that more may be waiting. Chats read that could go but
// found no slot become targets.
func (s *sender) claim(ctx context.Context, lock *storage.Lock, now time.Time, free int, chats []int64) (msgs []storage.Message, retryAt time.Time, more bool, err error) {
	later := func(d time.Duration) {
		// A claim at least minRetry later serves more chats at once, for a
		// little more waiting by chats the limits held back anyway.
		if at := now.Add(max(d, minRetry)); retryAt.IsZero() || at.Before(retryAt) {
			retryAt = at
		}
	}
	held, releaseAt := s.limiter.held(now, sendHorizon)
	if !releaseAt.IsZero() {
		later(releaseAt.Sub(now))
	}
	read := 0
	seen := map[int64]bool{}
	pick := func(cands []storage.Message) []storage.Message {
		read = len(cands)
		for _, m := range cands {
			seen[m.ChatID] = true
		}
		// First the calls that may go at once; then, with slots to spare,
		// those whose turn comes within sendHorizon.
		var picked []storage.Message
		taken := map[int64]bool{}
		for _, horizon := range []time.Duration{0, sendHorizon} {
			for _, m := range cands {
				if s.busy[m.ChatID] || taken[m.ID] {
					continue
				}
				if len(picked) == free {
					s.targets[m.ChatID] = true
					continue
				}
				delay, ok := s.limiter.reserve(now, m.ChatID, m.Method, horizon)
				if !ok {
					s.deferred[m.ChatID] = true
					later(delay)
					continue
				}
				delete(s.deferred, m.ChatID)
				m.Delay = delay
				taken[m.ID] = true
				picked = append(picked, m)
			}
		}
		return picked
	}
	start := time.Now()
	defer func() { s.refreshIfSlow(ctx, time.Since(start)) }()
	if chats != nil {
		msgs, err = lock.ClaimChats(ctx, chats, free, pick)
		if err == nil && read == free {
			// The claim stopped at the slots free: the chats it did not
			// reach may have calls to go.
			for _, chat := range chats {
				if !seen[chat] {
					s.targets[chat] = true
				}
			}
		}
		return msgs, retryAt, false, err
	}
	// Chats the limits hold back are left out of the candidates, so that a
	// few per free slot are enough, and so are chats with a call in flight,
	// whose oldest waiting call is that one.
	skip := held
	for chat := range s.busy {
		skip = append(skip, chat)
	}
	limit := max(2*free, 16)
	msgs, err = lock.ClaimMessages(ctx, limit, skip, pick)
	return msgs, retryAt, read == limit, err
}

// refreshIfSlow refreshes the outbox's statistics after a claim that took
// too long. A claim reads a few index entries; this slow, it was planned
// for a queue much smaller than the one there is, and the connections
// keep their plans (force_generic_plan) until new statistics replace
// them. Planned on an empty outbox, as after a quiet spell or on a new
// database, a claim by chat read every waiting call (an index scan of the
// whole queue, in EXPLAIN ANALYZE), 13.7 ms a claim on average over an
// intake of 20,000 updates, and 0.9-1.3 ms once a slow one set off the
// refresh. The refresh runs beside the sending, which waited for it when
// it ran in the loop: a reply's p99 at 500 updates/s was 308 ms in a run
// where a claim slowed by a busy moment set it off.
func (s *sender) refreshIfSlow(ctx context.Context, took time.Duration) {
	if took <= slowClaim || time.Since(s.lastAnalyze) <= analyzeEvery {
		return
	}
	s.lastAnalyze = time.Now()
	s.log.Info("sender: slow claim; refreshing the outbox's statistics", "took", took)
	s.analyzing.Go(func() {
		if err := s.db.AnalyzeOutbox(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sender: refresh statistics", "err", err)
		}
	})
}

// finish hands the calls carried out to be recorded as sent and frees the
// chats of the others for their next calls. A chat stays busy until its
// call is recorded: until then the call is waiting in the outbox, and
// would be taken again. So a crash can make at most the calls in flight,
// and those not yet recorded, go out again: inFlight at most.
func (s *sender) finish(done []sendResult, toRecord chan<- []sendResult) {
	var sent, other []sendResult
	for _, r := range done {
		if r.sent != nil {
			sent = append(sent, r)
		} else {
			other = append(other, r)
		}
	}
	if len(sent) > 0 {
		toRecord <- sent
	}
	s.free(other)
}

// free lets the chats of finished calls have their next calls: a chat
// with another call waiting becomes a target.
func (s *sender) free(done []sendResult) {
	for _, r := range done {
		delete(s.busy, r.chatID)
		if !r.pauseUntil.IsZero() {
			s.limiter.pause(r.chatID, r.pauseUntil)
		}
		if r.more || s.queuedBusy[r.chatID] {
			s.targets[r.chatID] = true
		}
		delete(s.queuedBusy, r.chatID)
	}
}

// recordSent records the calls handed to it as sent, all that are waiting
// in one statement, and hands them back to be freed, until toRecord is
// closed; then it closes recorded.
func (s *sender) recordSent(ctx context.Context, toRecord <-chan []sendResult, recorded chan<- []sendResult) {
	defer close(recorded)
	ctx = context.WithoutCancel(ctx)
	for batch := range toRecord {
		for more := true; more; {
			select {
			case b, ok := <-toRecord:
				batch, more = append(batch, b...), ok
			default:
				more = false
			}
		}
		sent := make([]storage.Sent, len(batch))
		for i, r := range batch {
			sent[i] = *r.sent
		}
		s.record(ctx, s.log.With("calls", len(sent)), func() error { return s.db.MarkSent(ctx, sent...) })
		recorded <- batch
	}
}

// drain waits for the calls in flight and for their recording.
func (s *sender) drain(toRecord chan []sendResult, recorded <-chan []sendResult) {
	for len(s.busy) > 0 {
		select {
		case r := <-s.results:
			s.finish([]sendResult{r}, toRecord)
		case done := <-recorded:
			s.free(done)
		}
	}
	close(toRecord)
	for range recorded {
	}
}

// send makes one call and records its outcome, but for success, which it
// leaves to finish, so that one statement records many. The outcome is
// recorded even when ctx is cancelled meanwhile: the call has been made.
func (s *sender) send(ctx context.Context, m storage.Message) sendResult {
	if m.EditOf != 0 {
		// An edit of a message the bot sent earlier in this chat: the chat's
		// calls go out in order, so that one has been sent or has failed.
		if m.EditTarget == 0 {
			s.record(ctx, s.log, func() error {
				return s.db.FailMessage(context.WithoutCancel(ctx), m.ID, "the message to edit was never sent", 0)
			})
			return sendResult{chatID: m.ChatID, more: m.More}
		}
		m.Params["message_id"] = strconv.FormatInt(m.EditTarget, 10)
	}
	var file *tgbotapi.RequestFile
	if m.FileField != "" {
		file = &tgbotapi.RequestFile{Name: m.FileField, Data: tgbotapi.FileBytes{Name: m.FileName, Bytes: m.FileData}}
	}
	raw, err := s.client.call(m.Method, tgbotapi.Params(m.Params), file)
	ctx = context.WithoutCancel(ctx)
	res := sendResult{chatID: m.ChatID, more: m.More}
	log := s.log.With("outbox_id", m.ID, "chat_id", m.ChatID, "method", m.Method)

	var apiErr *APIError
	var netErr *NetError
	answered := !errors.As(err, &netErr) && !(errors.As(err, &apiErr) && apiErr.Code >= 500)
	s.ok.Store(answered)
	s.stalled.Store(!answered)
	switch {
	case err == nil:
		s.metrics.sent.WithLabelValues(m.Method).Inc()
		res.sent = carriedOut(m.ID, raw)
	case errors.As(err, &apiErr) && apiErr.Code == 429:
		wait := max(apiErr.RetryAfter, time.Second)
		res.pauseUntil = time.Now().Add(wait)
		s.metrics.tooMany.Inc()
		s.metrics.retryWait.Add(wait.Seconds())
		log.Warn("sender: flood limit", "retry_after", wait)
		s.record(ctx, log, func() error { return s.db.RetryMessage(ctx, m.ID, res.pauseUntil, err.Error()) })
	case errors.As(err, &apiErr) && apiErr.Code == 400 && strings.Contains(apiErr.Description, "message is not modified"):
		// The message already shows what we wanted: an edit repeated after a restart.
		res.sent = &storage.Sent{ID: m.ID}
	case errors.As(err, &apiErr) && (apiErr.Code == 400 || apiErr.Code == 403):
		var unreachable int64
		if apiErr.Blocked() && m.ChatID > 0 {
			unreachable = m.ChatID
		}
		log.Warn("sender: refused", "err", err)
		s.record(ctx, log, func() error { return s.db.FailMessage(ctx, m.ID, err.Error(), unreachable) })
		if unreachable != 0 && s.blocked != nil {
			s.blocked(ctx, m.ID)
		}
	case time.Since(m.CreatedAt) > maxSendAge:
		log.Error("sender: giving up", "attempts", m.Attempts+1, "err", err)
		s.record(ctx, log, func() error { return s.db.FailMessage(ctx, m.ID, "gave up: "+err.Error(), 0) })
	default:
		// Network errors, 5xx and anything unexpected: try again later.
		res.pauseUntil = time.Now().Add(backoff(m.Attempts + 1))
		log.Warn("sender: will retry", "attempts", m.Attempts+1, "retry_at", res.pauseUntil, "err", err)
		s.record(ctx, log, func() error { return s.db.RetryMessage(ctx, m.ID, res.pauseUntil, err.Error()) })
	}
	return res
}

// record writes a call's outcome, trying for recordFor, so that a
// database restart does not make it go out twice: only if it cannot in
// that time is the call made again (its chat is freed, and the call is
// still waiting).
func (s *sender) record(ctx context.Context, log *slog.Logger, write func() error) {
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

// backoff is the wait before the attempt-th retry: doubling from a second,
// up to maxBackoff, with jitter so that retries do not come in waves.
func backoff(attempt int) time.Duration {
	d := maxBackoff
	if attempt < 7 {
		d = min(maxBackoff, time.Second<<max(attempt-1, 0))
	}
	return d - time.Duration(rand.Int64N(int64(d)/5))
}

// carriedOut is a call carried out, with the id of the message it created, or
// of each message of an album.
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

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
