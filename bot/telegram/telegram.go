// Package telegram is expertbot's thin wrapper of go-telegram-bot-api: it
// makes one Bot API call at a time, keeps the JSON of what Telegram
// answers as it came, turns Telegram's refusals into typed errors, and
// keeps the bot's token out of every error it returns.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Client calls the Bot API.
type Client struct {
	api      *tgbotapi.BotAPI
	token    string
	endpoint string
	health   *Health
}

// New makes a client of the Bot API at endpoint, in go-telegram-bot-api's
// format ("https://api.telegram.org/bot%s/%s"), that makes its requests
// with hc and notes in health, if not nil, whether Telegram answered each.
// The library's own constructor calls getMe and fails when Telegram cannot
// be reached, so the BotAPI is built by hand and getMe is left to the
// caller, who can try again.
func New(token, endpoint string, hc *http.Client, health *Health) *Client {
	api := &tgbotapi.BotAPI{Token: token, Client: hc, Buffer: 100}
	api.SetAPIEndpoint(endpoint)
	return &Client{api: api, token: token, endpoint: endpoint, health: health}
}

// NewHTTPClient makes an HTTP client for up to conns calls at once, whose
// requests time out after timeout and are abandoned when ctx is cancelled.
// As many connections are kept open for the next calls: Go's default
// keeps two, and a sender with more calls in flight would open a new
// connection, a TLS handshake with Telegram, for most of its calls.
func NewHTTPClient(ctx context.Context, timeout time.Duration, conns int) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = conns
	return &http.Client{Timeout: timeout, Transport: ctxTransport{ctx: ctx, base: transport}}
}

// Host is the host of the Bot API the client calls: api.telegram.org, or
// a local server's address in the sandbox and the tests.
func (c *Client) Host() string {
	u, err := url.Parse(strings.ReplaceAll(c.endpoint, "%s", "x"))
	if err != nil {
		return ""
	}
	return u.Host
}

// ctxTransport ties every request to a context, since the library's calls
// take none, and lets the connection of every answer be used again.
type ctxTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r.WithContext(t.ctx))
	if err == nil {
		resp.Body = drainingBody{resp.Body}
	}
	return resp, err
}

// drainingBody reads what is left of an answer before closing it. The
// library decodes the JSON and closes the body, which may leave the end of
// a long answer unread (a getUpdates batch comes chunked): Go then closes
// the connection rather than use it again, and the next call opens another.
type drainingBody struct{ io.ReadCloser }

func (b drainingBody) Close() error {
	io.Copy(io.Discard, io.LimitReader(b.ReadCloser, 64<<10))
	return b.ReadCloser.Close()
}

// APIError is Telegram's refusal of a call.
type APIError struct {
	Method      string
	Code        int
	Description string
	RetryAfter  time.Duration // with 429: how long to wait
}

func (e *APIError) Error() string {
	return fmt.Sprintf("telegram: %s: %d %s", e.Method, e.Code, e.Description)
}

// Blocked reports whether the user blocked the bot or deleted their account.
func (e *APIError) Blocked() bool { return e.Code == http.StatusForbidden }

// NetError is a call that got no answer from Telegram, with the token
// removed from its text.
type NetError struct {
	Method string
	msg    string
}

func (e *NetError) Error() string { return fmt.Sprintf("telegram: %s: %s", e.Method, e.msg) }

// Answered reports whether err, the outcome of a call, means that Telegram
// answered: it did unless the call got no answer or a server error.
func Answered(err error) bool {
	var netErr *NetError
	var apiErr *APIError
	return !errors.As(err, &netErr) && !(errors.As(err, &apiErr) && apiErr.Code >= 500)
}

// Call makes one Bot API call, with a file to upload if file is not nil,
// and returns its result.
func (c *Client) Call(method string, params tgbotapi.Params, file *tgbotapi.RequestFile) (json.RawMessage, error) {
	var resp *tgbotapi.APIResponse
	var err error
	if file != nil {
		resp, err = c.api.UploadFiles(method, params, []tgbotapi.RequestFile{*file})
	} else {
		resp, err = c.api.MakeRequest(method, params)
	}
	if err != nil {
		err = c.classify(method, err)
		c.health.note(err)
		return nil, err
	}
	c.health.note(nil)
	return resp.Result, nil
}

func (c *Client) classify(method string, err error) error {
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) {
		return &APIError{
			Method:      method,
			Code:        tgErr.Code,
			Description: tgErr.Message,
			RetryAfter:  time.Duration(tgErr.RetryAfter) * time.Second,
		}
	}
	return &NetError{Method: method, msg: redact(err.Error(), c.token)}
}

// redact removes a token from text, as it is and as it appears escaped in
// a URL.
func redact(text, token string) string {
	if token == "" {
		return text
	}
	r := strings.NewReplacer(token, "<token>", strings.ReplaceAll(token, ":", "%3A"), "<token>")
	return r.Replace(text)
}

// GetMe asks Telegram who the bot is.
func (c *Client) GetMe() (tgbotapi.User, error) {
	raw, err := c.Call("getMe", nil, nil)
	if err != nil {
		return tgbotapi.User{}, err
	}
	var u tgbotapi.User
	err = json.Unmarshal(raw, &u)
	return u, err
}

// GetUpdates makes one long-polling call for up to 100 updates of the
// allowed kinds from offset on, and returns each update's JSON exactly as
// Telegram sent it, including fields newer than the library.
func (c *Client) GetUpdates(offset int, timeout time.Duration, allowed []string) ([]json.RawMessage, error) {
	p := tgbotapi.Params{}
	p.AddNonZero("offset", offset)
	p.AddNonZero("limit", 100)
	p.AddNonZero("timeout", int(timeout.Seconds()))
	if err := p.AddInterface("allowed_updates", allowed); err != nil {
		return nil, err
	}
	raw, err := c.Call("getUpdates", p, nil)
	if err != nil {
		return nil, err
	}
	var updates []json.RawMessage
	if err := json.Unmarshal(raw, &updates); err != nil {
		return nil, &NetError{Method: "getUpdates", msg: "decode: " + err.Error()}
	}
	return updates, nil
}

// Health remembers whether Telegram answered the last call that tells, for
// a readiness check. The zero value is a Telegram not yet heard from.
type Health struct{ ok atomic.Bool }

// Reachable reports whether Telegram answered the last call noted.
func (h *Health) Reachable() bool { return h.ok.Load() }

func (h *Health) note(err error) {
	if h != nil {
		h.ok.Store(Answered(err))
	}
}

// CountsTowardLimits reports whether a method sends or changes a message,
// which Telegram's flood limits count.
func CountsTowardLimits(method string) bool {
	switch method {
	case "answerCallbackQuery", "answerInlineQuery", "setMyCommands", "deleteMyCommands",
		"getMe", "getUpdates", "setWebhook", "deleteWebhook":
		return false
	}
	return true
}

// MaxBackoff is the longest wait between attempts at a failing call.
const MaxBackoff = 60 * time.Second

// Backoff is the wait before the attempt-th retry of a call: doubling from
// a second, up to MaxBackoff, with jitter so that retries do not come in
// waves.
func Backoff(attempt int) time.Duration {
	d := MaxBackoff
	if attempt < 7 {
		d = min(MaxBackoff, time.Second<<max(attempt-1, 0))
	}
	return d - time.Duration(rand.Int64N(int64(d)/5))
}
