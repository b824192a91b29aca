// Package fake is a fake Telegram Bot API server: the sandbox's Telegram,
// and the tests' and the load generator's. It speaks the Bot API's HTTP
// protocol for the methods expertbot uses, checks every request against
// the machine-readable Bot API description, enforces Telegram's limits
// (answering 429 with retry_after), and can be told to fail. Its users push
// updates as given users and read what the bot sent.
package fake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BotUser is the bot as getMe describes it.
var BotUser = User{ID: 777000111, IsBot: true, FirstName: "Expertbot", Username: "expert_test_bot"}

// Server is a fake Bot API server.
type Server struct {
	Token  string
	limits Limits
	http   *http.Server // nil until Start
	url    string

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every change, for waiters
	nextUpdate int64
	queue      []queuedUpdate
	history    []queuedUpdate // every update pushed, for Redeliver
	allowed    []string       // allowed_updates of the last getUpdates
	pollGen    int            // bumped by each getUpdates; an older poll still waiting gets 409
	webhook    string
	secret     string        // the webhook's secret_token
	hookGen    int           // bumped by setWebhook and deleteWebhook; stops older deliverers
	closed     chan struct{} // closed by Close
	chats      map[int64]*chatState
	callbacks  map[string]*callbackState
	inline     map[string]json.RawMessage // inline queries asked, with their answers once given
	requests   []Request
	violations []string
	faults     []*Fault
	commands   map[string][]BotCommand
	files      map[string]File
	fileOrder  []string // the files' ids, oldest first
	fileBytes  int      // of all the files kept
	fileBudget int      // the most bytes of files kept; 0: no bound
	global     window
	stats      Stats
}

// Limits are the limits the server enforces. The zero value enforces none.
type Limits struct {
	Global       int           // calls that send or edit messages, per GlobalWindow, across all chats
	GlobalWindow time.Duration //
	ChatBurst    int           // a private chat's bucket: this many at once…
	ChatRate     float64       // …refilled at this many per second
	Group        int           // calls per GroupWindow in one group chat
	GroupWindow  time.Duration
}

// TelegramLimits are the limits Telegram documents for bots: about 30
// messages per second in all, 1 per second in a private chat with short
// bursts allowed, and 20 per minute in a group.
var TelegramLimits = Limits{
	Global: 30, GlobalWindow: time.Second,
	ChatBurst: 3, ChatRate: 1,
	Group: 20, GroupWindow: time.Minute,
}

// Stats counts what happened on the server.
type Stats struct {
	Requests    int      // every call
	Sent        int      // calls that created or changed a message and succeeded
	RateLimited int      // 429s for going over a limit…
	Limited     []string // …and which limit, for each
	Injected    int      // failures the test asked for
	Posts       int      // webhook requests made
	PostsFailed int      // webhook requests not answered 200
	MaxPerChat  int      // most message calls one chat had in any GlobalWindow
	Connections int      // connections the bot opened to the server
}

// Request is one call the bot made.
type Request struct {
	Method string
	Params map[string]string
	Files  map[string][]byte
	At     time.Time
	Status int // HTTP status of the answer
	Error  string
}

// Fault makes matching calls fail. Zero fields match anything.
type Fault struct {
	Method     string        // only this method
	ChatID     int64         // only calls for this chat
	Status     int           // answer with this status: 5xx, 429, 403, 400
	RetryAfter int           // with 429: the retry_after to give
	Delay      time.Duration // wait this long before answering (a timeout for the client)
	Late       time.Duration // carry the call out, then hold its answer this long
	Until      time.Time     // the fault ends then (zero: never)
	Count      int           // the fault ends after this many calls (zero: never)
	Message    string        // the error description
}

// New starts a fake server on a free port of 127.0.0.1, with the given
// token and limits.
func New(token string, limits Limits) *Server {
	s := NewUnstarted(token, limits)
	if err := s.Start("127.0.0.1:0"); err != nil {
		panic("fake: " + err.Error())
	}
	return s
}

// NewUnstarted makes a fake server that does not listen: it serves the
// requests given to ServeHTTP, as a test's http.RoundTripper may, until
// Start.
func NewUnstarted(token string, limits Limits) *Server {
	return &Server{
		Token:      token,
		limits:     limits,
		url:        "http://api.telegram.invalid",
		changed:    make(chan struct{}),
		nextUpdate: 100000,
		chats:      map[int64]*chatState{},
		callbacks:  map[string]*callbackState{},
		inline:     map[string]json.RawMessage{},
		commands:   map[string][]BotCommand{},
		files:      map[string]File{},
		closed:     make(chan struct{}),
	}
}

// Start serves the Bot API over HTTP on addr, such as "127.0.0.1:0".
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.url = "http://" + ln.Addr().String()
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.http.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.mu.Lock()
			s.stats.Connections++
			s.mu.Unlock()
		}
	}
	go s.http.Serve(ln)
	return nil
}

// Close shuts the server down, closing every connection.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	if s.http != nil {
		s.http.Close()
	}
}

// URL is the server's base address.
func (s *Server) URL() string { return s.url }

// Endpoint is the API endpoint in go-telegram-bot-api's format.
func (s *Server) Endpoint() string { return s.url + "/bot%s/%s" }

// Problems lists the requests that broke the Bot API's rules and the
// callback queries nobody answered.
func (s *Server) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]string(nil), s.violations...)
	for id, c := range s.callbacks {
		if !c.answered {
			out = append(out, fmt.Sprintf("callback query %s (%q) was never answered", id, c.data))
		}
	}
	return out
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Limited = append([]string(nil), s.stats.Limited...)
	return st
}

// Requests returns every call made so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// AddFault makes matching calls fail until the fault ends.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults ends every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Block makes a user's chat answer 403, as when the user blocked the bot.
func (s *Server) Block(chatID int64) {
	s.AddFault(Fault{ChatID: chatID, Status: 403, Message: "Forbidden: bot was blocked by the user"})
}

// Commands returns the commands set for a scope and language, as JSON of
// the scope (for example {"type":"default"}) and a language code or "".
func (s *Server) Commands(scope, lang string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[scope+"|"+lang]
}

// Webhook returns the webhook URL set, or "".
func (s *Server) Webhook() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// apiError is an answer with ok=false.
type apiError struct {
	status     int
	message    string
	retryAfter int
}

func (e *apiError) Error() string { return e.message }

func badRequest(format string, args ...any) *apiError {
	return &apiError{status: 400, message: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// ServeHTTP serves one Bot API call: /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/bot")
	token, method, ok := strings.Cut(path, "/")
	if !ok || path == r.URL.Path {
		http.NotFound(w, r)
		return
	}
	if token != s.Token {
		writeJSON(w, 401, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	params, files, names, err := readParams(r)
	if err != nil {
		writeError(w, badRequest("%v", err))
		return
	}

	req := Request{Method: method, Params: params, Files: files, At: time.Now()}
	result, late, apiErr := s.call(r, method, params, files, names)
	if late > 0 {
		select {
		case <-time.After(late):
		case <-r.Context().Done():
		}
	}
	if apiErr != nil {
		req.Status, req.Error = apiErr.status, apiErr.message
		s.record(req)
		writeError(w, apiErr)
		return
	}
	req.Status = 200
	s.record(req)
	writeJSON(w, 200, map[string]any{"ok": true, "result": result})
}

func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Requests++
	s.requests = append(s.requests, req)
}

// call serves one call, and says how long to hold its answer.
func (s *Server) call(r *http.Request, method string, params map[string]string, files map[string][]byte, names map[string]string) (any, time.Duration, *apiError) {
	isFile := map[string]bool{}
	for name := range files {
		isFile[name] = true
	}
	if problems := checkRequest(method, params, isFile); len(problems) > 0 {
		s.violate(problems...)
		return nil, 0, badRequest("%s", strings.Join(problems, "; "))
	}
	late, err := s.injectFault(r, method, params)
	if err != nil {
		return nil, 0, err
	}
	result, err := s.serve(r, method, params, files, names)
	return result, late, err
}

// serve carries a call out.
func (s *Server) serve(r *http.Request, method string, params map[string]string, files map[string][]byte, names map[string]string) (any, *apiError) {
	switch method {
	case "getMe":
		return BotUser, nil
	case "getUpdates":
		return s.getUpdates(r, params)
	case "setWebhook":
		s.mu.Lock()
		s.webhook, s.secret = params["url"], params["secret_token"]
		if a, ok := params["allowed_updates"]; ok {
			s.allowed = nil
			json.Unmarshal([]byte(a), &s.allowed)
		}
		s.hookGen++
		go s.deliver(s.hookGen, s.webhook, s.secret)
		s.mu.Unlock()
		return true, nil
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook = ""
		s.hookGen++
		if params["drop_pending_updates"] == "true" {
			s.queue = nil
		}
		s.mu.Unlock()
		return true, nil
	case "setMyCommands":
		return s.setMyCommands(params)
	case "setChatMenuButton":
		return s.setChatMenuButton(params)
	case "deleteMyCommands":
		return s.deleteMyCommands(params)
	case "deleteMessage":
		return s.deleteMessage(params)
	case "banChatMember", "unbanChatMember":
		return s.chatMember(method, params)
	case "answerCallbackQuery":
		return s.answerCallbackQuery(params)
	case "setMessageReaction":
		return s.setMessageReaction(params)
	case "answerInlineQuery":
		return s.answerInlineQuery(params)
	case "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio", "sendVideo", "sendVideoNote",
		"copyMessage", "editMessageText", "editMessageReplyMarkup", "sendMediaGroup":
		return s.message(method, params, files, names)
	}
	return nil, &apiError{status: 404, message: "Not Found: method " + method + " is not served by the fake server"}
}

func (s *Server) violate(problems ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, problems...)
}

// injectFault applies the first matching fault: it returns the error to
// answer with, or how long to hold the answer of a call carried out.
func (s *Server) injectFault(r *http.Request, method string, params map[string]string) (time.Duration, *apiError) {
	chat, _ := strconv.ParseInt(params["chat_id"], 10, 64)
	now := time.Now()
	s.mu.Lock()
	var f *Fault
	for i := 0; i < len(s.faults); i++ {
		c := s.faults[i]
		if (!c.Until.IsZero() && now.After(c.Until)) || c.Count < 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			i--
			continue
		}
		if (c.Method == "" || c.Method == method) && (c.ChatID == 0 || c.ChatID == chat) {
			f = c
			if c.Count > 0 {
				if c.Count--; c.Count == 0 {
					c.Count = -1
				}
			}
			break
		}
	}
	if f != nil {
		s.stats.Injected++
		if f.Status == 429 && chat != 0 {
			s.chat(chat).blockedUntil = now.Add(time.Duration(f.RetryAfter) * time.Second)
		}
	}
	s.mu.Unlock()
	if f == nil {
		return 0, nil
	}
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
		}
	}
	if f.Status == 0 {
		return f.Late, nil
	}
	msg := f.Message
	if msg == "" {
		msg = http.StatusText(f.Status)
		if f.Status == 429 {
			msg = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
		}
	}
	return 0, &apiError{status: f.Status, message: msg, retryAfter: f.RetryAfter}
}

// readParams reads a call's parameters, the files uploaded with it and
// their names, by the parameter they were uploaded as.
func readParams(r *http.Request) (params map[string]string, files map[string][]byte, names map[string]string, err error) {
	params, files, names = map[string]string{}, map[string][]byte{}, map[string]string{}
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "multipart/form-data") {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, nil, nil, err
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		for k, fhs := range r.MultipartForm.File {
			b, err := readFile(fhs[0])
			if err != nil {
				return nil, nil, nil, err
			}
			files[k], names[k] = b, fhs[0].Filename
		}
		return params, files, names, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, nil, err
	}
	for k, v := range r.Form {
		params[k] = v[0]
	}
	return params, files, names, nil
}

func readFile(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"ok": false, "error_code": e.status, "description": e.message}
	if e.retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": e.retryAfter}
	}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// notify wakes everyone waiting for a change; call with mu held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitFor waits until cond, called with no lock held, is true, re-checking
// after every change on the server. It reports false on timeout.
func (s *Server) WaitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			return cond()
		}
	}
}
