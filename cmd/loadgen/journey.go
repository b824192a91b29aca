package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// journey plays the whole problem journey at once for -users
// entrepreneurs: each posts a problem with /new; the moderator approves
// each; the -experts experts take the problems and answer them; the
// entrepreneurs get the answers. Latency is measured from each of the
// entrepreneurs' steps to the bot's next message.
func (r *runner) journey(ctx context.Context) error {
	experts, err := r.seedExperts(ctx)
	if err != nil {
		return err
	}
	mod := fake.User{ID: moderatorID, FirstName: "Moderator", LanguageCode: "en"}
	r.tg.AddChat(mod)
	users := r.entrepreneurs(1_000_000)

	ctx, cancel := context.WithTimeout(ctx, r.o.duration+5*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	// The moderator and the experts press what they are shown.
	wg.Go(func() { r.pressAll(ctx, mod, "✅ Approve", false) })
	for _, e := range experts {
		wg.Go(func() { r.pressAll(ctx, e, "🙋 Take", true) })
	}

	var mu sync.Mutex
	var latencies []time.Duration
	answered := 0
	var posts sync.WaitGroup
	start := time.Now()
	for _, u := range users {
		posts.Go(func() {
			lat, ok := r.post(ctx, u)
			mu.Lock()
			latencies = append(latencies, lat...)
			if ok {
				answered++
			}
			mu.Unlock()
		})
	}
	posts.Wait()
	elapsed := time.Since(start)
	cancel()
	wg.Wait()
	r.report(start, elapsed, latencies)
	fmt.Fprintf(r.out, "problems posted and answered: %d of %d\n", answered, len(users))
	return nil
}

// post goes through /new and waits for an expert's answer.
func (r *runner) post(ctx context.Context, u fake.User) ([]time.Duration, bool) {
	var lat []time.Duration
	step := func(act func(last fake.Message)) (fake.Message, bool) {
		n := r.tg.SentCount(u.ID)
		var last fake.Message
		if msgs := r.tg.BotMessages(u.ID); len(msgs) > 0 {
			last = msgs[len(msgs)-1]
		}
		t0 := time.Now()
		act(last)
		if !waitFor(ctx, 2*time.Minute, func() bool { return r.tg.SentCount(u.ID) > n }) {
			return last, false
		}
		msgs := r.tg.BotMessages(u.ID)
		m := msgs[len(msgs)-1]
		lat = append(lat, m.At.Sub(t0))
		return m, true
	}
	press := func(label string) func(fake.Message) {
		return func(m fake.Message) {
			if data, ok := m.Button(label); ok {
				r.tg.Press(u, &m, data)
			}
		}
	}
	send := func(text string) func(fake.Message) {
		return func(fake.Message) { r.tg.SendText(u, text) }
	}
	for _, act := range []func(fake.Message){
		send("/new"), press("✅ I agree"), send("/new"), press("Technological problem"), press("Agro-industrial complex"), press("Astana city"),
		send("Irrigation of wheat fields"), send("Soil moisture falls fast in our wheat fields; what can we install?"),
		press("Done"), press("Skip"), press("Yes, show it"), press("✅ Submit"),
	} {
		if _, ok := step(act); !ok {
			return lat, false
		}
	}
	ok := waitFor(ctx, 5*time.Minute, func() bool {
		for _, m := range r.tg.BotMessages(u.ID) {
			if strings.Contains(m.Text, "Answer on") {
				return true
			}
		}
		return false
	})
	return lat, ok
}

// pressAll presses the button labelled label under every new message in a
// chat, once each; an expert then answers the card by replying to it.
func (r *runner) pressAll(ctx context.Context, u fake.User, label string, answer bool) {
	done := map[int64]bool{}
	for ctx.Err() == nil {
		for _, m := range r.tg.BotMessages(u.ID) {
			data, ok := m.Button(label)
			if !ok || done[m.MessageID] {
				continue
			}
			done[m.MessageID] = true
			r.tg.Press(u, &m, data)
			if answer {
				r.tg.Send(u, fake.Message{Text: "Install drip irrigation with soil moisture sensors.", ReplyToMessage: &m})
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}
