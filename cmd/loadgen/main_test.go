package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSmoke runs each scenario small and briefly, so that the load
// generator cannot rot.
func TestSmoke(t *testing.T) {
	bin := os.Getenv("EXPERTBOT_BIN") // scripts/test builds it once for every package
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "expertbot")
		if out, err := exec.Command("go", "build", "-o", bin, "../expertbot").CombinedOutput(); err != nil {
			t.Fatalf("build expertbot: %v\n%s", err, out)
		}
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"Intake", []string{"-scenario", "intake", "-users", "20", "-rate", "0", "-updates", "200"},
			[]string{"updates handled: 200 ", "latency update→reply accepted: p50", "kept durably", "updates offered: 200; intake"}},
		// With Telegram's limits, the run ends when the updates are handled,
		// long before their replies are all sent (at most 30 a second).
		{"IntakeWithLimits", []string{"-scenario", "intake", "-users", "200", "-rate", "0", "-updates", "400", "-limits"},
			[]string{"updates handled: 400 ", "429s received: 0", "updates offered: 400; intake"}},
		{"IntakeAtRate", []string{"-scenario", "intake", "-users", "20", "-rate", "50", "-duration", "2s", "-warmup", "1s"},
			[]string{"updates handled:", "429s received: 0"}},
		{"Fanout", []string{"-scenario", "fanout", "-experts", "20", "-limits", "-latency", "20ms"},
			[]string{"fan-out: 20 cards", "429s received: 0", "an unrelated user's reply during the fan-out"}},
		{"Journey", []string{"-scenario", "journey", "-users", "2", "-experts", "1", "-duration", "1s"},
			[]string{"problems posted and answered: 2 of 2"}},
		{"Search", []string{"-scenario", "search", "-users", "300", "-updates", "20"},
			[]string{"corpus: 300 problems", "searches: 20", "plan of the slowest, for", "hints: 20", "search_docs_doc"}},
		{"Notes", []string{"-scenario", "notes", "-users", "40", "-experts", "1", "-limits"},
			[]string{"note: 40 subscribers reached", "429s received: 0", "an unrelated user's reply during the delivery"}},
		{"Followups", []string{"-scenario", "followups", "-users", "3", "-limits"},
			[]string{"follow-ups delivered: 30 of 30", "out of order: 0", "429s received: 0", "messages sent per follow-up: 0."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			// Each chat paced ten times as fast as Telegram's, as in the other tests.
			if err := run(context.Background(), append(tt.args, "-bot", bin, "-chats-faster", "10"), &out); err != nil {
				t.Fatalf("loadgen: %v\n%s", err, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("the report lacks %q:\n%s", w, out.String())
				}
			}
			// The bot keeps a connection per call in flight (SEND_CONCURRENCY,
			// 64 with the limits off) and one for getUpdates, and reuses them.
			var conns, calls int
			for line := range strings.Lines(out.String()) {
				fmt.Sscanf(line, "connections the bot opened to Telegram: %d, for %d calls", &conns, &calls)
			}
			if tt.name != "Search" && (conns == 0 || conns > 65) { // a search makes no call
				t.Errorf("the bot opened %d connections to Telegram for %d calls, want 1 to 65", conns, calls)
			}
		})
	}
}
