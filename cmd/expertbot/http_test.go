package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/localpg"
)

// DATABASE_URL's password never shows in what the bot says, however the
// URL is wrong.
func TestDatabaseURLNeverShown(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-pw"
	for _, dsn := range []string{
		"postgres://alice:" + secret + "@127.0.0.1:1/db?sslmode=disable",
		"postgres://alice:" + secret + "@[::1/db",
		"postgres://alice:" + secret + "@127.0.0.1:1/db?sslmode=nonsense",
		"host=127.0.0.1 port=1 user=alice password=" + secret + " dbname=x sslmode=disable",
		"host=127.0.0.1 port=1 user=alice password='" + secret + "' dbname=x bogus=1",
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"expertbot", "migrate"}, func(k string) string {
			return map[string]string{"DATABASE_URL": dsn}[k]
		}, &stderr)
		if err == nil {
			t.Fatalf("%q: no error", dsn)
		}
		if strings.Contains(err.Error()+stderr.String(), secret) {
			t.Errorf("the password shows: %v\n%s", err, stderr.String())
		}
	}
}

// /readyz says what is wrong without the database's host or user.
func TestReadyzNamesNoHost(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "expertbot-readyz-pg") // PostgreSQL's user must reach it
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	ctx := context.Background()
	pg, err := localpg.Start(ctx, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop()
	db, err := storage.Open(ctx, pg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := &config{HTTPAddr: "127.0.0.1:0", Token: "1:a"}
	b := bot.New(bot.Config{Token: "1:a", Endpoint: "http://127.0.0.1:1/bot%s/%s"}, db, slog.New(slog.DiscardHandler))
	srvs, err := serveHTTP(cfg, b, db, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srvs.Close()
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + srvs.Addr() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	host := dir
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "database") ||
		strings.Contains(string(body), host) || strings.Contains(string(body), "postgres") {
		t.Fatalf("/readyz answered %d %q, want 503 naming the database but not %q nor its user", resp.StatusCode, body, host)
	}
}

// The HTTP server times requests out, and with METRICS_ADDR serves
// /metrics and /readyz only there, not beside a public webhook.
func TestMetricsOnAnInternalAddress(t *testing.T) {
	t.Parallel()
	_, getenv := migrated(t)
	ctx := context.Background()
	db, err := storage.Open(ctx, getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := &config{HTTPAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", Token: "1:a"}
	b := bot.New(bot.Config{Token: "1:a"}, db, slog.New(slog.DiscardHandler))
	srvs, err := serveHTTP(cfg, b, db, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srvs.Close()
	get := func(addr, path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(srvs.Addr(), "/metrics"); got != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %d, want 404", got)
	}
	if got := get(srvs.Addr(), "/healthz"); got != http.StatusOK {
		t.Errorf("/healthz on the public address: %d", got)
	}
	if got := get(srvs.MetricsAddr(), "/metrics"); got != http.StatusOK {
		t.Errorf("/metrics on the internal address: %d", got)
	}
	for _, s := range srvs.servers {
		if s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.ReadHeaderTimeout <= 0 {
			t.Errorf("the server on %s has no timeouts: read %v, write %v, idle %v", s.Addr, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout)
		}
	}
}
