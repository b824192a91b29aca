package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/bot/telegram/telegramtest"
	"github.com/atameken/expertbot/storage/storagetest"
)

func TestParseConfig(t *testing.T) {
	valid := map[string]string{"TELEGRAM_TOKEN": "123:abc"}
	tests := []struct {
		name string
		env  map[string]string
		want string // in the error; "" for none
	}{
		{"OK", valid, ""},
		{"ErrTokenMissing", map[string]string{}, "TELEGRAM_TOKEN"},
		{"ErrTokenMalformed", map[string]string{"TELEGRAM_TOKEN": "abc"}, "TELEGRAM_TOKEN"},
		{"ErrModeratorIDs", map[string]string{"TELEGRAM_TOKEN": "1:a", "MODERATOR_IDS": "12, x"}, "MODERATOR_IDS"},
		{"ErrEndpoint", map[string]string{"TELEGRAM_TOKEN": "1:a", "TELEGRAM_API_ENDPOINT": "http://x/"}, "TELEGRAM_API_ENDPOINT"},
		{"ErrHTTPAddr", map[string]string{"TELEGRAM_TOKEN": "1:a", "HTTP_ADDR": "8080"}, "HTTP_ADDR"},
		{"ErrLogLevel", map[string]string{"TELEGRAM_TOKEN": "1:a", "LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"ErrPremoderation", map[string]string{"TELEGRAM_TOKEN": "1:a", "PREMODERATION": "maybe"}, "PREMODERATION"},
		{"ErrTakeTimeout", map[string]string{"TELEGRAM_TOKEN": "1:a", "TAKE_TIMEOUT": "1 day"}, "TAKE_TIMEOUT"},
		{"ErrSendTimeout", map[string]string{"TELEGRAM_TOKEN": "1:a", "SEND_TIMEOUT": "0s"}, "SEND_TIMEOUT"},
		{"ErrSendChatRate", map[string]string{"TELEGRAM_TOKEN": "1:a", "SEND_CHAT_RATE": "fast"}, "SEND_CHAT_RATE"},
		{"ErrSendChatBurst", map[string]string{"TELEGRAM_TOKEN": "1:a", "SEND_CHAT_BURST": "0.5"}, "SEND_CHAT_BURST"},
		{"ErrPprofPublic", map[string]string{"TELEGRAM_TOKEN": "1:a", "PPROF_ADDR": ":6060"}, "PPROF_ADDR"},
		{"ErrPprofAnyAddress", map[string]string{"TELEGRAM_TOKEN": "1:a", "PPROF_ADDR": "0.0.0.0:6060"}, "PPROF_ADDR"},
		{"PprofLoopback", map[string]string{"TELEGRAM_TOKEN": "1:a", "PPROF_ADDR": "127.0.0.1:6060"}, ""},
		{"PprofLocalhost", map[string]string{"TELEGRAM_TOKEN": "1:a", "PPROF_ADDR": "localhost:6060"}, ""},
		{"ErrRetentionShort", map[string]string{"TELEGRAM_TOKEN": "1:a", "RETENTION": "1h"}, "RETENTION"},
		{"ErrPrivacyURL", map[string]string{"TELEGRAM_TOKEN": "1:a", "PRIVACY_URL": "http://plain.example/privacy"}, "PRIVACY_URL"},
		{"ErrMetricsAddr", map[string]string{"TELEGRAM_TOKEN": "1:a", "METRICS_ADDR": "9100"}, "METRICS_ADDR"},
		{"ZoneName", map[string]string{"TELEGRAM_TOKEN": "1:a", "TIME_ZONE": "Asia/Almaty"}, ""},
		{"ZoneOffset", map[string]string{"TELEGRAM_TOKEN": "1:a", "TIME_ZONE": "UTC+6"}, ""},
		{"ErrZoneOffset", map[string]string{"TELEGRAM_TOKEN": "1:a", "TIME_ZONE": "UTC+25"}, "TIME_ZONE"},
		{"ErrZoneName", map[string]string{"TELEGRAM_TOKEN": "1:a", "TIME_ZONE": "Almaty"}, "TIME_ZONE"},
		{"ErrZoneLocal", map[string]string{"TELEGRAM_TOKEN": "1:a", "TIME_ZONE": "Local"}, "TIME_ZONE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(func(k string) string { return tt.env[k] }, true)
			if tt.want == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
	c, err := parseConfig(func(k string) string {
		return map[string]string{"TELEGRAM_TOKEN": "1:a", "MODERATOR_IDS": " 5, 6 ,"}[k]
	}, true)
	if err != nil || len(c.ModeratorIDs) != 2 || c.ModeratorIDs[1] != 6 || c.HTTPAddr != ":8080" ||
		!c.Premoderation || c.TakeTimeout != 24*time.Hour || c.AnswerTimeout != 72*time.Hour ||
		c.SendTimeout != 15*time.Second || c.SendChatRate != 1 || c.SendChatBurst != 2 || c.Zone != bot.Kazakhstan {
		t.Fatalf("parseConfig = %+v, %v", c, err)
	}
}

func TestMigrateNeedsNoToken(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewDatabase(t)
	var stderr bytes.Buffer
	env := map[string]string{"DATABASE_URL": dsn}
	for range 2 { // the second run finds nothing to do
		if err := run(context.Background(), []string{"expertbot", "migrate"}, func(k string) string { return env[k] }, &stderr); err != nil {
			t.Fatalf("migrate: %v\n%s", err, stderr.String())
		}
	}
}

// buildBinary builds expertbot once for the tests that run it as a process,
// unless scripts/test built it for every package (EXPERTBOT_BIN).
var buildBinary = sync.OnceValues(func() (string, error) {
	if bin := os.Getenv("EXPERTBOT_BIN"); bin != "" {
		return bin, nil
	}
	dir, err := os.MkdirTemp("", "expertbot-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "expertbot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// process is expertbot running as a real process.
type process struct {
	cmd  *exec.Cmd
	logs *bytes.Buffer
	done chan error
}

func startProcess(t *testing.T, env []string, logs *bytes.Buffer) *process {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: logs, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return p
}

// TestKillNineLosesNothing kills the bot with SIGKILL at random moments
// while a stream of updates comes in, restarts it each time, and checks
// that every update was handled exactly once and every reply delivered.
func TestKillNineLosesNothing(t *testing.T) {
	t.Parallel()
	tg := telegramtest.Start(t)
	dsn := storagetest.NewDatabase(t)
	env := botEnv(tg, dsn)
	var logs bytes.Buffer // written by one process at a time
	defer func() {
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	}()

	const users, perUser = 20, 10
	const total = users * perUser
	var us []fake.User
	for i := range users {
		us = append(us, fake.User{ID: int64(5000 + i), FirstName: "U", LanguageCode: "en"})
	}
	p := startProcess(t, env, &logs)
	go func() {
		for range perUser {
			for _, u := range us {
				tg.SendText(u, "/help")
			}
			time.Sleep(250 * time.Millisecond)
		}
	}()

	const kills = 4
	for range kills {
		time.Sleep(time.Duration(300+rand.IntN(900)) * time.Millisecond)
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		p = startProcess(t, env, &logs)
	}

	delivered := func() int {
		n := 0
		for _, u := range us {
			n += len(tg.BotMessages(u.ID))
		}
		return n
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pending := func() int {
		var n int
		db.QueryRow(`SELECT count(*) FROM outbox WHERE status = 'pending'`).Scan(&n)
		return n
	}
	if !tg.WaitFor(90*time.Second, func() bool { return delivered() >= total && tg.Unconfirmed() == 0 && pending() == 0 }) {
		t.Fatalf("only %d of %d replies delivered, %d calls pending", delivered(), total, pending())
	}

	// A graceful stop: SIGTERM, exit 0 within a few seconds.
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("stopping took %v", took)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the bot did not stop within 15s of SIGTERM")
	}

	var handled, effects, unsent int
	db.QueryRow(`SELECT count(*) FROM inbox WHERE handled_at IS NOT NULL`).Scan(&handled)
	db.QueryRow(`SELECT count(*) FROM outbox WHERE method = 'sendMessage'`).Scan(&effects)
	db.QueryRow(`SELECT count(*) FROM outbox WHERE status <> 'sent'`).Scan(&unsent)
	duplicated := delivered() - total
	t.Logf("updates sent %d, handled %d, effects %d, replies delivered %d, duplicated %d, lost %d, kills %d",
		total, handled, effects, delivered(), duplicated, total-handled, kills)
	if handled != total || effects != total {
		t.Errorf("%d updates handled with %d replies queued, want exactly %d of each", handled, effects, total)
	}
	if unsent != 0 {
		t.Errorf("%d calls not sent", unsent)
	}
	// Telegram has no idempotent send: a call made but not yet recorded when
	// the process dies is made again, so each kill may double at most the
	// calls in flight, one per chat (4 at once by default).
	if duplicated > kills*4 {
		t.Errorf("%d replies delivered twice, want at most %d (the calls in flight at %d kills)", duplicated, kills*4, kills)
	}
	var outOfOrder int
	db.QueryRow(`SELECT count(*) FROM inbox a JOIN inbox b ON a.chat_id = b.chat_id
		AND a.update_id < b.update_id AND a.handled_at > b.handled_at`).Scan(&outOfOrder)
	if outOfOrder != 0 {
		t.Errorf("%d pairs of one chat's updates were handled out of order", outOfOrder)
	}
}
