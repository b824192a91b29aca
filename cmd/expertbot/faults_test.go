package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/bot/telegram/telegramtest"
	"github.com/atameken/expertbot/storage/localpg"
	"github.com/atameken/expertbot/storage/storagetest"
)

// summary reports a fault test's counts in the test log and, when
// FAULT_SUMMARY names a file, there too, for scripts/test to print.
func summary(t *testing.T, format string, args ...any) {
	t.Helper()
	line := t.Name() + ": " + fmt.Sprintf(format, args...)
	t.Log(line)
	if path := os.Getenv("FAULT_SUMMARY"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
}

// stream is users sending the bot /help, each several times, and what
// came back.
type stream struct {
	tg            *fake.Server
	users         []fake.User
	perUser       int
	sent          atomic.Int64
	first, spread time.Duration
}

func newStream(tg *fake.Server, users, perUser int, base int64) *stream {
	s := &stream{tg: tg, perUser: perUser}
	for i := range users {
		s.users = append(s.users, fake.User{ID: base + int64(i), FirstName: "U", LanguageCode: "en"})
	}
	return s
}

// run sends every user's messages over about spread, in rounds.
func (s *stream) run(spread time.Duration) {
	pause := spread / time.Duration(s.perUser)
	for range s.perUser {
		for _, u := range s.users {
			s.tg.SendText(u, "/help")
			s.sent.Add(1)
		}
		time.Sleep(pause)
	}
}

func (s *stream) total() int { return len(s.users) * s.perUser }

// delivered counts the bot's replies.
func (s *stream) delivered() int {
	n := 0
	for _, u := range s.users {
		n += len(s.tg.BotMessages(u.ID))
	}
	return n
}

// check waits until every update is handled and every reply delivered, and
// returns the counts: handled updates, replies queued, duplicated replies.
func (s *stream) check(t *testing.T, db *sql.DB, timeout time.Duration) (handled, queued, duplicated int) {
	t.Helper()
	pending := func() int {
		var n int
		db.QueryRow(`SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&n)
		return n
	}
	if !s.tg.WaitFor(timeout, func() bool {
		return s.delivered() >= s.total() && s.tg.Unconfirmed() == 0 && pending() == 0
	}) {
		t.Fatalf("after %v: %d of %d replies delivered, %d updates unconfirmed, %d calls pending",
			timeout, s.delivered(), s.total(), s.tg.Unconfirmed(), pending())
	}
	db.QueryRow(`SELECT count(*) FROM inbox WHERE handled_at IS NOT NULL AND kind = 'message'`).Scan(&handled)
	db.QueryRow(`SELECT count(*) FROM outbox WHERE method = 'sendMessage'`).Scan(&queued)
	// In order per chat: updates handled in the order they came, and the
	// replies Telegram accepted in the order they were queued.
	var outOfOrder, sentOutOfOrder, failed int
	db.QueryRow(`SELECT count(*) FROM inbox a JOIN inbox b ON a.chat_id = b.chat_id
		AND a.update_id < b.update_id AND a.handled_at > b.handled_at`).Scan(&outOfOrder)
	db.QueryRow(`SELECT count(*) FROM outbox a JOIN outbox b ON a.chat_id = b.chat_id
		AND a.id < b.id AND a.sent_at > b.sent_at`).Scan(&sentOutOfOrder)
	db.QueryRow(`SELECT count(*) FROM outbox WHERE status = 'failed'`).Scan(&failed)
	if handled != s.total() || queued != s.total() {
		t.Errorf("%d updates handled with %d replies queued, want exactly %d of each", handled, queued, s.total())
	}
	if outOfOrder != 0 || sentOutOfOrder != 0 || failed != 0 {
		t.Errorf("pairs out of order in a chat: %d updates handled, %d replies sent; %d calls failed", outOfOrder, sentOutOfOrder, failed)
	}
	return handled, queued, s.delivered() - s.total()
}

// botEnv is the environment of a bot process talking to tg. Its chats are
// paced as telegramtest.Limits's are (a later SEND_CHAT_RATE in extra
// replaces it, for a server with Telegram's own limits), and it sends 25
// calls a second in all, as the bot's tests do among other tests on two
// cores, where calls 34 ms apart can reach the fake bunched.
func botEnv(tg *fake.Server, dsn string, extra ...string) []string {
	return append([]string{
		"DATABASE_URL=" + dsn, "TELEGRAM_TOKEN=" + tg.Token, "TELEGRAM_API_ENDPOINT=" + tg.Endpoint(),
		"HTTP_ADDR=127.0.0.1:0", "LOG_LEVEL=warn", "MODERATOR_IDS=",
		"SEND_CHAT_RATE=" + strconv.Itoa(telegramtest.Speedup), "SEND_RATE=25",
	}, extra...)
}

func openSQL(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestKillNineStream kills the bot with SIGKILL at random moments while
// 5,000 updates come in, restarting it each time. Every update is handled
// exactly once and every reply sent; with one call to Telegram in flight at
// a time, a kill doubles at most one reply.
func TestKillNineStream(t *testing.T) {
	t.Parallel()
	tg := fake.New("123:KILL-test", fake.Limits{})
	defer tg.Close()
	dsn := storagetest.NewDatabase(t)
	env := botEnv(tg, dsn, "SEND_RATE=2000", "SEND_CONCURRENCY=1")
	var logs bytes.Buffer
	defer func() {
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	}()

	s := newStream(tg, 500, 10, 100000)
	p := startProcess(t, env, &logs)
	go s.run(8 * time.Second)
	const kills = 5
	for range kills {
		time.Sleep(time.Duration(500+rand.IntN(1500)) * time.Millisecond)
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		p = startProcess(t, env, &logs)
	}
	handled, _, duplicated := s.check(t, openSQL(t, dsn), 3*time.Minute)
	summary(t, "updates sent %d, handled %d, duplicated %d, lost %d (%d kills)", s.sent.Load(), handled, duplicated, s.total()-handled, kills)
	if duplicated > kills {
		t.Errorf("%d replies doubled by %d kills, want at most one per kill", duplicated, kills)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
}

// privatePostgres starts a PostgreSQL server of the test's own, which it
// may restart. It returns the connection string and a function that
// restarts the server.
func privatePostgres(t *testing.T) (string, func()) {
	t.Helper()
	dir, err := os.MkdirTemp("", "expertbot-fault-pg")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	ctx := context.Background()
	pg, err := localpg.Start(ctx, dir, false)
	if err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pg.Stop()
		os.RemoveAll(dir)
	})
	restart := func() {
		if err := pg.Restart(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return pg.DSN(), restart
}

// TestPostgresRestart restarts PostgreSQL in the middle of a stream: the
// bot waits, reconnects, and loses nothing.
func TestPostgresRestart(t *testing.T) {
	t.Parallel()
	dsn, restart := privatePostgres(t)
	tg := fake.New("123:PG-test", fake.Limits{})
	defer tg.Close()
	var logs bytes.Buffer
	defer func() {
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	}()
	p := startProcess(t, botEnv(tg, dsn, "SEND_RATE=2000", "SEND_CONCURRENCY=1"), &logs)
	s := newStream(tg, 100, 10, 200000)
	done := make(chan struct{})
	go func() { s.run(6 * time.Second); close(done) }()
	time.Sleep(2 * time.Second)
	restart()
	<-done
	time.Sleep(time.Second)
	restart()
	handled, _, duplicated := s.check(t, openSQL(t, dsn), 2*time.Minute)
	summary(t, "updates sent %d, handled %d, duplicated %d, lost %d (2 database restarts)", s.sent.Load(), handled, duplicated, s.total()-handled)
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
}

// TestTelegramOutage: for twelve seconds Telegram answers 5xx, then does
// not answer at all, then storms with 429; afterwards everything is
// delivered, in order per chat. Each window is four seconds and a call
// times out after three (SEND_TIMEOUT), so that a hang outlasts
// the calls it meets, as Telegram's can.
func TestTelegramOutage(t *testing.T) {
	t.Parallel()
	// Not telegramtest.Start, which fails a test for any 429: here a few
	// are not the bot's doing (see below).
	tg := fake.New("123:OUTAGE-test", telegramtest.Limits)
	t.Cleanup(func() {
		tg.Close()
		for _, v := range tg.Problems() {
			t.Errorf("fake Telegram: %s", v)
		}
	})
	dsn := storagetest.NewDatabase(t)
	var logs bytes.Buffer
	defer func() {
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	}()
	const window = 4 * time.Second
	start := time.Now()
	tg.AddFault(fake.Fault{Method: "sendMessage", Status: 502, Until: start.Add(window)})
	tg.AddFault(fake.Fault{Method: "sendMessage", Delay: window, Until: start.Add(2 * window)})
	tg.AddFault(fake.Fault{Method: "sendMessage", Status: 429, RetryAfter: 2, Until: start.Add(3 * window)})
	p := startProcess(t, botEnv(tg, dsn, "SEND_TIMEOUT=3s"), &logs)

	s := newStream(tg, 30, 4, 300000)
	s.run(10 * time.Second)
	handled, _, duplicated := s.check(t, openSQL(t, dsn), 2*time.Minute)
	if time.Since(start) < 3*window {
		t.Fatal("everything was delivered during the outage: the faults did not bite")
	}
	st := tg.Stats()
	summary(t, "updates sent %d, handled %d, duplicated %d, lost %d (12 s of 502s, hangs and 429s: %d failures injected, %d organic 429s)",
		s.sent.Load(), handled, duplicated, s.total()-handled, st.Injected, st.RateLimited)
	// A call that timed out while Telegram hung was carried out all the same
	// and is sent again: the sender makes one call at a time while Telegram
	// does not answer, so that the hangs double a few calls at most rather
	// than every call in flight.
	if duplicated > 3 {
		t.Errorf("%d replies doubled, want at most 3", duplicated)
	}
	// A few organic 429s can happen here and are not the bot's doing: a call
	// that timed out while Telegram hung is still served when Telegram wakes,
	// unbeknown to the bot, and counts against the chat's limit. That the bot
	// then honours retry_after is checked by the fake server.
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
}

// TestTwoReplicasOneKilled runs two replicas in webhook mode behind a
// round-robin proxy; one is killed in the middle of a stream, and the other
// carries on receiving and sending, the two within Telegram's limits.
func TestTwoReplicasOneKilled(t *testing.T) {
	t.Parallel()
	tg := fake.New("123:REPLICA-test", fake.TelegramLimits)
	defer tg.Close()
	dsn := storagetest.NewDatabase(t)
	addrs := []string{freeAddr(t), freeAddr(t)}
	var next atomic.Int64
	proxies := make([]*httputil.ReverseProxy, len(addrs))
	for i, a := range addrs {
		u, _ := url.Parse("http://" + a)
		proxies[i] = httputil.NewSingleHostReverseProxy(u)
	}
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxies[next.Add(1)%int64(len(proxies))].ServeHTTP(w, r)
	}))
	defer lb.Close()

	var logs [2]bytes.Buffer
	defer func() {
		if t.Failed() {
			t.Logf("replica 0:\n%s\nreplica 1:\n%s", logs[0].String(), logs[1].String())
		}
	}()
	var ps [2]*process
	for i, a := range addrs {
		ps[i] = startProcess(t, botEnv(tg, dsn, "HTTP_ADDR="+a, "WEBHOOK_URL="+lb.URL+"/hook", "WEBHOOK_SECRET=replicas", "SEND_CHAT_RATE=1"), &logs[i])
	}
	if !tg.WaitFor(15*time.Second, func() bool { return tg.Webhook() != "" }) {
		t.Fatal("no replica set the webhook")
	}
	s := newStream(tg, 40, 5, 400000)
	done := make(chan struct{})
	go func() { s.run(5 * time.Second); close(done) }()
	time.Sleep(2 * time.Second)
	ps[0].cmd.Process.Signal(syscall.SIGKILL)
	<-ps[0].done
	<-done
	handled, _, duplicated := s.check(t, openSQL(t, dsn), 2*time.Minute)
	st := tg.Stats()
	summary(t, "updates sent %d, handled %d, duplicated %d, lost %d (one of two replicas killed; %d webhook posts, %d refused while it was down)",
		s.sent.Load(), handled, duplicated, s.total()-handled, st.Posts, st.PostsFailed)
	if st.RateLimited != 0 {
		t.Errorf("two replicas together went over Telegram's limits %d times: %q", st.RateLimited, st.Limited)
	}
	ps[1].cmd.Process.Signal(syscall.SIGTERM)
	if err := <-ps[1].done; err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
}
