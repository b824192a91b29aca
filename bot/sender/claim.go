package sender

import (
	"context"
	"sync"
	"time"

	"github.com/atameken/expertbot/storage"
)

const (
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
	// free slot.
	maxClaimChats = 32

	slowClaim    = 25 * time.Millisecond // a claim this slow was planned on stale statistics…
	analyzeEvery = 10 * time.Second      // …which are refreshed at most this often
)

// job is a claimed call with its slot in the rate limits: it is made after
// delay.
type job struct {
	storage.Claimed
	delay time.Duration
}

// claim claims calls for up to free slots, through the sender's lock: of
// the given chats, or of any chat when chats is nil. It returns them, with
// the time when a chat the limits hold back may go (zero when none is
// held), and whether a claim across all chats read as many candidates as
// it could, so that more may be waiting. Chats read that could go but
// found no slot become targets.
func (t *turn) claim(ctx context.Context, now time.Time, free int, chats []int64) (jobs []job, retryAt time.Time, more bool, err error) {
	later := func(d time.Duration) {
		// A claim at least minRetry later serves more chats at once, for a
		// little more waiting by chats the limits held back anyway.
		if at := now.Add(max(d, minRetry)); retryAt.IsZero() || at.Before(retryAt) {
			retryAt = at
		}
	}
	held, releaseAt := t.limiter.held(now, sendHorizon)
	if !releaseAt.IsZero() {
		later(releaseAt.Sub(now))
	}
	read := 0
	seen := map[int64]bool{}
	delays := map[int64]time.Duration{}
	pick := func(cands []storage.Call) []int64 {
		read = len(cands)
		for _, c := range cands {
			seen[c.ChatID] = true
		}
		// First the calls that may go at once; then, with slots to spare,
		// those whose turn comes within sendHorizon.
		var picked []int64
		for _, horizon := range []time.Duration{0, sendHorizon} {
			for _, c := range cands {
				if _, taken := delays[c.ID]; taken || t.answering[c.ID] || t.busy[c.ChatID] && !storage.IsAnswer(c.Method) {
					continue
				}
				if len(picked) == free {
					t.targets[c.ChatID] = true
					continue
				}
				delay, ok := t.limiter.reserve(now, c.ChatID, c.Method, horizon)
				if !ok {
					t.deferred[c.ChatID] = true
					later(delay)
					continue
				}
				delete(t.deferred, c.ChatID)
				delays[c.ID] = delay
				picked = append(picked, c.ID)
			}
		}
		return picked
	}
	start := time.Now()
	defer func() { t.analysis.refreshIfSlow(ctx, t.Sender, time.Since(start)) }()
	var claimed []storage.Claimed
	if chats != nil {
		claimed, err = t.lock.ClaimChats(ctx, now, chats, free, pick)
		if err == nil && read == free {
			// The claim stopped at the slots free: the chats it did not
			// reach may have calls to go.
			for _, chat := range chats {
				if !seen[chat] {
					t.targets[chat] = true
				}
			}
		}
	} else {
		// Chats the limits hold back are left out of the candidates, so that
		// a few per free slot are enough, and so are chats with a call in
		// flight, whose oldest waiting call is that one.
		skip := held
		for chat := range t.busy {
			skip = append(skip, chat)
		}
		limit := max(2*free, 16)
		claimed, err = t.lock.ClaimCalls(ctx, now, limit, skip, pick)
		more = read == limit
	}
	for _, c := range claimed {
		jobs = append(jobs, job{Claimed: c, delay: delays[c.ID]})
	}
	return jobs, retryAt, more, err
}

// analysis refreshes the outbox's statistics after a claim that took too
// long. A claim reads a few index entries; this slow, it was planned for a
// queue much smaller than the one there is, and the connections keep
// their plans (storage's force_generic_plan) until new statistics replace
// them, as after a quiet spell or on a new database. The refresh runs
// beside the sending, which would otherwise wait for it.
type analysis struct {
	last    time.Time // when the statistics were last refreshed
	running sync.WaitGroup
}

func (a *analysis) refreshIfSlow(ctx context.Context, s *Sender, took time.Duration) {
	if took <= slowClaim || time.Since(a.last) <= analyzeEvery {
		return
	}
	a.last = time.Now()
	s.log.Info("sender: slow claim; refreshing the outbox's statistics", "took", took)
	a.running.Go(func() {
		if err := s.db.AnalyzeOutbox(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sender: refresh statistics", "err", err)
		}
	})
}

// wait waits for the refresh under way, if any.
func (a *analysis) wait() { a.running.Wait() }
