package sender

import (
	"context"
	"time"

	"github.com/atameken/expertbot/storage"
)

// turn is the state of one turn as the active sender: the chats it knows
// may have a call to go, and the calls it has in flight.
type turn struct {
	*Sender
	lock    *storage.Lock
	results chan result
	busy    map[int64]bool // chats with a call in flight, until its outcome is recorded
	// answering are the answers to button presses in flight, by call id:
	// they go past their chat's queue, and leave their chat free.
	answering map[int64]bool
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
	deferred map[int64]bool
}

// result is the outcome of one call.
type result struct {
	chatID     int64
	answer     int64         // the call, when it answers a button press
	more       bool          // another call of the chat waits behind this one
	pauseUntil time.Time     // Telegram asked us to leave the chat alone until then
	sent       *storage.Sent // a call carried out, to record as sent…
	parts      []int64       // …with the calls it carried too, which sent its message
}

// deliver sends due calls while the lock holds and ctx lasts.
func (s *Sender) deliver(ctx context.Context, lock *storage.Lock) {
	t := &turn{
		Sender:     s,
		lock:       lock,
		results:    make(chan result, s.cfg.InFlight),
		busy:       map[int64]bool{},
		answering:  map[int64]bool{},
		queuedBusy: map[int64]bool{},
		targets:    map[int64]bool{},
		deferred:   map[int64]bool{},
	}
	s.woken.take() // the claim at the start finds whatever was queued before
	t.run(ctx)
}

func (t *turn) run(ctx context.Context) {
	inFlight := t.cfg.InFlight
	lastCheck, lastForget := time.Now(), time.Now()
	// Calls carried out are recorded on the side, so that claiming and
	// sending go on meanwhile. Each batch holds at least one call in
	// flight, so inFlight batches never fill either channel.
	toRecord, recorded := make(chan []result, inFlight), make(chan []result, inFlight)
	go t.recordSent(ctx, toRecord, recorded)
	defer t.drain(toRecord, recorded)
	defer t.analysis.wait()
	// due asks for a claim across all chats: at the start, every sendPoll,
	// after calls were queued by another process, after an error, and after
	// a claim that filled every free slot or read all it could when no
	// target is left. Otherwise only targets are claimed, by chat, unless
	// there are more than maxClaimChats of them while the global limit
	// holds.
	due := true
	lastAll := time.Now()
	// retryAt is when the first chat the limits hold back may go; the chats
	// that may go then, and the deferred, become targets. Zero when none is
	// held.
	var retryAt time.Time
	for ctx.Err() == nil {
		now := time.Now()
		if now.Sub(lastCheck) > lockCheckEvery {
			if err := t.lock.Check(ctx); err != nil {
				t.log.Error("sender: lost lock", "err", err)
				return
			}
			lastCheck = now
		}
		if now.Sub(lastForget) > time.Minute {
			t.limiter.forget(now)
			lastForget = now
		}
		if !retryAt.IsZero() && !now.Before(retryAt) {
			for _, chat := range t.limiter.releasing(now) {
				t.targets[chat] = true
			}
			for chat := range t.deferred {
				t.targets[chat] = true
			}
			clear(t.deferred)
			retryAt = time.Time{}
		}
		if now.Sub(lastAll) >= sendPoll {
			due = true
		}

		// While Telegram does not answer, one call at a time finds out when it
		// does again: a call that timed out may have been carried out all the
		// same, and is sent again, so every call in flight then may be doubled.
		slots := inFlight
		if t.stalled.Load() {
			slots = 1
		}
		if free := slots - len(t.busy) - len(t.answering); free > 0 && (due || len(t.targets) > 0) {
			var chats []int64 // nil: all
			if !due {
				for chat := range t.targets {
					if !t.busy[chat] && !t.limiter.holds(now, chat, sendHorizon) {
						chats = append(chats, chat)
					}
				}
			}
			clear(t.targets)
			if len(chats) > maxClaimChats && t.limiter.globalHeld(now) {
				chats, due = nil, true
			}
			if due || len(chats) > 0 {
				jobs, at, more, err := t.claim(ctx, now, free, chats)
				if !at.IsZero() && (retryAt.IsZero() || at.Before(retryAt)) {
					retryAt = at
				}
				if err != nil && ctx.Err() == nil {
					t.log.Error("sender: claim calls", "err", err)
					// The calls are read on the lock's connection: it may be the lock that is gone.
					if err := t.lock.Check(ctx); err != nil {
						t.log.Error("sender: lost lock", "err", err)
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
				due = err != nil || (more || len(jobs) == free) && len(t.targets) == 0
				for _, j := range jobs {
					if storage.IsAnswer(j.Method) {
						t.answering[j.ID] = true
					} else {
						t.busy[j.ChatID] = true
					}
					go func() { t.results <- t.send(ctx, j) }()
				}
			}
		}
		if retryAt.IsZero() {
			// Chats the limits marked since (the last claim's own bookings,
			// targets left as held) are handed back in their turn.
			if _, at := t.limiter.held(now, sendHorizon); !at.IsZero() {
				retryAt = maxTime(at, now.Add(minRetry))
			}
		}
		next := sendPoll
		if len(t.busy)+len(t.answering) < slots {
			// With no slot free, the next call done wakes the loop.
			next = sendPoll - time.Since(lastAll)
			if !retryAt.IsZero() {
				next = min(next, retryAt.Sub(now))
			}
		}
		for chat, until := range t.limiter.paused {
			if !until.After(now) {
				// Over: forget it, or the loop would spin for a chat with nothing to send.
				delete(t.limiter.paused, chat)
				continue
			}
			next = min(next, until.Sub(now))
		}

		timer := time.NewTimer(max(next, 0))
		select {
		case <-ctx.Done():
		case <-t.wake:
			due = t.takeWoken() || due
		case r := <-t.results:
			// Take every other outcome that is in, so that one statement
			// records them.
			done := []result{r}
			for more := true; more; {
				select {
				case r := <-t.results:
					done = append(done, r)
				default:
					more = false
				}
			}
			t.finish(done, toRecord)
		case done := <-recorded:
			t.free(done)
		case <-timer.C:
		}
		timer.Stop()
	}
}

// takeWoken takes the chats calls were queued for since the last look
// into targets, and reports whether calls were queued for chats unknown:
// then only a claim across all chats finds them. A chat with a call in
// flight becomes a target when that call is done.
func (t *turn) takeWoken() (all bool) {
	chats, all := t.woken.take()
	if all {
		for chat := range t.busy {
			t.queuedBusy[chat] = true
		}
		return true
	}
	for _, chat := range chats {
		if t.busy[chat] {
			t.queuedBusy[chat] = true
		} else {
			t.targets[chat] = true
		}
	}
	return false
}

// finish hands the calls carried out to be recorded as sent and frees the
// chats of the others for their next calls. A chat stays busy until its
// call is recorded: until then the call is waiting in the outbox, and
// would be taken again. So a crash can make at most the calls in flight,
// and those not yet recorded, go out again: inFlight at most.
func (t *turn) finish(done []result, toRecord chan<- []result) {
	var sent, other []result
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
	t.free(other)
}

// free lets the chats of finished calls have their next calls: a chat
// with another call waiting becomes a target.
func (t *turn) free(done []result) {
	for _, r := range done {
		if r.answer != 0 {
			delete(t.answering, r.answer) // its chat was never busy for it
			continue
		}
		delete(t.busy, r.chatID)
		if !r.pauseUntil.IsZero() {
			t.limiter.pause(r.chatID, r.pauseUntil)
		}
		if r.more || t.queuedBusy[r.chatID] {
			t.targets[r.chatID] = true
		}
		delete(t.queuedBusy, r.chatID)
	}
}

// recordSent records the calls handed to it as sent, all that are waiting
// in one statement, and hands them back to be freed, until toRecord is
// closed; then it closes recorded.
func (t *turn) recordSent(ctx context.Context, toRecord <-chan []result, recorded chan<- []result) {
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
		var sent []storage.Sent
		for _, r := range batch {
			sent = append(sent, *r.sent)
			for _, id := range r.parts {
				sent = append(sent, storage.Sent{ID: id, MessageID: r.sent.MessageID})
			}
		}
		t.record(t.log.With("calls", len(sent)), func() error { return t.db.MarkSent(ctx, sent...) })
		recorded <- batch
	}
}

// drain waits for the calls in flight and for their recording.
func (t *turn) drain(toRecord chan []result, recorded <-chan []result) {
	for len(t.busy)+len(t.answering) > 0 {
		select {
		case r := <-t.results:
			t.finish([]result{r}, toRecord)
		case done := <-recorded:
			t.free(done)
		}
	}
	close(toRecord)
	for range recorded {
	}
}
