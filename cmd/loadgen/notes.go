package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/bot/telegram/fake"
)

// notes has an expert write a trend note for the agro-industrial sector,
// to which -users entrepreneurs subscribed, and the moderator approve it;
// halfway through the delivery an unrelated user sends /help. It reports
// how long the note took to reach everyone and the reply's wait.
func (r *runner) notes(ctx context.Context) error {
	experts, err := r.seedExperts(ctx)
	if err != nil {
		return err
	}
	expert := experts[0]
	mod := fake.User{ID: moderatorID, FirstName: "Moderator", LanguageCode: "en"}
	other := fake.User{ID: 3_000_001, FirstName: "Other", LanguageCode: "en"}
	for _, u := range []fake.User{mod, other} {
		r.tg.AddChat(u)
	}
	subscribers := make([]fake.User, r.o.users)
	for i := range subscribers {
		subscribers[i] = fake.User{ID: 4_000_000 + int64(i), FirstName: fmt.Sprintf("Entrepreneur %d", i), LanguageCode: "ru"}
		r.tg.AddChat(subscribers[i])
	}
	if _, err := r.db.ExecContext(ctx, `
		WITH u AS (
			INSERT INTO users (id, first_name, language, consent_version)
			SELECT 4000000 + g, 'Entrepreneur ' || g, 'ru', $2 FROM generate_series(0, $1 - 1) g RETURNING id)
		INSERT INTO subscriptions (user_id, sector_id) SELECT u.id, s.id FROM u, sectors s WHERE s.code = 'agro'`,
		r.o.users, bot.PrivacyVersion); err != nil {
		return fmt.Errorf("seed the subscribers: %w", err)
	}

	const text = "From next year grain dryers are certified to the new noise standard."
	r.tg.SendText(expert, "/note")
	if !waitFor(ctx, time.Minute, func() bool { return r.tg.SentCount(expert.ID) > 0 }) {
		return fmt.Errorf("no answer to /note")
	}
	r.tg.SendText(expert, text)
	var card fake.Message
	if !waitFor(ctx, time.Minute, func() bool {
		for _, m := range r.tg.BotMessages(mod.ID) {
			if strings.Contains(m.Text, "Trend note") {
				card = m
				return true
			}
		}
		return false
	}) {
		return fmt.Errorf("no note for the moderator")
	}
	approve, ok := card.Button(bot.T("en", "btn_approve"))
	if !ok {
		return fmt.Errorf("no Approve on the note's card: %+v", card.ReplyMarkup)
	}
	start := time.Now()
	r.tg.Press(mod, &card, approve)
	notes := func() int { return delivered(r.tg, subscribers) }
	waitFor(ctx, 10*time.Minute, func() bool { return notes() >= len(subscribers)/2 })
	asked := time.Now()
	r.tg.SendText(other, "/help")
	waitFor(ctx, time.Minute, func() bool { return r.tg.SentCount(other.ID) > 0 })
	reply := r.tg.BotMessages(other.ID)
	if !waitFor(ctx, 20*time.Minute, func() bool { return notes() >= len(subscribers) }) {
		return fmt.Errorf("the note reached only %d of %d subscribers", notes(), len(subscribers))
	}
	r.report(start, time.Since(start), nil)
	fmt.Fprintf(r.out, "note: %d subscribers reached in %v\n", len(subscribers), time.Since(start).Round(time.Millisecond))
	if len(reply) > 0 {
		fmt.Fprintf(r.out, "an unrelated user's reply during the delivery: %v\n", reply[0].At.Sub(asked).Round(time.Millisecond))
	}
	return nil
}
