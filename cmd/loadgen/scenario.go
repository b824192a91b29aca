package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/bot/telegram/fake"
)

// pushes remembers when each chat's updates were offered, in order.
type pushes struct {
	mu sync.Mutex
	at map[int64][]time.Time
}

func (p *pushes) add(chat int64, t time.Time) {
	p.mu.Lock()
	p.at[chat] = append(p.at[chat], t)
	p.mu.Unlock()
}

// latencies pairs the k-th update of each chat with the bot's k-th message
// there: the time from the update being offered to the reply being
// accepted by the fake Telegram.
func (p *pushes) latencies(tg *fake.Server) []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []time.Duration
	for chat, times := range p.at {
		msgs := tg.BotMessages(chat)
		for k := 0; k < len(times) && k < len(msgs); k++ {
			out = append(out, msgs[k].At.Sub(times[k]))
		}
	}
	return out
}

func (r *runner) entrepreneurs(base int64) []fake.User {
	users := make([]fake.User, r.o.users)
	for i := range users {
		users[i] = fake.User{ID: base + int64(i), FirstName: fmt.Sprintf("User %d", i), LanguageCode: "en"}
		r.tg.AddChat(users[i])
	}
	return users
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// intake offers simple updates (/help, one reply each) from many users:
// at -rate per second for -duration, or -updates of them at once. At a
// rate, other users first offer the same rate for -warmup, and only what
// comes after is measured: the bot has connected, prepared its statements,
// and PostgreSQL has statistics of a queue that is not empty.
func (r *runner) intake(ctx context.Context) error {
	if r.o.rate > 0 && r.o.warmup > 0 {
		warm := r.entrepreneurs(500_000)
		n, err := r.offer(ctx, warm, &pushes{at: map[int64][]time.Time{}}, r.o.warmup)
		if err != nil {
			return err
		}
		if !waitFor(ctx, time.Minute, func() bool { return delivered(r.tg, warm) >= n }) {
			return fmt.Errorf("warm-up: only %d of %d updates answered", delivered(r.tg, warm), n)
		}
		fmt.Fprintf(r.out, "warm-up: %d updates in %v, not measured\n", n, r.o.warmup)
	}
	users := r.entrepreneurs(1_000_000)
	p := &pushes{at: map[int64][]time.Time{}}
	start := time.Now()
	total := r.o.updates
	if r.o.rate <= 0 {
		// Queued all at once, as a crowd's updates wait at Telegram: made
		// one by one while the bot takes them, they would cost the load
		// generator a core's time taken from the bot's while it works,
		// which a real Telegram does not.
		from := make([]fake.User, total)
		for i := range from {
			from[i] = users[i%len(users)]
		}
		r.tg.SendTexts(from, "/help")
		at := time.Now()
		for _, u := range from {
			p.add(u.ID, at)
		}
	} else {
		var err error
		if total, err = r.offer(ctx, users, p, r.o.duration); err != nil {
			return err
		}
	}
	// Every update is answered once, after it is handled: the fake server's
	// count is watched rather than the database's, which would take the
	// database's time from the run being measured. With Telegram's limits
	// the replies go out at 30 a second, long after the updates are
	// handled: then the run ends when every update is confirmed and none
	// waits in the inbox (an index lookup), and the latencies are of the
	// replies sent by then.
	done := func() bool { return delivered(r.tg, users) >= total }
	if r.o.limits {
		done = func() bool { return r.tg.Unconfirmed() == 0 && r.inboxEmpty() }
	}
	if !waitFor(ctx, 10*time.Minute, done) || r.handled(start) < total {
		return fmt.Errorf("only %d of %d updates handled", r.handled(start), total)
	}
	var span, keptSpan float64
	var firstBatch int
	r.db.QueryRow(`
		SELECT extract(epoch FROM max(handled_at) - min(received_at)), extract(epoch FROM max(received_at) - min(received_at)),
			count(*) FILTER (WHERE received_at = (SELECT min(received_at) FROM inbox WHERE kind = 'message' AND received_at >= $1))
		FROM inbox WHERE kind = 'message' AND received_at >= $1`, start).Scan(&span, &keptSpan, &firstBatch)
	r.report(start, time.Since(start), p.latencies(r.tg))
	r.stages(start)
	if keptSpan > 0 {
		// Each batch is kept in one transaction: the rate is of the batches
		// after the first, over the time from the first to the last.
		fmt.Fprintf(r.out, "kept durably (inbox, then confirmed to Telegram): %.0f updates/s\n", float64(total-firstBatch)/keptSpan)
	}
	fmt.Fprintf(r.out, "updates offered: %d; intake, first kept to last handled: %.0f updates/s\n", total, float64(total)/span)
	return nil
}

// delivered counts the bot's messages to users.
func delivered(tg *fake.Server, users []fake.User) int {
	n := 0
	for _, u := range users {
		n += tg.SentCount(u.ID)
	}
	return n
}

// offer sends /help from users in turn at -rate for d, and returns how
// many it sent. Each update has its moment on the clock; one that is late
// goes at once, so that the rate offered is the rate asked for even when
// the machine is busy.
func (r *runner) offer(ctx context.Context, users []fake.User, p *pushes, d time.Duration) (int, error) {
	start := time.Now()
	interval := time.Duration(float64(time.Second) / r.o.rate)
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if at.Sub(start) >= d {
			return i, nil
		}
		time.Sleep(time.Until(at))
		if ctx.Err() != nil {
			return i, ctx.Err()
		}
		u := users[i%len(users)]
		p.add(u.ID, time.Now())
		r.tg.SendText(u, "/help")
	}
}

// inboxEmpty reports whether no update waits to be handled.
func (r *runner) inboxEmpty() bool {
	var empty bool
	r.db.QueryRow(`SELECT NOT EXISTS (SELECT FROM inbox WHERE handled_at IS NULL AND parked_at IS NULL)`).Scan(&empty)
	return empty
}

// handled counts the messages received from since on that have been handled.
func (r *runner) handled(since time.Time) int {
	var n int
	r.db.QueryRow(`SELECT count(*) FROM inbox WHERE handled_at IS NOT NULL AND kind = 'message' AND received_at >= $1`, since).Scan(&n)
	return n
}

// stages prints where an update's time went inside the bot, from the
// database's clocks: from being kept in the inbox to its handling
// transaction starting, and from its reply being queued in the outbox to
// its sending being recorded (the call to Telegram included).
func (r *runner) stages(since time.Time) {
	for _, st := range []struct{ name, query string }{
		{"kept→handling", `SELECT extract(epoch FROM handled_at - received_at) FROM inbox WHERE kind = 'message' AND received_at >= $1`},
		{"queued→sent", `SELECT extract(epoch FROM sent_at - created_at) FROM outbox WHERE status = 'sent' AND chat_id >= 1000000 AND created_at >= $1`},
	} {
		var p50, p95, p99 float64
		err := r.db.QueryRow(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.95) WITHIN GROUP (ORDER BY d),
			percentile_cont(0.99) WITHIN GROUP (ORDER BY d) FROM (`+st.query+`) AS s (d)`, since).Scan(&p50, &p95, &p99)
		if err != nil {
			fmt.Fprintf(r.out, "%s: %v\n", st.name, err)
			continue
		}
		ms := func(s float64) string { return fmt.Sprintf("%.1fms", s*1000) }
		fmt.Fprintf(r.out, "  of which %s: p50 %s, p95 %s, p99 %s\n", st.name, ms(p50), ms(p95), ms(p99))
	}
}

// fanout approves one problem of a sector with -experts experts: each gets
// its card, as fast as Telegram allows. Halfway, an unrelated user asks for
// /help: their reply should not wait behind the cards.
func (r *runner) fanout(ctx context.Context) error {
	experts, err := r.seedExperts(ctx)
	if err != nil {
		return err
	}
	author := fake.User{ID: 3_000_000, FirstName: "Author", LanguageCode: "en"}
	mod := fake.User{ID: moderatorID, FirstName: "Moderator", LanguageCode: "en"}
	other := fake.User{ID: 3_000_001, FirstName: "Other", LanguageCode: "en"}
	for _, u := range []fake.User{author, mod, other} {
		r.tg.AddChat(u)
	}
	var id int64
	err = r.db.QueryRowContext(ctx, `
		WITH u AS (INSERT INTO users (id, first_name, language) VALUES ($1, 'Author', 'en') RETURNING id)
		INSERT INTO problems (author_id, kind, sector_id, region_id, title, body, status)
		SELECT u.id, 'problem', s.id, g.id, 'Irrigation', 'Soil moisture falls fast in wheat fields.', 'pending_moderation'
		FROM u, sectors s, regions g WHERE s.code = 'agro' AND g.code = 'astana'
		RETURNING problems.id`, author.ID).Scan(&id)
	if err != nil {
		return fmt.Errorf("seed the problem: %w", err)
	}

	start := time.Now()
	r.tg.SendText(mod, fmt.Sprintf("/approve %d", id))
	cards := func() int { return delivered(r.tg, experts) }
	waitFor(ctx, 10*time.Minute, func() bool { return cards() >= len(experts)/2 })
	asked := time.Now()
	r.tg.SendText(other, "/help")
	waitFor(ctx, time.Minute, func() bool { return r.tg.SentCount(other.ID) > 0 })
	reply := r.tg.BotMessages(other.ID)
	if !waitFor(ctx, 10*time.Minute, func() bool { return cards() >= len(experts) }) {
		return fmt.Errorf("only %d of %d cards sent", cards(), len(experts))
	}
	first, last := time.Time{}, time.Time{}
	for _, e := range experts {
		for _, m := range r.tg.BotMessages(e.ID) {
			if first.IsZero() || m.At.Before(first) {
				first = m.At
			}
			if m.At.After(last) {
				last = m.At
			}
		}
	}
	r.report(start, time.Since(start), nil)
	rate := float64(len(experts)-1) / last.Sub(first).Seconds()
	fmt.Fprintf(r.out, "fan-out: %d cards in %v: %.1f messages/s (%.0f%% of Telegram's 30/s)\n",
		len(experts), last.Sub(first).Round(time.Millisecond), rate, rate/30*100)
	if len(reply) > 0 {
		fmt.Fprintf(r.out, "an unrelated user's reply during the fan-out: %v\n", reply[0].At.Sub(asked).Round(time.Millisecond))
	}
	return nil
}

// seedExperts makes -experts experts of the agro-industrial centre, who
// have started the bot and speak English.
func (r *runner) seedExperts(ctx context.Context) ([]fake.User, error) {
	experts := make([]fake.User, r.o.experts)
	for i := range experts {
		experts[i] = fake.User{ID: 2_000_000 + int64(i), FirstName: fmt.Sprintf("Expert %d", i), LanguageCode: "en"}
		r.tg.AddChat(experts[i])
		if _, err := r.db.ExecContext(ctx, `
			WITH u AS (INSERT INTO users (id, first_name, language, consent_version) VALUES ($1, $2, 'en', $3) RETURNING id)
			INSERT INTO experts (user_id, centre_id) SELECT u.id, c.id FROM u, centres c WHERE c.code = 'agrotech'`,
			experts[i].ID, experts[i].FirstName, bot.PrivacyVersion); err != nil {
			return nil, fmt.Errorf("seed experts: %w", err)
		}
	}
	return experts, nil
}
