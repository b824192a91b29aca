// Command expertbot runs the Telegram bot of the Atameken expert network.
//
//	expertbot [run]                      apply migrations, then serve (the default)
//	expertbot migrate                    apply migrations and exit
//	expertbot export --from --to --out   write the problems of a period as CSV
//	expertbot experts import FILE.csv    load a roster of experts
//	expertbot sandbox                    try the bot in a browser, with no Telegram
//
// Configuration comes from the environment; see the README.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/bot/sender"
	"github.com/atameken/expertbot/migrations"
	"github.com/atameken/expertbot/storage"
)

const usage = `usage:
  expertbot [run]                                   apply migrations, then serve
  expertbot migrate                                 apply migrations and exit
  expertbot export --from DATE --to DATE --out FILE write problems of a period as CSV
  expertbot experts import FILE.csv                 load a roster of experts
  expertbot sandbox                                 try the bot in a browser, with no Telegram:
                                                    a web chat on HTTP_ADDR (127.0.0.1:8080)`

func main() {
	if os.Getenv("GOGC") == "" {
		// The bot's live heap is small while it turns over megabytes of
		// short-lived garbage: collecting at three times the live heap
		// rather than twice saves much of the collector's CPU for a few
		// megabytes of memory. GOGC in the environment still decides.
		debug.SetGCPercent(200)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "expertbot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cmd := "run"
	if len(args) > 1 {
		cmd = args[1]
	}
	switch cmd {
	case "run", "migrate", "export", "experts", "sandbox":
	case "help", "-h", "--help":
		fmt.Fprintln(stderr, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}

	cfg, err := parseConfig(getenv, cmd == "run")
	if err != nil {
		return err
	}
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var handler slog.Handler = slog.NewTextHandler(stderr, opts)
	if cfg.LogJSON {
		handler = slog.NewJSONHandler(stderr, opts)
	}
	log := slog.New(handler)

	if cmd == "sandbox" {
		if cfg.DatabaseURL == "" {
			dsn, stop, err := startLocalPostgres(ctx, log)
			if err != nil {
				return err
			}
			defer stop()
			cfg.DatabaseURL = dsn
		}
		if getenv("HTTP_ADDR") == "" {
			cfg.HTTPAddr = "127.0.0.1:8080"
		}
	}
	db, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := migrations.Apply(ctx, db.SQL())
	if err != nil {
		return err
	}
	log.Info("database ready", "version", migrations.Latest(), "applied", applied)
	switch cmd {
	case "migrate":
		return nil
	case "export":
		return exportCommand(ctx, db, args[2:], stderr)
	case "experts":
		return expertsCommand(ctx, db, args[2:], stderr)
	case "sandbox":
		return sandboxCommand(ctx, cfg, db, log, stderr)
	}

	b := bot.New(botConfig(cfg), db, log)
	srv, err := serveHTTP(cfg, b, db, nil, log)
	if err != nil {
		return err
	}
	defer srv.Close()
	if addr := getenv("PPROF_ADDR"); addr != "" {
		// Profiling, on an address of its own that is never the public one.
		go func() { log.Error("pprof", "err", http.ListenAndServe(addr, pprofMux())) }()
	}
	return b.Run(ctx)
}

// botConfig is the bot's configuration from expertbot's.
func botConfig(cfg *config) bot.Config {
	limits := sender.TelegramLimits
	limits.Global, limits.Chat, limits.ChatBurst = cfg.SendRate, cfg.SendChatRate, cfg.SendChatBurst
	return bot.Config{
		Token:        cfg.Token,
		Endpoint:     cfg.Endpoint,
		ModeratorIDs: cfg.ModeratorIDs,
		AdminIDs:     cfg.AdminIDs,

		Premoderation:       cfg.Premoderation,
		ModeratorChatID:     cfg.ModeratorChatID,
		FloodLimit:          cfg.FloodLimit,
		FloodWindow:         cfg.FloodWindow,
		TakeTimeout:         cfg.TakeTimeout,
		AnswerTimeout:       cfg.AnswerTimeout,
		ImplementationCheck: cfg.ImplementationCheck,

		WebhookURL:            cfg.WebhookURL,
		WebhookSecret:         cfg.WebhookSecret,
		WebhookMaxConnections: cfg.WebhookMaxConnections,

		Limits:       limits,
		SendInFlight: cfg.SendConcurrency,
		SendTimeout:  cfg.SendTimeout,
	}
}

// pprofMux serves net/http/pprof's handlers.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// serveHTTP serves /healthz, /readyz, /metrics, in webhook mode the webhook
// at its URL's path, and page, if not nil, at every other path.
func serveHTTP(cfg *config, b *bot.Bot, db *storage.DB, page http.Handler, log *slog.Logger) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		var problems []string
		if v, err := migrations.Current(ctx, db.SQL()); err != nil {
			problems = append(problems, "database: "+err.Error())
		} else if v != migrations.Latest() {
			problems = append(problems, fmt.Sprintf("database: at version %d, this binary needs %d", v, migrations.Latest()))
		}
		if !b.TelegramReachable() {
			problems = append(problems, "telegram: not reachable at the last check")
		}
		if len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			for _, p := range problems {
				fmt.Fprintln(w, p)
			}
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", b.Metrics())
	if page != nil {
		mux.Handle("/", page)
	}
	if cfg.WebhookURL != "" {
		u, _ := url.Parse(cfg.WebhookURL)
		path := u.Path
		if path == "" {
			path = "/"
		}
		mux.Handle(path, b.WebhookHandler())
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("HTTP_ADDR: listen on %s: %w", cfg.HTTPAddr, err)
	}
	// Addr is not used by Serve; it tells the caller the port chosen for :0.
	srv := &http.Server{Addr: ln.Addr().String(), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	log.Info("http listening", "addr", srv.Addr)
	return srv, nil
}
