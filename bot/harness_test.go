package bot

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/sender"
	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/bot/telegram/telegramtest"
	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

// harness runs a real bot against the fake Telegram server and a database
// of the test's own.
type harness struct {
	t    *testing.T
	tg   *fake.Server
	db   *storage.DB
	dsn  string
	cfg  Config
	logs *syncBuffer

	bot    *Bot
	wrap   func(*Bot) // if not nil, called on each new bot before it runs
	cancel context.CancelFunc
	done   chan error
}

// newHarness makes a harness whose bot keeps to a fake Telegram with each
// chat's pace scaled up (telegramtest.Limits), the bot's pace with it. Its
// test runs in parallel with the others: each has a database and a fake
// Telegram of its own.
func newHarness(t *testing.T, moderators ...int64) *harness {
	t.Helper()
	t.Parallel()
	return newHarnessWith(t, telegramtest.Limits, paced(sender.TelegramLimits.ChatsFaster(telegramtest.Speedup)), moderators)
}

// newHarnessAtTelegramPace makes a harness with Telegram's own limits, for
// tests of the limits. Its test runs in parallel with the others too.
func newHarnessAtTelegramPace(t *testing.T, moderators ...int64) *harness {
	t.Helper()
	t.Parallel()
	return newHarnessWith(t, fake.TelegramLimits, paced(sender.TelegramLimits), moderators)
}

// paced is the bot's limits among other tests on two cores, where calls
// 34 ms apart can reach the fake bunched, a late one beside the next:
// 25 calls a second overall leaves room for that under Telegram's 30.
func paced(l sender.Limits) sender.Limits {
	l.Global = 25
	return l
}

func newHarnessWith(t *testing.T, tgLimits fake.Limits, botLimits sender.Limits, moderators []int64) *harness {
	t.Helper()
	db, dsn := storagetest.NewDB(t)
	tg := telegramtest.StartWith(t, tgLimits)
	h := &harness{t: t, tg: tg, db: db, dsn: dsn, logs: &syncBuffer{}}
	h.cfg = Config{
		Token: tg.Token, Endpoint: tg.Endpoint(),
		ModeratorIDs: moderators, PollTimeout: time.Second, RetryBase: 20 * time.Millisecond,
		Limits: botLimits,
	}
	t.Cleanup(func() {
		if h.cancel != nil {
			h.stop()
		}
		if t.Failed() {
			t.Logf("bot log:\n%s", h.logs.String())
			for _, id := range h.tg.ChatIDs() {
				var lines []string
				for _, m := range h.tg.Messages(id) {
					who := "user"
					if m.Method != "" {
						who = "bot"
					}
					lines = append(lines, fmt.Sprintf("  %d %s %s: %q", m.MessageID, m.At.Format("15:04:05.000"), who, m.Text+m.Caption))
				}
				t.Logf("chat %d:\n%s", id, strings.Join(lines, "\n"))
			}
		}
	})
	return h
}

// start runs a new bot process, as after a restart.
func (h *harness) start() *Bot {
	h.t.Helper()
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.bot = New(h.cfg, h.db, log)
	if h.wrap != nil {
		h.wrap(h.bot)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- h.bot.Run(ctx) }()
	return h.bot
}

// stop shuts the bot down as SIGTERM would and checks that it is quick.
func (h *harness) stop() {
	h.t.Helper()
	start := time.Now()
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
		if took := time.Since(start); took > 5*time.Second {
			h.t.Errorf("shutdown took %v, want a few seconds at most", took)
		}
	case <-time.After(15 * time.Second):
		h.t.Fatal("bot did not stop within 15s of being asked to")
	}
}

// waitFor fails the test unless cond holds within the timeout.
func (h *harness) waitFor(what string, timeout time.Duration, cond func() bool) {
	h.t.Helper()
	if !h.tg.WaitFor(timeout, cond) {
		h.t.Fatalf("timed out after %v waiting for %s", timeout, what)
	}
}

// waitBotMessages waits until the bot has sent at least n messages to a
// chat and returns them all.
func (h *harness) waitBotMessages(chatID int64, n int) []fake.Message {
	h.t.Helper()
	var msgs []fake.Message
	h.waitFor("bot messages", 20*time.Second, func() bool {
		msgs = h.tg.BotMessages(chatID)
		return len(msgs) >= n
	})
	return msgs
}

// waitIdle waits until every update is handled or parked and every
// outgoing call is sent or failed.
func (h *harness) waitIdle() {
	h.t.Helper()
	h.waitFor("the bot to be idle", 30*time.Second, func() bool {
		// Telegram first: the bot confirms an update only once it is in the
		// inbox, so an update confirmed before the query is seen by it.
		if h.tg.Unconfirmed() != 0 {
			return false
		}
		var pending int
		h.query(&pending, `SELECT (SELECT count(*) FROM inbox WHERE handled_at IS NULL AND parked_at IS NULL)
			+ (SELECT count(*) FROM outbox WHERE status = 'pending')`)
		return pending == 0
	})
}

// agreed records that users agreed to the privacy notice, for tests of
// something else than the notice.
func (h *harness) agreed(ids ...int64) {
	h.t.Helper()
	for _, id := range ids {
		_, err := h.db.SQL().Exec(`INSERT INTO users (id, consent_version, consented_at) VALUES ($1, $2, now())
			ON CONFLICT (id) DO UPDATE SET consent_version = $2, consented_at = now()`, id, PrivacyVersion)
		if err != nil {
			h.t.Fatal(err)
		}
	}
}

// query runs a one-value query against the test's database.
func (h *harness) query(dest any, q string, args ...any) {
	h.t.Helper()
	if err := h.db.SQL().QueryRow(q, args...).Scan(dest); err != nil {
		h.t.Fatalf("query %q: %v", q, err)
	}
}

func user(id int64, lang string) fake.User {
	return fake.User{ID: id, FirstName: "User" + lang, LanguageCode: lang}
}

// syncBuffer is a log sink that tests can read while the bot writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
