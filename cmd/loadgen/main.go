// Command loadgen measures expertbot under load. It starts the fake
// Telegram Bot API server, runs the real expertbot binary against it and a
// PostgreSQL database of its own, plays a scenario, and reports what it saw.
//
//	loadgen -scenario intake  -users 1000 -rate 500 -duration 30s
//	loadgen -scenario intake  -users 1000 -rate 0 -updates 20000   (as fast as possible)
//	loadgen -scenario fanout  -experts 1000 -limits [-latency 100ms]
//	loadgen -scenario journey -users 50 -experts 10 -duration 60s
//	loadgen -scenario followups -users 200 -limits                 (ten follow-ups each at once)
//	loadgen -scenario search -users 100000 -updates 1000            (a corpus, then searches)
//
// The database server is DATABASE_URL's (or lib/pq's PG* variables); a
// database is created for the run and dropped after it.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/lib/pq"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/storage/storagetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

type options struct {
	scenario string
	users    int
	experts  int
	rate     float64
	updates  int
	duration time.Duration
	warmup   time.Duration
	limits   bool
	faster   float64
	latency  time.Duration
	bin      string
	logs     string
	keep     bool
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.StringVar(&o.scenario, "scenario", "intake", "intake, fanout, journey, followups, search or notes")
	fs.IntVar(&o.users, "users", 1000, "entrepreneurs")
	fs.IntVar(&o.experts, "experts", 10, "experts (of the agro-industrial centre)")
	fs.Float64Var(&o.rate, "rate", 500, "intake: updates offered per second; 0 sends -updates at once, as fast as possible")
	fs.IntVar(&o.updates, "updates", 20000, "intake with -rate 0: how many updates")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to offer load")
	fs.DurationVar(&o.warmup, "warmup", 3*time.Second, "intake at a rate: how long other users offer the same rate first, unmeasured")
	fs.BoolVar(&o.limits, "limits", false, "the fake server enforces Telegram's limits")
	fs.Float64Var(&o.faster, "chats-faster", 1, "each chat's pace, the fake server's and the bot's, this many times Telegram's (tests use 10)")
	fs.DurationVar(&o.latency, "latency", 0, "the fake server answers each sendMessage this much later, as a distant Telegram would")
	fs.StringVar(&o.bin, "bot", "", "expertbot binary (default: build one)")
	fs.StringVar(&o.logs, "logs", "", "file for the bot's log (default: discard)")
	fs.BoolVar(&o.keep, "keep", false, "keep the run's database afterwards, to look into (its name is printed)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	if o.bin == "" {
		dir, err := os.MkdirTemp("", "loadgen")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.bin = filepath.Join(dir, "expertbot")
		if b, err := exec.Command("go", "build", "-o", o.bin, "./cmd/expertbot").CombinedOutput(); err != nil {
			return fmt.Errorf("build expertbot (run loadgen from the repository's root, or give -bot): %v\n%s", err, b)
		}
	}
	dsn, drop, err := createDatabase(ctx)
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintf(out, "database kept: %s\n", dsn)
	} else {
		defer drop()
	}

	if o.faster <= 0 {
		return fmt.Errorf("-chats-faster must be positive")
	}
	limits := fake.Limits{}
	if o.limits {
		limits = fake.TelegramLimits.ChatsFaster(o.faster)
	}
	tg := fake.New("424242:LOADGEN-token", limits)
	defer tg.Close()
	if o.latency > 0 {
		tg.AddFault(fake.Fault{Method: "sendMessage", Delay: o.latency})
	}

	r := &runner{o: o, tg: tg, dsn: dsn, out: out}
	if err := r.start(ctx); err != nil {
		return err
	}
	defer r.stop()
	switch o.scenario {
	case "intake":
		return r.intake(ctx)
	case "fanout":
		return r.fanout(ctx)
	case "journey":
		return r.journey(ctx)
	case "followups":
		return r.followups(ctx)
	case "search":
		return r.searchBench(ctx)
	case "notes":
		return r.notes(ctx)
	}
	return fmt.Errorf("unknown scenario %q", o.scenario)
}

// createDatabase makes a database for the run on DATABASE_URL's server.
func createDatabase(ctx context.Context) (string, func(), error) {
	base := os.Getenv("DATABASE_URL")
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 4)
	rand.Read(b)
	name := "expertbot_load_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database (is DATABASE_URL set?): %w", err)
	}
	dsn, err := storagetest.WithDatabase(base, name)
	drop := func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	}
	return dsn, drop, err
}

// runner is one run: the fake Telegram, the bot process and its database.
type runner struct {
	o   options
	tg  *fake.Server
	dsn string
	out io.Writer
	db  *sql.DB

	cmd     *exec.Cmd
	done    chan struct{} // closed when the bot has exited
	rssMu   sync.Mutex
	rss     []int64 // samples of the bot's resident memory, in kB
	rssPeak int64
}

const moderatorID = 9_000_000

func (r *runner) start(ctx context.Context) error {
	var logs io.Writer = io.Discard
	if r.o.logs != "" {
		f, err := os.Create(r.o.logs)
		if err != nil {
			return err
		}
		logs = f
	}
	r.cmd = exec.Command(r.o.bin, "run")
	r.cmd.Env = append(os.Environ(),
		"DATABASE_URL="+r.dsn, "TELEGRAM_TOKEN="+r.tg.Token, "TELEGRAM_API_ENDPOINT="+r.tg.Endpoint(),
		"HTTP_ADDR=127.0.0.1:0", "LOG_LEVEL=warn", "MODERATOR_IDS="+strconv.Itoa(moderatorID),
		"FLOOD_LIMIT=1000000", "SEND_CHAT_RATE="+strconv.FormatFloat(r.o.faster, 'g', -1, 64))
	if !r.o.limits {
		// Telegram's limits are off: let the bot send as fast as it can.
		r.cmd.Env = append(r.cmd.Env, "SEND_RATE=100000", "SEND_CONCURRENCY=64")
	}
	r.cmd.Stderr = logs
	if err := r.cmd.Start(); err != nil {
		return err
	}
	r.done = make(chan struct{})
	go func() {
		r.cmd.Wait()
		close(r.done) // closed, not sent on: the RSS sampler and stop both wait for it
	}()
	go r.sampleRSS()

	db, err := sql.Open("postgres", r.dsn)
	if err != nil {
		return err
	}
	r.db = db
	// Ready when the bot has migrated the database and registered its commands.
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if db.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE status = 'sent'`).Scan(&n); n > 0 {
			// The moderator speaks English, as the scenarios press English
			// buttons, and has agreed to the privacy notice.
			_, err := db.ExecContext(ctx, `UPDATE users SET language = 'en', consent_version = $2 WHERE id = $1`, moderatorID, bot.PrivacyVersion)
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("the bot did not start within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (r *runner) stop() {
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(15 * time.Second):
		r.cmd.Process.Kill()
	}
	r.db.Close()
}

// sampleRSS reads the bot's resident memory twice a second.
func (r *runner) sampleRSS() {
	for {
		select {
		case <-r.done:
			return
		case <-time.After(500 * time.Millisecond):
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", r.cmd.Process.Pid))
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				r.rssMu.Lock()
				r.rss = append(r.rss, kb)
				r.rssPeak = max(r.rssPeak, kb)
				r.rssMu.Unlock()
			}
		}
	}
}

// report prints the figures every scenario shares: of the updates and
// calls since the scenario started, which took elapsed.
func (r *runner) report(since time.Time, elapsed time.Duration, latencies []time.Duration) {
	var handled, sent int
	r.db.QueryRow(`SELECT count(*) FROM inbox WHERE handled_at IS NOT NULL AND received_at >= $1`, since).Scan(&handled)
	r.db.QueryRow(`SELECT count(*) FROM outbox WHERE status = 'sent' AND created_at >= $1`, since).Scan(&sent)
	var size int64
	r.db.QueryRow(`SELECT pg_database_size(current_database())`).Scan(&size)
	st := r.tg.Stats()
	r.rssMu.Lock()
	peak, samples := r.rssPeak, append([]int64(nil), r.rss...)
	r.rssMu.Unlock()

	fmt.Fprintf(r.out, "scenario: %s, %v, Telegram limits %v\n", r.o.scenario, elapsed.Round(time.Millisecond), r.o.limits)
	fmt.Fprintf(r.out, "updates handled: %d (%.0f/s)\n", handled, float64(handled)/elapsed.Seconds())
	fmt.Fprintf(r.out, "messages sent: %d (%.1f/s), 429s received: %d\n", sent, float64(sent)/elapsed.Seconds(), st.RateLimited)
	fmt.Fprintf(r.out, "connections the bot opened to Telegram: %d, for %d calls\n", st.Connections, st.Requests)
	if len(latencies) > 0 {
		sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
		q := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
		fmt.Fprintf(r.out, "latency update→reply accepted: p50 %v, p95 %v, p99 %v (%d replies)\n",
			q(.50).Round(10*time.Microsecond), q(.95).Round(10*time.Microsecond), q(.99).Round(10*time.Microsecond), len(latencies))
	}
	if len(samples) > 1 {
		first, last := samples[0], samples[len(samples)-1]
		fmt.Fprintf(r.out, "bot RSS: peak %.1f MB (first sample %.1f MB, last %.1f MB)\n", float64(peak)/1024, float64(first)/1024, float64(last)/1024)
		fmt.Fprintf(r.out, "bot RSS by tenths of the run, peak of each: %s MB\n", tenths(samples))
	}
	if cpu, err := r.botCPU(); err == nil {
		fmt.Fprintf(r.out, "bot CPU since it started: %v", cpu)
		if r.o.scenario == "intake" && handled > 0 {
			fmt.Fprintf(r.out, ", %.0f µs per update handled", float64(cpu.Microseconds())/float64(handled))
		}
		fmt.Fprintln(r.out)
	}
	fmt.Fprintf(r.out, "database size: %.1f MB\n", float64(size)/(1<<20))
}

// botCPU is the CPU time the bot has used, user and system, from /proc.
// Steadier than a rate on a machine whose speed swings, it tells whether
// the bot's own work per update changed.
func (r *runner) botCPU() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", r.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command's name, which is in parentheses: utime
	// and stime are the 12th and 13th, in clock ticks of 1/100 s.
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat: %d fields", len(f))
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// tenths is the peak of each tenth of the samples, in MB, to show a trend.
func tenths(samples []int64) string {
	var out []string
	for i := range 10 {
		part := samples[i*len(samples)/10 : max((i+1)*len(samples)/10, i*len(samples)/10+1)]
		out = append(out, fmt.Sprintf("%.1f", float64(slices.Max(part))/1024))
	}
	return strings.Join(out, " ")
}
