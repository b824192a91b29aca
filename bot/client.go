package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// client calls the Bot API through go-telegram-bot-api. Its errors never
// carry the token: the library's network errors quote the request URL,
// which contains it.
type client struct {
	api   *tgbotapi.BotAPI
	token string
}

// newClient makes a client for up to conns calls at once, whose requests
// time out after timeout and are abandoned when ctx is cancelled. As many
// connections are kept open for the next calls: Go's default keeps two, and
// a sender with more calls in flight would open a new connection, a TLS
// handshake with Telegram, for most of its calls. The library's
// constructor calls getMe and fails when Telegram cannot be reached, so the
// BotAPI is built by hand and getMe is called where it can be retried.
func newClient(ctx context.Context, token, endpoint string, timeout time.Duration, conns int) *client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = conns
	httpClient := &http.Client{
		Timeout:   timeout,
		Transport: ctxTransport{ctx: ctx, base: transport},
	}
	api := &tgbotapi.BotAPI{Token: token, Client: httpClient, Buffer: 100}
	api.SetAPIEndpoint(endpoint)
	return &client{api: api, token: token}
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
// the connection rather than use it again, and the next call opens another,
// with Telegram a TLS handshake.
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
func (e *APIError) Blocked() bool {
	return e.Code == http.StatusForbidden
}

// NetError is a call that got no answer from Telegram, with the token
// removed from its text.
type NetError struct {
	Method string
	msg    string
}

func (e *NetError) Error() string { return fmt.Sprintf("telegram: %s: %s", e.Method, e.msg) }

// call makes one Bot API call and returns its result.
func (c *client) call(method string, params tgbotapi.Params, file *tgbotapi.RequestFile) (json.RawMessage, error) {
	var resp *tgbotapi.APIResponse
	var err error
	if file != nil {
		resp, err = c.api.UploadFiles(method, params, []tgbotapi.RequestFile{*file})
	} else {
		resp, err = c.api.MakeRequest(method, params)
	}
	if err != nil {
		return nil, c.classify(method, err)
	}
	return resp.Result, nil
}

func (c *client) classify(method string, err error) error {
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

// getMe asks Telegram who the bot is.
func (c *client) getMe() (tgbotapi.User, error) {
	raw, err := c.call("getMe", nil, nil)
	if err != nil {
		return tgbotapi.User{}, err
	}
	var u tgbotapi.User
	err = json.Unmarshal(raw, &u)
	return u, err
}
