package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/bot/telegram/telegramtest"
	"github.com/atameken/expertbot/storage/storagetest"
)

// freeAddr returns a loopback address with a port nobody listens on, for
// a process the test starts. The port is below the range the kernel hands
// out for outgoing connections and for :0, so that nothing else running
// meanwhile (the tests' own HTTP clients above all) takes it before the
// process binds it.
func freeAddr(t *testing.T) string {
	t.Helper()
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		fmt.Sscan(string(b), &low)
	}
	for range 100 {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(10000+rand.IntN(max(low-10000, 1000))))
		if ln, err := net.Listen("tcp", addr); err == nil {
			ln.Close()
			return addr
		}
	}
	t.Fatal("no free port below the ephemeral range")
	return ""
}

// metric reads one sample from a /metrics page, 0 when it is absent.
func metric(t *testing.T, addr, sample string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), sample+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("sample %s: %v", sample, err)
			}
			return f
		}
	}
	return 0
}

func httpStatus(t *testing.T, method, url string, body io.Reader, header map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestWebhook runs the bot in webhook mode: a request without the secret
// gets 401 and leaves no row, real updates posted by the fake Telegram are
// answered, /metrics shows the counters moving and /readyz is ready.
func TestWebhook(t *testing.T) {
	t.Parallel()
	tg := telegramtest.Start(t)
	dsn := storagetest.NewDatabase(t)
	addr := freeAddr(t)
	hook := "http://" + addr + "/telegram/hook"
	env := []string{
		"DATABASE_URL=" + dsn, "TELEGRAM_TOKEN=" + tg.Token, "TELEGRAM_API_ENDPOINT=" + tg.Endpoint(),
		"HTTP_ADDR=" + addr, "WEBHOOK_URL=" + hook, "WEBHOOK_SECRET=s3cret_Token-1", "LOG_LEVEL=warn",
	}
	var logs bytes.Buffer
	p := startProcess(t, env, &logs)
	defer func() {
		if t.Failed() {
			t.Logf("bot logs:\n%s", logs.String())
		}
	}()
	if !tg.WaitFor(15*time.Second, func() bool { return tg.Webhook() == hook }) {
		t.Fatalf("the webhook was not set (got %q)", tg.Webhook())
	}

	forged := `{"update_id":424242,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"from":{"id":1,"is_bot":false,"first_name":"X"},"text":"/start"}}`
	for _, header := range []map[string]string{nil, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {"X-Telegram-Bot-Api-Secret-Token": "s3cret_Token-"}} {
		if got := httpStatus(t, "POST", hook, strings.NewReader(forged), header); got != http.StatusUnauthorized {
			t.Errorf("a request with secret header %v got %d, want 401", header, got)
		}
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	db.QueryRow(`SELECT count(*) FROM inbox`).Scan(&rows)
	if rows != 0 {
		t.Fatalf("%d inbox rows after unauthorised requests, want none", rows)
	}

	before := metric(t, addr, `expertbot_updates_received_total{type="message"}`)
	const users = 5
	for i := range users {
		tg.SendText(fake.User{ID: int64(7000 + i), FirstName: "U", LanguageCode: "en"}, "/help")
	}
	if !tg.WaitFor(30*time.Second, func() bool {
		n := 0
		for i := range users {
			n += len(tg.BotMessages(int64(7000 + i)))
		}
		return n == users
	}) {
		t.Fatal("the webhook's updates were not answered")
	}
	if after := metric(t, addr, `expertbot_updates_received_total{type="message"}`); after-before != users {
		t.Errorf("updates received moved from %v to %v, want +%d", before, after, users)
	}
	if sent := metric(t, addr, `expertbot_telegram_calls_total{method="sendMessage"}`); sent < users {
		t.Errorf("sendMessage calls %v, want at least %d", sent, users)
	}
	if handled := metric(t, addr, `expertbot_updates_handled_total{type="message"}`); handled != users {
		t.Errorf("updates handled %v, want %d", handled, users)
	}
	if got := httpStatus(t, "GET", "http://"+addr+"/readyz", nil, nil); got != http.StatusOK {
		t.Errorf("/readyz answered %d, want 200", got)
	}
	if st := tg.Stats(); st.Posts < users {
		t.Errorf("the fake Telegram posted %d updates to the webhook, want %d", st.Posts, users)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}
