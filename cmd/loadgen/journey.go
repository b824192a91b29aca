package main

import (
	"context"
	"fmt"
	"slices"
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
	steps := make([][]time.Duration, len(wizard))
	answered := 0
	var posts sync.WaitGroup
	start := time.Now()
	for _, u := range users {
		posts.Go(func() {
			lat, ok := r.post(ctx, u)
			mu.Lock()
			latencies = append(latencies, lat...)
			for i, d := range lat {
				steps[i] = append(steps[i], d)
			}
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
	fmt.Fprintln(r.out, "wizard step (next question): p50, max from the act to the next question")
	for i, step := range wizard {
		d := steps[i]
		if len(d) == 0 {
			continue
		}
		slices.Sort(d)
		fmt.Fprintf(r.out, "  %-24s %6v %6v\n", step.name, d[len(d)/2].Round(time.Millisecond), d[len(d)-1].Round(time.Millisecond))
	}
	return nil
}

// wizard is an entrepreneur's way through /new: each step's act, given
// the bot's message that asked for it, and what the next question says.
var wizard = []struct {
	name string
	act  func(r *runner, u fake.User, asked fake.Message)
	next func(fake.Message) bool
}{
	{"/new (privacy notice)", typing("/new"), button("✅ I agree")},
	{"agree (welcome)", pressing("✅ I agree"), saying("/new — post a request")},
	{"/new (kind)", typing("/new"), button("Technological problem")},
	{"kind (title)", pressing("Technological problem"), saying("Write a title")},
	{"title (description)", typing("Irrigation of wheat fields"), saying("Describe the problem")},
	{"description (files)", typing("Soil moisture falls fast in our wheat fields; what can we install?"), button("Done")},
	{"Done (sector)", pressing("Done"), button("Agro-industrial complex")},
	{"sector (region)", pressing("Agro-industrial complex"), button("Astana city")},
	{"region (company)", pressing("Astana city"), button("Skip")},
	{"Skip (name shown?)", pressing("Skip"), button("Yes, show it")},
	{"name shown (summary)", pressing("Yes, show it"), button("✅ Submit")},
	{"Submit (submitted)", pressing("✅ Submit"), saying("is submitted")},
}

func typing(text string) func(*runner, fake.User, fake.Message) {
	return func(r *runner, u fake.User, _ fake.Message) { r.tg.SendText(u, text) }
}

func pressing(label string) func(*runner, fake.User, fake.Message) {
	return func(r *runner, u fake.User, asked fake.Message) {
		if data, ok := asked.Button(label); ok {
			r.tg.Press(u, &asked, data)
		}
	}
}

func button(label string) func(fake.Message) bool {
	return func(m fake.Message) bool { _, ok := m.Button(label); return ok }
}

func saying(text string) func(fake.Message) bool {
	return func(m fake.Message) bool { return strings.Contains(m.Text, text) }
}

// post goes through /new, tapping at once, and waits for an expert's
// answer. It returns, for each wizard step, the time from the user's act
// to the next question: a new message, or the asking one edited into it.
func (r *runner) post(ctx context.Context, u fake.User) ([]time.Duration, bool) {
	var lat []time.Duration
	var asked fake.Message
	for _, step := range wizard {
		t0 := time.Now()
		step.act(r, u, asked)
		var at time.Time
		if !waitFor(ctx, 2*time.Minute, func() bool {
			for _, m := range r.tg.BotMessages(u.ID) {
				changed := m.At
				if m.Edited.After(changed) {
					changed = m.Edited
				}
				if !changed.Before(t0) && step.next(m) {
					asked, at = m, changed
					return true
				}
			}
			return false
		}) {
			return lat, false
		}
		lat = append(lat, at.Sub(t0))
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
