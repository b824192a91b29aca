package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/bot/telegram/fake"
)

// followupsEach is how many follow-ups each author sends at once.
const followupsEach = 10

// followups gives each of -users authors an answered problem, its answer
// in their chat as the bot relayed it, each with an expert of its own;
// then every author sends ten follow-ups at once, as replies to the
// answer. Each must reach its expert, in the order it was sent. It
// reports the time from a follow-up being offered to its delivery, the
// messages sent per follow-up (reactions counted apart), and 429s.
func (r *runner) followups(ctx context.Context) error {
	type pair struct {
		author, expert fake.User
		answer         int64 // the answer's message id in the author's chat
	}
	pairs := make([]pair, r.o.users)
	for i := range pairs {
		p := &pairs[i]
		p.author = fake.User{ID: 4_000_000 + int64(i), FirstName: fmt.Sprintf("Author %d", i), LanguageCode: "en"}
		p.expert = fake.User{ID: 5_000_000 + int64(i), FirstName: fmt.Sprintf("Expert %d", i), LanguageCode: "en"}
		r.tg.AddChat(p.author)
		r.tg.AddChat(p.expert)
		if r.o.limits {
			time.Sleep(40 * time.Millisecond) // within Telegram's 30 a second, as the bot keeps
		}
		id, err := r.answerAsTheBot(p.author.ID, fmt.Sprintf("Answer to Author %d: install soil moisture sensors.", i))
		if err != nil {
			return err
		}
		p.answer = id
		if err := r.seedAnswered(ctx, p.author, p.expert, id); err != nil {
			return err
		}
	}

	// The seeding's messages leave Telegram's one-second window first.
	time.Sleep(time.Second)
	var mu sync.Mutex
	offered := map[string]time.Time{}
	start := time.Now()
	for _, p := range pairs {
		answer, _ := r.tg.Message(p.author.ID, p.answer)
		for k := range followupsEach {
			text := fmt.Sprintf("[fu %d] of %s", k+1, p.author.FirstName)
			mu.Lock()
			offered[text] = time.Now()
			mu.Unlock()
			r.tg.Send(p.author, fake.Message{Text: text, ReplyToMessage: &answer})
		}
	}
	want := len(pairs) * followupsEach
	delivered := func() (n int) {
		for _, p := range pairs {
			for _, m := range r.tg.BotMessages(p.expert.ID) {
				n += strings.Count(m.Text, "[fu ")
			}
		}
		return n
	}
	ok := waitFor(ctx, r.o.duration+10*time.Minute, func() bool { return delivered() >= want })
	elapsed := time.Since(start)

	// Each follow-up's delivery, and the order in each expert's chat.
	var lat []time.Duration
	disordered := 0
	for _, p := range pairs {
		last := 0
		for _, m := range r.tg.BotMessages(p.expert.ID) {
			for _, line := range strings.Split(m.Text, "\n") {
				i := strings.Index(line, "[fu ")
				if i < 0 {
					continue
				}
				text := line[i:]
				k, _ := strconv.Atoi(strings.TrimSuffix(strings.Fields(text)[1], "]"))
				if k < last {
					disordered++
				}
				last = k
				if at, found := offered[strings.TrimSpace(text)]; found {
					lat = append(lat, m.At.Sub(at))
				}
			}
		}
	}
	messages, reactions := 0, 0
	for _, c := range r.tg.Requests() {
		if c.At.Before(start) || c.Status != http.StatusOK {
			continue
		}
		switch c.Method {
		case "setMessageReaction":
			reactions++
		case "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendVideo", "copyMessage", "editMessageText":
			messages++
		}
	}
	r.report(start, elapsed, lat)
	fmt.Fprintf(r.out, "follow-ups delivered: %d of %d (%.0f/s), out of order: %d\n", delivered(), want, float64(delivered())/elapsed.Seconds(), disordered)
	fmt.Fprintf(r.out, "messages sent per follow-up: %.2f, reactions per follow-up: %.2f\n", float64(messages)/float64(want), float64(reactions)/float64(want))
	if len(lat) > 0 {
		slices.Sort(lat)
		q := func(p float64) time.Duration {
			return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(time.Millisecond)
		}
		fmt.Fprintf(r.out, "offered → delivered to the expert: p50 %v, p99 %v, max %v\n", q(.5), q(.99), lat[len(lat)-1].Round(time.Millisecond))
	}
	if !ok {
		return fmt.Errorf("only %d of %d follow-ups delivered", delivered(), want)
	}
	return nil
}

// answerAsTheBot puts an expert's answer in an author's chat as the bot
// would have relayed it, through the fake server's Bot API, and returns
// its message id.
// With the limits on, it keeps to them as the bot would, waiting as asked.
func (r *runner) answerAsTheBot(chatID int64, text string) (int64, error) {
	for {
		resp, err := http.PostForm(fmt.Sprintf(r.tg.Endpoint(), r.tg.Token, "sendMessage"),
			url.Values{"chat_id": {strconv.FormatInt(chatID, 10)}, "text": {text}})
		if err != nil {
			return 0, err
		}
		var out struct {
			OK     bool
			Result struct {
				MessageID int64 `json:"message_id"`
			}
			Description string
			Parameters  struct {
				RetryAfter int `json:"retry_after"`
			}
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err == nil && resp.StatusCode == http.StatusTooManyRequests {
			time.Sleep(time.Duration(out.Parameters.RetryAfter) * time.Second)
			continue
		}
		if err != nil || !out.OK {
			return 0, fmt.Errorf("seed an answer: %v %s", err, out.Description)
		}
		return out.Result.MessageID, nil
	}
}

// seedAnswered records what the bot would have: the author and the expert,
// the problem answered by the expert, the answer, and its relay to the
// author's chat as the message answerID, which a reply finds.
func (r *runner) seedAnswered(ctx context.Context, author, expert fake.User, answerID int64) error {
	_, err := r.db.ExecContext(ctx, `
		WITH a AS (INSERT INTO users (id, first_name, language, consent_version) VALUES ($1, $2, 'en', $5) RETURNING id),
		e AS (INSERT INTO users (id, first_name, language, consent_version) VALUES ($3, $4, 'en', $5) RETURNING id),
		x AS (INSERT INTO experts (user_id, centre_id) SELECT e.id, c.id FROM e, centres c WHERE c.code = 'agrotech'),
		p AS (INSERT INTO problems (author_id, kind, sector_id, region_id, title, body, status, owner_id, first_answer_at, language)
			SELECT a.id, 'problem', s.id, g.id, 'Irrigation of wheat fields', 'Soil moisture falls fast in wheat fields.', 'answered', e.id, now(), 'en'
			FROM a, e, sectors s, regions g WHERE s.code = 'agro' AND g.code = 'astana' RETURNING id),
		m AS (INSERT INTO messages (problem_id, author_id, author_role, recipient_id, text, chat_id, tg_message_id)
			SELECT p.id, e.id, 'expert', a.id, 'Install soil moisture sensors.', e.id, -p.id FROM p, e, a RETURNING id, problem_id),
		o AS (INSERT INTO outbox (chat_id, method, params, status, message_id, sent_at)
			VALUES ($1, 'sendMessage', '{}', 'sent', $6, now()) RETURNING id)
		INSERT INTO relays (outbox_id, problem_id, message_id, recipient_id) SELECT o.id, m.problem_id, m.id, $1 FROM o, m`,
		author.ID, author.FirstName, expert.ID, expert.FirstName, bot.PrivacyVersion, answerID)
	if err != nil {
		return fmt.Errorf("seed an answered problem: %w", err)
	}
	return nil
}
