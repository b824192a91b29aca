package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/atameken/expertbot/bot/console"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/bot/sandbox"
	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/localpg"
)

// sandboxCommand runs the bot against the fake Telegram server of the
// tests, in this process, with the demonstration network loaded, and
// serves the web chat on HTTP_ADDR. It never contacts Telegram.
func sandboxCommand(ctx context.Context, cfg *config, db *storage.DB, log *slog.Logger, stderr io.Writer) error {
	if err := sandbox.LoadDemo(ctx, db, cfg.PrivacyVersion); err != nil {
		return err
	}
	// Telegram's limits, each chat's pace as fast as the bot's is set to
	// be (SEND_CHAT_RATE; Telegram's one a second unless it is set).
	tg := fake.New("100000:sandbox-"+rand.Text(), fake.TelegramLimits.ChatsFaster(cfg.SendChatRate))
	defer tg.Close()

	bc := botConfig(cfg)
	bc.Token, bc.Endpoint = tg.Token, tg.Endpoint()
	bc.WebhookURL = "" // the fake server is polled
	if bc.ConsoleURL == "" {
		bc.ConsoleURL = "http://" + cfg.HTTPAddr + console.Path
	}
	b := bot.New(bc, db, log)
	page := sandbox.New(tg, db, log)
	if !loopback(cfg.HTTPAddr) {
		// Told so: HTTP_ADDR names more than this machine.
		log.Warn("the sandbox is served beyond this machine: whoever reaches " + cfg.HTTPAddr +
			" can act as any of its personas; keep HTTP_ADDR on 127.0.0.1 unless that is what you want")
		page.AllowAnyHost()
	}
	srv, err := serveHTTP(cfg, b, db, page.Handler(), log)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(stderr, "\nexpertbot sandbox: open %s in a browser (no Telegram is contacted; Ctrl-C stops it)\n\n", pageURL(srv.Addr()))
	return b.Run(ctx)
}

// startLocalPostgres starts a throwaway PostgreSQL for the sandbox and
// returns its connection string and a function that stops and removes it.
func startLocalPostgres(ctx context.Context, log *slog.Logger) (string, func(), error) {
	dir, err := os.MkdirTemp("", "expertbot-sandbox-")
	if err != nil {
		return "", nil, err
	}
	log.Info("starting a throwaway PostgreSQL for the sandbox", "dir", dir)
	pg, err := localpg.Start(ctx, dir, false)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	stop := func() {
		if err := pg.Stop(); err != nil {
			log.Error("stop the sandbox's PostgreSQL", "err", err)
		}
		os.RemoveAll(dir)
	}
	return pg.DSN(), stop, nil
}

// pageURL is the address to open for a listening address.
func pageURL(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
