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
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // TIME_ZONE names resolve on machines without a zone database

	"github.com/atameken/expertbot/bot/console"

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
		return exportCommand(ctx, db, cfg.Zone, args[2:], stderr)
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
	if cfg.PprofAddr != "" {
		// Profiling, on a loopback address of its own (parseConfig refuses others).
		go func() { log.Error("pprof", "err", http.ListenAndServe(cfg.PprofAddr, pprofMux())) }()
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
		ImplementationAsks:  cfg.ImplementationAsks,

		WebhookURL:            cfg.WebhookURL,
		WebhookSecret:         cfg.WebhookSecret,
		ConsoleURL:            cfg.ConsoleURL,
		WebhookMaxConnections: cfg.WebhookMaxConnections,

		Limits:       limits,
		SendInFlight: cfg.SendConcurrency,
		SendTimeout:  cfg.SendTimeout,

		PrivacyVersion: cfg.PrivacyVersion,
		PrivacyURL:     cfg.PrivacyURL,
		Retention:      cfg.Retention,
		Zone:           cfg.Zone,
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

// servers are the process's HTTP servers: the public one on HTTP_ADDR
// and, with METRICS_ADDR, an internal one for /metrics and /readyz.
type servers struct {
	servers []*http.Server
}

// Addr is the public server's address, with the port chosen for :0.
func (s *servers) Addr() string { return s.servers[0].Addr }

// MetricsAddr is the address /metrics is served on.
func (s *servers) MetricsAddr() string { return s.servers[len(s.servers)-1].Addr }

// Close closes every server.
func (s *servers) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

// serveHTTP serves /healthz, in webhook mode the webhook at its URL's
// path, page, if not nil, at every other path, and /readyz and /metrics:
// on METRICS_ADDR when it is set, so that a public listener for the
// webhook does not expose them, on HTTP_ADDR otherwise.
func serveHTTP(cfg *config, b *bot.Bot, db *storage.DB, page http.Handler, log *slog.Logger) (*servers, error) {
	public := http.NewServeMux()
	public.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	internal := public
	if cfg.MetricsAddr != "" {
		internal = http.NewServeMux()
	}
	internal.Handle("GET /readyz", readiness(b, db, log))
	internal.Handle("GET /metrics", b.Metrics())
	public.Handle(console.Path, console.New(db, cfg.Zone, strings.HasPrefix(cfg.ConsoleURL, "https:"), cfg.Token, log))
	if page != nil {
		public.Handle("/", page)
	}
	if cfg.WebhookURL != "" {
		u, _ := url.Parse(cfg.WebhookURL)
		path := u.Path
		if path == "" {
			path = "/"
		}
		public.Handle(path, b.WebhookHandler())
	}
	s := &servers{}
	listen := func(name, addr string, h http.Handler) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("%s: listen on %s: %w", name, addr, err)
		}
		// Addr is not used by Serve; it tells the caller the port chosen
		// for :0. The timeouts keep a slow or idle client from holding a
		// connection; the sandbox's event stream lifts its write deadline.
		srv := &http.Server{
			Addr: ln.Addr().String(), Handler: h,
			ReadHeaderTimeout: 5 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
		}
		s.servers = append(s.servers, srv)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("http server", "addr", srv.Addr, "err", err)
			}
		}()
		log.Info("http listening", "addr", srv.Addr, "serves", name)
		return nil
	}
	if err := listen("HTTP_ADDR", cfg.HTTPAddr, public); err != nil {
		return nil, err
	}
	if cfg.MetricsAddr != "" {
		if err := listen("METRICS_ADDR", cfg.MetricsAddr, internal); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// readiness answers /readyz: 200 when the database answers at the current
// migration and Telegram answered the last call that tells, 503 and what
// is wrong otherwise. What it says names no host or user: the details go
// to the log.
func readiness(b *bot.Bot, db *storage.DB, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		var problems []string
		if v, err := migrations.Current(ctx, db.SQL()); err != nil {
			log.Warn("readyz: database", "err", err)
			problems = append(problems, "database: not reachable")
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
}
