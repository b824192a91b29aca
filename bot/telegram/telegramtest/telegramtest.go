// Package telegramtest starts the fake Telegram server for a test and
// holds the bot to it: when the test ends, every request that broke the
// Bot API's rules, every callback query left unanswered and every 429 for
// going over a limit fails the test.
package telegramtest

import (
	"strconv"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// Speedup is how many times faster than Telegram's a chat's pace is in
// Start's server. A bot under test must keep to its pace scaled alike.
const Speedup = 10

// Limits are Telegram's limits with each chat's pace Speedup times as
// fast, so that a conversation's test waits a tenth as long on the pace.
// The global limit is Telegram's own: most tests send far below it, and
// scaled up it would hold the bot to fractions of a millisecond.
var Limits = fake.TelegramLimits.ChatsFaster(Speedup)

// Start starts a fake server with Limits for a test.
func Start(tb testing.TB) *fake.Server {
	tb.Helper()
	return StartWith(tb, Limits)
}

// StartWith starts a fake server with the given limits for a test, such
// as fake.TelegramLimits for a test of the limits themselves.
func StartWith(tb testing.TB, limits fake.Limits) *fake.Server {
	tb.Helper()
	s := fake.New("123456:TEST-token-"+strconv.FormatInt(time.Now().UnixNano(), 36), limits)
	tb.Cleanup(func() {
		s.Close()
		Check(tb, s)
	})
	return s
}

// Check fails the test for every request to s that broke the Bot API's
// rules, every callback query left unanswered, and every 429 that was not
// asked for with a Fault.
func Check(tb testing.TB, s *fake.Server) {
	tb.Helper()
	for _, v := range s.Problems() {
		tb.Errorf("fake Telegram: %s", v)
	}
	if st := s.Stats(); st.RateLimited > 0 {
		tb.Errorf("fake Telegram: the bot went over Telegram's limits %d times: %q", st.RateLimited, st.Limited)
	}
}
