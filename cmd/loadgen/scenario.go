package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/atameken/expertbot/bot/telegramtest"
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
func (p *pushes) latencies(tg *telegramtest.Server) []time.Duration {
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

func (r *runner) entrepreneurs(base int64) []telegramtest.User {
	users := make([]telegramtest.User, r.o.users)
	for i := range users {
		users[i] = telegramtest.User{ID: base + int64(i), FirstName: fmt.Sprintf("User %d", i), LanguageCode: "en"}
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
// at -rate per second for -duration, or -updates of them at once.
func (r *runner) intake(ctx context.Context) error {
	users := r.entrepreneurs(1_000_000)
	p := &pushes{at: map[int64][]time.Time{}}
	total := 0
	start := time.Now()
	if r.o.rate <= 0 {
		for i := range r.o.updates {
			u := users[i%len(users)]
			p.add(u.ID, time.Now())
			r.tg.SendText(u, "/help")
		}
		total = r.o.updates
	} else {
		tick := time.NewTicker(time.Duration(float64(time.Second) / r.o.rate))
		defer tick.Stop()
		end := time.After(r.o.duration)
	offer:
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-end:
				break offer
			case <-tick.C:
				u := users[i%len(users)]
				p.add(u.ID, time.Now())
				r.tg.SendText(u, "/help")
				total++
			}
		}
	}
	handled := func() int {
		var n int
		r.db.QueryRow(`SELECT count(*) FROM inbox WHERE handled_at IS NOT NULL AND kind = 'message'`).Scan(&n)
		return n
	}
	if !waitFor(ctx, 10*time.Minute, func() bool { return handled() >= total }) {
		return fmt.Errorf("only %d of %d updates handled", handled(), total)
	}
	var span float64
	r.db.QueryRow(`SELECT extract(epoch FROM max(handled_at) - min(received_at)) FROM inbox WHERE kind = 'message'`).Scan(&span)
	delivered := func() int {
		n := 0
		for _, u := range users {
			n += r.tg.SentCount(u.ID)
		}
		return n
	}
	waitFor(ctx, 10*time.Minute, func() bool { return delivered() >= total })
	r.report(time.Since(start), p.latencies(r.tg))
	fmt.Fprintf(r.out, "updates offered: %d; intake, first kept to last handled: %.0f updates/s\n", total, float64(total)/span)
	return nil
}

// fanout approves one problem of a sector with -experts experts: each gets
// its card, as fast as Telegram allows. Halfway, an unrelated user asks for
// /help: their reply should not wait behind the cards.
func (r *runner) fanout(ctx context.Context) error {
	experts, err := r.seedExperts(ctx)
	if err != nil {
		return err
	}
	author := telegramtest.User{ID: 3_000_000, FirstName: "Author", LanguageCode: "en"}
	mod := telegramtest.User{ID: moderatorID, FirstName: "Moderator", LanguageCode: "en"}
	other := telegramtest.User{ID: 3_000_001, FirstName: "Other", LanguageCode: "en"}
	for _, u := range []telegramtest.User{author, mod, other} {
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
	cards := func() int {
		n := 0
		for _, e := range experts {
			n += r.tg.SentCount(e.ID)
		}
		return n
	}
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
	r.report(time.Since(start), nil)
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
func (r *runner) seedExperts(ctx context.Context) ([]telegramtest.User, error) {
	experts := make([]telegramtest.User, r.o.experts)
	for i := range experts {
		experts[i] = telegramtest.User{ID: 2_000_000 + int64(i), FirstName: fmt.Sprintf("Expert %d", i), LanguageCode: "en"}
		r.tg.AddChat(experts[i])
		if _, err := r.db.ExecContext(ctx, `
			WITH u AS (INSERT INTO users (id, first_name, language) VALUES ($1, $2, 'en') RETURNING id)
			INSERT INTO experts (user_id, centre_id) SELECT u.id, c.id FROM u, centres c WHERE c.code = 'agrotech'`,
			experts[i].ID, experts[i].FirstName); err != nil {
			return nil, fmt.Errorf("seed experts: %w", err)
		}
	}
	return experts, nil
}
