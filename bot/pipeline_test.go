package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/bot/dispatch"
	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/storage"
)

func TestStartChoosesLanguage(t *testing.T) {
	h := newHarness(t)
	h.start()
	ent := user(1001, "kk")

	h.tg.SendText(ent, "/start")
	ask := h.waitBotMessages(ent.ID, 1)[0]
	if got, want := ask.Text, T("kk", "choose_language"); got != want {
		t.Fatalf("asked %q, want %q", got, want)
	}
	if got := ask.Buttons(); len(got) != 3 || got[0] != "✅ Қазақша" {
		t.Fatalf("buttons %q, want the three languages with Kazakh marked", got)
	}

	// The choice, the privacy notice and then the welcome come in the
	// message of the question, each in place of the last step's buttons.
	data, _ := ask.Button("English")
	q := h.tg.Press(ent, &ask, data)
	var now fake.Message
	h.waitFor("the privacy notice in English", 20*time.Second, func() bool {
		now, _ = h.tg.Message(ent.ID, ask.MessageID)
		return strings.Contains(now.Text, firstLine(plain(T("en", "consent_notice", 30))))
	})
	if !strings.HasPrefix(now.Text, T("en", "language_set")+"\n\n") {
		t.Fatalf("the question now reads %q, want the choice first", now.Text)
	}
	data, _ = now.Button(T("en", "btn_agree"))
	h.tg.Press(ent, &now, data)
	h.waitFor("the welcome in English", 20*time.Second, func() bool {
		now, _ = h.tg.Message(ent.ID, ask.MessageID)
		return strings.Contains(now.Text, firstLine(T("en", "welcome")))
	})
	if now.ReplyMarkup != nil || !strings.Contains(now.Text, firstLine(plain(T("en", "consent_notice", 30)))) {
		t.Fatalf("after Agree the message reads %q with keyboard %v, want the notice kept, the welcome under it, no buttons", now.Text, now.ReplyMarkup)
	}
	h.waitFor("the button's answer", 5*time.Second, func() bool { _, ok := h.tg.CallbackAnswer(q); return ok })
	if n := len(h.tg.BotMessages(ent.ID)); n != 1 {
		t.Fatalf("the bot sent %d messages, want the one question, edited", n)
	}
	var lang string
	h.query(&lang, `SELECT language FROM users WHERE id = $1`, ent.ID)
	if lang != "en" {
		t.Fatalf("stored language %q, want en", lang)
	}
}

func TestUpdateDeliveredTwiceHasOneEffect(t *testing.T) {
	h := newHarness(t)
	h.start()
	ent := user(1002, "en")

	h.tg.SendText(ent, "/help")
	h.waitBotMessages(ent.ID, 1)
	h.waitIdle()
	h.stop()

	// Telegram gives the update again, as it does when the bot died before
	// confirming it.
	var id int64
	h.query(&id, `SELECT max(update_id) FROM inbox`)
	h.tg.Redeliver(id)
	h.start()
	h.waitIdle()
	h.tg.SendText(ent, "/help")
	h.waitBotMessages(ent.ID, 2)
	h.waitIdle()

	var helps int
	h.query(&helps, `SELECT count(*) FROM outbox WHERE chat_id = $1 AND method = 'sendMessage'`, ent.ID)
	if helps != 2 {
		t.Fatalf("two /help updates (one delivered twice) made %d replies, want 2", helps)
	}
	if got := len(h.tg.BotMessages(ent.ID)); got != 2 {
		t.Fatalf("the user got %d messages, want 2", got)
	}
}

func TestKilledBetweenFetchAndHandleLosesNothing(t *testing.T) {
	h := newHarness(t)
	users := []fake.User{user(1101, "ru"), user(1102, "en"), user(1103, "kk")}
	for i := range 3 {
		for _, u := range users {
			h.tg.SendText(u, fmt.Sprintf("message %d", i))
		}
	}

	// Run only the intake: updates are fetched, kept and confirmed, and then
	// the process dies before any handler runs.
	b := New(h.cfg, h.db, discardLog())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.intake.Run(ctx) }()
	h.waitFor("the intake to keep and confirm every update", 10*time.Second, func() bool { return h.tg.Unconfirmed() == 0 })
	cancel()
	<-done

	var kept, sent int
	h.query(&kept, `SELECT count(*) FROM inbox WHERE handled_at IS NULL`)
	h.query(&sent, `SELECT count(*) FROM outbox`)
	if kept != 9 || sent != 0 {
		t.Fatalf("after the crash: %d unhandled updates kept and %d calls queued, want 9 and 0", kept, sent)
	}

	h.start()
	for _, u := range users {
		h.waitBotMessages(u.ID, 3)
	}
	h.waitIdle()
	var handled int
	h.query(&handled, `SELECT count(*) FROM inbox WHERE handled_at IS NOT NULL`)
	if handled != 9 {
		t.Fatalf("%d updates handled after restart, want 9", handled)
	}
}

func TestConversationSurvivesRestart(t *testing.T) {
	h := newHarness(t)
	h.start()
	ent := user(1201, "ru")

	h.tg.SendText(ent, "/start")
	ask := h.waitBotMessages(ent.ID, 1)[0]
	h.waitIdle()
	h.stop()

	h.start()
	h.tg.SendText(ent, "привет")
	msgs := h.waitBotMessages(ent.ID, 3)
	if msgs[1].Text != T("ru", "use_buttons") || msgs[2].Text != T("ru", "choose_language") || len(msgs[2].Buttons()) != 3 {
		t.Fatalf("after restart the bot said %q then %q, want the language question again", msgs[1].Text, msgs[2].Text)
	}
	data, _ := ask.Button("Қазақша")
	h.tg.Press(ent, &ask, data)
	h.waitFor("the privacy notice in Kazakh", 20*time.Second, func() bool {
		now, _ := h.tg.Message(ent.ID, ask.MessageID)
		return strings.Contains(now.Text, firstLine(plain(T("kk", "consent_notice", 30))))
	})
}

func TestPanickingHandlerDoesNotStopTheLoop(t *testing.T) {
	const moderator = 1300
	h := newHarness(t, moderator)
	h.agreed(moderator, 1302)
	// Wrap the real handler so that one message always panics.
	var mu sync.Mutex
	calls := 0
	h.wrap = func(b *Bot) {
		real := b.handleUpdate
		b.handleUpdate = func(ctx context.Context, tx *storage.Tx, u *tgbotapi.Update, recent int) error {
			if u.Message != nil && u.Message.Text == "boom" {
				mu.Lock()
				calls++
				mu.Unlock()
				panic("handler bug")
			}
			return real(ctx, tx, u, recent)
		}
	}
	h.start()
	ent, other := user(1301, "en"), user(1302, "en")

	h.tg.SendText(ent, "boom")
	h.tg.SendText(ent, "/help")   // same chat: waits for the panicking update, then goes on
	h.tg.SendText(other, "/help") // another chat: not held up at all
	h.waitBotMessages(other.ID, 1)
	msgs := h.waitBotMessages(ent.ID, 2)
	if msgs[0].Text != T("en", "error") || !strings.HasPrefix(msgs[1].Text, "Commands") {
		t.Fatalf("the user got %q then %q, want an apology then the help", msgs[0].Text, msgs[1].Text)
	}
	// Taken in a batch with the other chat's update, it panics once more:
	// that try is rolled back with the batch, and counts as no attempt.
	mu.Lock()
	if calls != dispatch.MaxAttempts && calls != dispatch.MaxAttempts+1 {
		t.Errorf("the panicking update was tried %d times, want %d, or one more in a batch", calls, dispatch.MaxAttempts)
	}
	mu.Unlock()

	var parked string
	h.query(&parked, `SELECT string_agg(attempts::text, ',') FROM inbox WHERE parked_at IS NOT NULL AND last_error LIKE 'panic: handler bug%'`)
	if parked != strconv.Itoa(dispatch.MaxAttempts) {
		t.Fatalf("updates parked with the panic after attempts %q, want one after %d", parked, dispatch.MaxAttempts)
	}
	mod := fake.User{ID: moderator, FirstName: "Mod", LanguageCode: "en"}
	h.tg.SendText(mod, "/parked")
	list := h.waitBotMessages(moderator, 1)[0]
	if !strings.Contains(list.Text, "panic: handler bug") {
		t.Fatalf("/parked showed %q, want the parked update with its error", list.Text)
	}
	h.tg.SendText(other, "/parked")
	if got := h.waitBotMessages(other.ID, 2)[1].Text; got != T("en", "moderators_only") {
		t.Fatalf("/parked by a non-moderator answered %q", got)
	}
}

func TestBlockedChatIsMarkedAndDoesNotBlockOthers(t *testing.T) {
	h := newHarness(t)
	h.start()
	blocked, fine := user(1401, "en"), user(1402, "en")
	h.tg.Block(blocked.ID)

	h.tg.SendText(blocked, "/help")
	h.tg.SendText(blocked, "/help")
	h.tg.SendText(fine, "/help")
	h.waitBotMessages(fine.ID, 1)
	h.waitIdle()

	var since *time.Time
	h.query(&since, `SELECT unreachable_since FROM users WHERE id = $1`, blocked.ID)
	if since == nil {
		t.Fatal("the user who blocked the bot is not marked unreachable")
	}
	var failed int
	h.query(&failed, `SELECT count(*) FROM outbox WHERE chat_id = $1 AND status = 'failed' AND last_error LIKE '%403%blocked%'`, blocked.ID)
	if failed != 2 {
		t.Fatalf("%d messages to the blocked chat failed with 403, want 2", failed)
	}
}

func TestFloodStormEndsWithEverythingDelivered(t *testing.T) {
	h := newHarnessAtTelegramPace(t)
	// For three seconds Telegram answers every send with 429, retry after 2 s.
	h.tg.AddFault(fake.Fault{Method: "sendMessage", Status: 429, RetryAfter: 2, Until: time.Now().Add(3 * time.Second)})
	h.start()

	var users []fake.User
	for i := range 40 {
		users = append(users, user(int64(1500+i), "en"))
	}
	for range 3 {
		for _, u := range users {
			h.tg.SendText(u, "/help")
		}
	}
	for _, u := range users {
		h.waitBotMessages(u.ID, 3)
	}
	h.waitIdle()

	st := h.tg.Stats()
	if st.Injected == 0 {
		t.Fatal("the storm never hit the bot")
	}
	if st.RateLimited != 0 {
		t.Fatalf("the bot went over Telegram's limits %d times: %q", st.RateLimited, st.Limited)
	}
	// A connection for each call in flight and one for getUpdates, reused
	// from call to call: each new one would be a TLS handshake with Telegram.
	if want := h.bot.cfg.SendInFlight + 1; st.Connections > want {
		t.Errorf("the bot opened %d connections for %d calls, want at most %d", st.Connections, st.Requests, want)
	}
	// Check the limits on the server's own log, independently of its enforcement.
	perChat := map[int64][]time.Time{}
	var all []time.Time
	for _, r := range h.tg.Requests() {
		if r.Method != "sendMessage" || r.Status != 200 {
			continue
		}
		var chat int64
		fmt.Sscan(r.Params["chat_id"], &chat)
		perChat[chat] = append(perChat[chat], r.At)
		all = append(all, r.At)
	}
	if n := maxInWindow(all, time.Second); n > 30 {
		t.Errorf("%d messages in one second overall, Telegram allows 30", n)
	}
	for chat, at := range perChat {
		if len(at) != 3 {
			t.Errorf("chat %d got %d messages, want 3", chat, len(at))
		}
		if n := maxInWindow(at, time.Second); n > 3 {
			t.Errorf("chat %d got %d messages within one second", chat, n)
		}
	}
	var retried int
	h.query(&retried, `SELECT count(*) FROM outbox WHERE attempts > 1 AND status = 'sent'`)
	if retried == 0 {
		t.Error("no message was retried after a 429")
	}
}

func TestOutageEndsWithEverythingDeliveredInOrder(t *testing.T) {
	h := newHarness(t)
	h.cfg.SendTimeout = 300 * time.Millisecond
	now := time.Now()
	// Two seconds of 502s, then two seconds in which Telegram does not answer.
	h.tg.AddFault(fake.Fault{Method: "sendMessage", Status: 502, Until: now.Add(2 * time.Second)})
	h.tg.AddFault(fake.Fault{Method: "sendMessage", Delay: time.Second, Until: now.Add(4 * time.Second)})
	h.start()

	ent := user(1601, "en")
	h.tg.SendText(ent, "/start")
	h.tg.SendText(ent, "/help")
	h.tg.SendText(ent, "/language")
	h.waitBotMessages(ent.ID, 3)
	h.waitIdle()
	msgs := h.tg.BotMessages(ent.ID)
	if time.Since(now) < 2*time.Second {
		t.Fatal("the outage did not delay anything")
	}
	// A call that timed out may have reached Telegram: at most one double per
	// call that timed out, but never out of order.
	var texts []string
	for _, m := range msgs {
		if len(texts) == 0 || texts[len(texts)-1] != m.Text {
			texts = append(texts, m.Text)
		}
	}
	want := []string{T("en", "choose_language"), "", T("en", "choose_language")}
	if len(texts) != 3 || texts[0] != want[0] || !strings.HasPrefix(texts[1], "Commands") || texts[2] != want[2] {
		t.Fatalf("messages arrived as %q, want the three replies in order", texts)
	}
}

func maxInWindow(at []time.Time, d time.Duration) int {
	best := 0
	for i := range at {
		n := 0
		for j := i; j < len(at) && at[j].Sub(at[i]) < d; j++ {
			n++
		}
		best = max(best, n)
	}
	return best
}

func TestTokenNeverLogged(t *testing.T) {
	h := newHarness(t)
	// Nothing listens on port 1: every call fails with a network error that
	// quotes the URL, token included.
	h.cfg.Endpoint = "http://127.0.0.1:1/bot%s/%s"
	h.start()
	h.waitFor("the bot to log that Telegram is unreachable", 10*time.Second, func() bool {
		logs := h.logs.String()
		return strings.Contains(logs, "telegram unreachable") && strings.Contains(logs, "sender: will retry")
	})
	h.stop()
	logs := h.logs.String()
	if strings.Contains(logs, h.tg.Token) {
		t.Fatalf("the token appears in the log:\n%s", logs)
	}
	secret := h.tg.Token[strings.IndexByte(h.tg.Token, ':')+1:]
	if strings.Contains(logs, secret) {
		t.Fatalf("the token's secret part appears in the log")
	}
	if !strings.Contains(logs, "<token>") {
		t.Fatalf("expected the redacted URL in the log, got:\n%s", logs)
	}
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestUserBlockingTheBotIsNoted(t *testing.T) {
	h := newHarness(t)
	h.start()
	ent := user(1701, "en")
	h.tg.SendText(ent, "/start")
	h.waitBotMessages(ent.ID, 1)

	member := func(status string) map[string]any {
		return map[string]any{
			"chat": map[string]any{"id": ent.ID, "type": "private", "first_name": ent.FirstName},
			"from": ent, "date": time.Now().Unix(),
			"old_chat_member": map[string]any{"user": fake.BotUser, "status": "member"},
			"new_chat_member": map[string]any{"user": fake.BotUser, "status": status, "until_date": 0},
		}
	}
	reachable := func() bool {
		var since *time.Time
		h.query(&since, `SELECT unreachable_since FROM users WHERE id = $1`, ent.ID)
		return since == nil
	}
	h.tg.PushUpdate("my_chat_member", member("kicked"))
	h.waitIdle()
	if reachable() {
		t.Fatal("a user who blocked the bot is still marked reachable")
	}
	h.tg.PushUpdate("my_chat_member", member("member"))
	h.waitIdle()
	if !reachable() {
		t.Fatal("a user who unblocked the bot is still marked unreachable")
	}
}

// A reply queued while the chat's previous call is in flight goes as soon
// as that call is done, not at the sender's next look for calls it was not
// told of (a second later).
func TestReplyQueuedBehindACallInFlightGoesWhenItIsDone(t *testing.T) {
	h := newHarness(t)
	h.start()
	u := user(1801, "en")
	h.tg.AddFault(fake.Fault{Method: "sendMessage", ChatID: u.ID, Late: 200 * time.Millisecond, Count: 1})
	h.tg.SendText(u, "/help")
	h.waitBotMessages(u.ID, 1) // carried out; Telegram's answer is held back
	h.tg.SendText(u, "/help")
	msgs := h.waitBotMessages(u.ID, 2)
	if gap := msgs[1].At.Sub(msgs[0].At); gap > 750*time.Millisecond {
		t.Fatalf("the second reply went %v after the first, whose answer took 200ms", gap)
	}
}
