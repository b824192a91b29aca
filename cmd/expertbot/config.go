package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/atameken/expertbot/bot/console"

	"github.com/atameken/expertbot/bot"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// config is expertbot's configuration, read from the environment once.
type config struct {
	DatabaseURL  string
	Token        string
	Endpoint     string
	ModeratorIDs []int64
	HTTPAddr     string
	MetricsAddr  string // /metrics and /readyz, apart from HTTP_ADDR
	PprofAddr    string
	LogLevel     slog.Level
	LogJSON      bool

	WebhookURL            string
	ConsoleURL            string // where moderators reach the web console, ending in /console/
	WebhookSecret         string
	WebhookMaxConnections int

	SendRate        float64 // messages per second overall
	SendChatRate    float64 // messages per second in one private chat…
	SendChatBurst   float64 // …with bursts of this many
	SendConcurrency int     // calls to Telegram at once
	SendTimeout     time.Duration

	AdminIDs            []int64
	ModeratorChatID     int64
	FloodLimit          int
	ImplementationAsks  int
	FloodWindow         time.Duration
	Premoderation       bool
	TakeTimeout         time.Duration
	AnswerTimeout       time.Duration
	ImplementationCheck time.Duration
	PrivacyVersion      string
	PrivacyURL          string
	Retention           time.Duration
	Zone                *time.Location
}

// parseConfig reads the configuration and names the variable at fault
// when one is wrong. needToken is false for commands that do not talk to
// Telegram, such as migrate.
func parseConfig(getenv func(string) string, needToken bool) (*config, error) {
	c := &config{
		DatabaseURL: getenv("DATABASE_URL"),
		Token:       strings.TrimSpace(getenv("TELEGRAM_TOKEN")),
		Endpoint:    getenv("TELEGRAM_API_ENDPOINT"),
		HTTPAddr:    getenv("HTTP_ADDR"),
	}
	if needToken {
		if c.Token == "" {
			return nil, fmt.Errorf("TELEGRAM_TOKEN is not set: get a token from @BotFather (see README), or try the bot without one with \"expertbot sandbox\"")
		}
		if id, secret, ok := strings.Cut(c.Token, ":"); !ok || secret == "" || !isDigits(id) {
			return nil, fmt.Errorf("TELEGRAM_TOKEN does not look like a bot token (digits, a colon, then letters)")
		}
	}
	if c.Endpoint == "" {
		c.Endpoint = tgbotapi.APIEndpoint
	}
	if strings.Count(c.Endpoint, "%s") != 2 {
		return nil, fmt.Errorf("TELEGRAM_API_ENDPOINT must contain %%s twice, for the token and the method, like %s", tgbotapi.APIEndpoint)
	}
	var err error
	if c.ModeratorIDs, err = parseIDs(getenv, "MODERATOR_IDS"); err != nil {
		return nil, err
	}
	if c.AdminIDs, err = parseIDs(getenv, "ADMIN_IDS"); err != nil {
		return nil, err
	}
	if v := getenv("MODERATOR_CHAT_ID"); v != "" {
		if c.ModeratorChatID, err = strconv.ParseInt(v, 10, 64); err != nil || c.ModeratorChatID >= 0 {
			return nil, fmt.Errorf("MODERATOR_CHAT_ID: %q is not a group's chat id (a negative number, such as -1001234567890)", v)
		}
	}
	c.ImplementationAsks = 3
	if v := getenv("IMPLEMENTATION_ASKS"); v != "" {
		if c.ImplementationAsks, err = strconv.Atoi(v); err != nil || c.ImplementationAsks < 1 || c.ImplementationAsks > 12 {
			return nil, fmt.Errorf("IMPLEMENTATION_ASKS: %q is not a number from 1 to 12", v)
		}
	}
	c.FloodLimit = 40
	if v := getenv("FLOOD_LIMIT"); v != "" {
		if c.FloodLimit, err = strconv.Atoi(v); err != nil || c.FloodLimit < 1 {
			return nil, fmt.Errorf("FLOOD_LIMIT: %q is not a positive number of messages", v)
		}
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = ":8080"
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return nil, fmt.Errorf("HTTP_ADDR: %q is not host:port: %v", c.HTTPAddr, err)
	}
	if c.MetricsAddr = getenv("METRICS_ADDR"); c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return nil, fmt.Errorf("METRICS_ADDR: %q is not host:port: %v", c.MetricsAddr, err)
		}
	}
	if c.PprofAddr = getenv("PPROF_ADDR"); c.PprofAddr != "" && !loopback(c.PprofAddr) {
		return nil, fmt.Errorf("PPROF_ADDR: %q is not on loopback (127.0.0.1:6060, localhost:6060): the profiler shows the process's memory", c.PprofAddr)
	}
	c.Premoderation = true
	if v := getenv("PREMODERATION"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("PREMODERATION: %q is not true or false", v)
		}
		c.Premoderation = b
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
		def  time.Duration
	}{
		{"TAKE_TIMEOUT", &c.TakeTimeout, 24 * time.Hour},
		{"ANSWER_TIMEOUT", &c.AnswerTimeout, 72 * time.Hour},
		{"IMPLEMENTATION_CHECK_AFTER", &c.ImplementationCheck, 30 * 24 * time.Hour},
		{"FLOOD_WINDOW", &c.FloodWindow, time.Minute},
		{"SEND_TIMEOUT", &c.SendTimeout, 15 * time.Second},
		{"RETENTION", &c.Retention, 30 * 24 * time.Hour},
	} {
		*d.dst = d.def
		if v := getenv(d.name); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur <= 0 {
				return nil, fmt.Errorf("%s: %q is not a positive duration such as 24h or 90m", d.name, v)
			}
			*d.dst = dur
		}
	}
	c.SendRate, c.SendConcurrency = 29, 8
	if v := getenv("SEND_RATE"); v != "" {
		if c.SendRate, err = strconv.ParseFloat(v, 64); err != nil || c.SendRate <= 0 {
			return nil, fmt.Errorf("SEND_RATE: %q is not a positive number of messages per second", v)
		}
	}
	c.SendChatRate, c.SendChatBurst = 1, 2
	if v := getenv("SEND_CHAT_RATE"); v != "" {
		if c.SendChatRate, err = strconv.ParseFloat(v, 64); err != nil || c.SendChatRate <= 0 {
			return nil, fmt.Errorf("SEND_CHAT_RATE: %q is not a positive number of messages per second", v)
		}
	}
	if v := getenv("SEND_CHAT_BURST"); v != "" {
		if c.SendChatBurst, err = strconv.ParseFloat(v, 64); err != nil || c.SendChatBurst < 1 {
			return nil, fmt.Errorf("SEND_CHAT_BURST: %q is not a number of messages, 1 or more", v)
		}
	}
	if v := getenv("SEND_CONCURRENCY"); v != "" {
		if c.SendConcurrency, err = strconv.Atoi(v); err != nil || c.SendConcurrency < 1 || c.SendConcurrency > 64 {
			return nil, fmt.Errorf("SEND_CONCURRENCY: %q is not a number from 1 to 64", v)
		}
	}
	if c.Retention < 24*time.Hour {
		// Telegram sends an update again for up to a day: kept for less, a
		// redelivered update would be taken for a new one.
		return nil, fmt.Errorf("RETENTION: %v is less than a day (24h), for which Telegram may send an update again", c.Retention)
	}
	c.PrivacyVersion = bot.PrivacyVersion
	if v := strings.TrimSpace(getenv("PRIVACY_VERSION")); v != "" {
		c.PrivacyVersion = v
	}
	if c.PrivacyURL = getenv("PRIVACY_URL"); c.PrivacyURL != "" {
		if u, err := url.Parse(c.PrivacyURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("PRIVACY_URL: %q is not an https:// address", c.PrivacyURL)
		}
	}
	if c.Zone, err = parseZone(getenv("TIME_ZONE")); err != nil {
		return nil, err
	}
	switch f := getenv("LOG_FORMAT"); f {
	case "", "text":
	case "json":
		c.LogJSON = true
	default:
		return nil, fmt.Errorf("LOG_FORMAT: %q is not text or json", f)
	}
	if c.WebhookURL = getenv("WEBHOOK_URL"); c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			return nil, fmt.Errorf("WEBHOOK_URL: %q is not an https:// address", c.WebhookURL)
		}
		c.WebhookSecret = getenv("WEBHOOK_SECRET")
		if !validSecret(c.WebhookSecret) {
			return nil, fmt.Errorf("WEBHOOK_SECRET: must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - when WEBHOOK_URL is set")
		}
		c.WebhookMaxConnections = 40
		if v := getenv("WEBHOOK_MAX_CONNECTIONS"); v != "" {
			if c.WebhookMaxConnections, err = strconv.Atoi(v); err != nil || c.WebhookMaxConnections < 1 || c.WebhookMaxConnections > 100 {
				return nil, fmt.Errorf("WEBHOOK_MAX_CONNECTIONS: %q is not a number from 1 to 100", v)
			}
		}
	}
	if c.ConsoleURL = getenv("CONSOLE_URL"); c.ConsoleURL != "" {
		u, err := url.Parse(c.ConsoleURL)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.Path != console.Path {
			return nil, fmt.Errorf("CONSOLE_URL: %q is not an https:// address ending in %s", c.ConsoleURL, console.Path)
		}
	}
	if lvl := getenv("LOG_LEVEL"); lvl != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
			return nil, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", lvl)
		}
	}
	return c, nil
}

// parseIDs reads a comma-separated list of Telegram user ids.
func parseIDs(getenv func(string) string, name string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.Split(getenv(name), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%s: %q is not a Telegram user id (a positive number)", name, f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// validSecret checks a webhook secret as Telegram does.
func validSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// loopback reports whether an address is host:port on this machine only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseZone reads TIME_ZONE: an IANA name such as Asia/Almaty, or a fixed
// offset such as UTC+5; empty is Kazakhstan's UTC+5.
func parseZone(v string) (*time.Location, error) {
	if v == "" {
		return bot.Kazakhstan, nil
	}
	if rest, ok := strings.CutPrefix(v, "UTC"); ok {
		h, err := strconv.Atoi(rest)
		if err == nil && h >= -12 && h <= 14 && (rest[0] == '+' || rest[0] == '-') {
			return time.FixedZone(v, h*60*60), nil
		}
	} else if loc, err := time.LoadLocation(v); err == nil && v != "Local" {
		return loc, nil
	}
	return nil, fmt.Errorf("TIME_ZONE: %q is neither a zone name such as Asia/Almaty nor an offset such as UTC+5", v)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
