package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/storage/storagetest"
)

type fixture struct {
	t   *testing.T
	tg  *fake.Server
	web *httptest.Server
}

func newFixture(t *testing.T) *fixture {
	db, _ := storagetest.NewDB(t)
	for range 2 { // the second load finds the network there and does nothing
		if err := LoadDemo(context.Background(), db, "v-test"); err != nil {
			t.Fatal(err)
		}
	}
	var counts struct{ problems, answered, resolved, experts, moderators, ratings int }
	for q, dst := range map[string]*int{
		`SELECT count(*) FROM problems`:                                     &counts.problems,
		`SELECT count(*) FROM problems WHERE first_answer_at IS NOT NULL`:   &counts.answered,
		`SELECT count(*) FROM problems WHERE status = 'resolved'`:           &counts.resolved,
		`SELECT count(*) FROM experts`:                                      &counts.experts,
		`SELECT count(*) FROM users WHERE role = 'moderator' AND id = 3001`: &counts.moderators,
		`SELECT count(*) FROM ratings`:                                      &counts.ratings,
	} {
		if err := db.SQL().QueryRow(q).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if counts != (struct{ problems, answered, resolved, experts, moderators, ratings int }{4, 3, 2, 4, 1, 2}) {
		t.Errorf("demonstration data: %+v", counts)
	}
	tg := fake.New("1:sandbox-test", fake.Limits{})
	t.Cleanup(tg.Close)
	web := httptest.NewServer(New(tg, db, slog.New(slog.DiscardHandler)).Handler())
	t.Cleanup(web.Close)
	return &fixture{t: t, tg: tg, web: web}
}

// post posts a form, with a file when name is not empty, and returns the
// status and body of the answer.
func (f *fixture) post(path string, fields map[string]string, name string, data []byte) (int, string) {
	f.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if name != "" {
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(data)
	}
	w.Close()
	resp, err := http.Post(f.web.URL+path, w.FormDataContentType(), &body)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestBadInputGetsAnAnswer(t *testing.T) {
	f := newFixture(t)
	bot := f.tg.BotMessages
	tests := []struct {
		name   string
		path   string
		fields map[string]string
		file   string
		want   string
	}{
		{"UnknownPersona", "/api/send", map[string]string{"as": "42", "text": "hi"}, "", "no such persona"},
		{"NoPersona", "/api/press", map[string]string{"message_id": "1", "data": "x"}, "", "no such persona"},
		{"EmptyText", "/api/send", map[string]string{"as": "1001", "text": ""}, "", "1 to 4096 characters"},
		{"LongText", "/api/send", map[string]string{"as": "1001", "text": strings.Repeat("ә", 4097)}, "", "1 to 4096 characters"},
		{"LongCaption", "/api/send", map[string]string{"as": "1001", "text": strings.Repeat("a", 1025)}, "a.txt", "at most 1024"},
		{"EmptyFile", "/api/send", map[string]string{"as": "1001"}, "empty.txt", "1 byte to 20 MB"},
		{"ReplyToNothing", "/api/send", map[string]string{"as": "1001", "text": "hi", "reply_to": "99"}, "", "gone"},
		{"ForgedButton", "/api/press", map[string]string{"as": "1001", "message_id": "1", "data": "v1:approve:1"}, "", "that button is gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data []byte
			if tt.file == "a.txt" {
				data = []byte("text")
			}
			status, body := f.post(tt.path, tt.fields, tt.file, data)
			if status != http.StatusBadRequest || !strings.Contains(body, tt.want) {
				t.Errorf("%d %q, want 400 with %q", status, body, tt.want)
			}
		})
	}
	if n := f.tg.Unconfirmed(); n != 0 || len(bot(1001)) != 0 {
		t.Errorf("refused input reached the bot: %d updates", n)
	}
	resp, err := http.Get(f.web.URL + "/api/events?as=7")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("events of an unknown persona: %d, want 400", resp.StatusCode)
	}
}

// stream reads a persona's event stream.
type stream struct {
	t      *testing.T
	events chan [2]string // name, data
}

func (f *fixture) stream(persona int64) *stream {
	return f.streamOf(fmt.Sprint(persona))
}

// streamOf reads the stream of as: a persona's id, or "all".
func (f *fixture) streamOf(as string) *stream {
	ctx, cancel := context.WithCancel(context.Background())
	f.t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", f.web.URL+"/api/events?as="+as, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		f.t.Fatalf("events: Content-Type %q", ct)
	}
	s := &stream{t: f.t, events: make(chan [2]string, 100)}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var name string
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				name = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				s.events <- [2]string{name, v}
			}
		}
	}()
	return s
}

// next returns the data of the next event of the given name, skipping others.
func (s *stream) next(name string) string {
	s.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-s.events:
			if e[0] == name {
				return e[1]
			}
		case <-timeout:
			s.t.Fatalf("no %s event within 10 s", name)
		}
	}
}

// message returns the next message streamed.
func (s *stream) message() message {
	s.t.Helper()
	var m message
	if err := json.Unmarshal([]byte(s.next("message")), &m); err != nil {
		s.t.Fatal(err)
	}
	return m
}

// callBot calls the fake server's Bot API as the bot would.
func (f *fixture) callBot(method string, params url.Values) json.RawMessage {
	f.t.Helper()
	resp, err := http.PostForm(fmt.Sprintf("%s/bot%s/%s", f.tg.URL(), f.tg.Token, method), params)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		Description string          `json:"description"`
	}
	json.NewDecoder(resp.Body).Decode(&r)
	if !r.OK {
		f.t.Fatalf("%s: %s", method, r.Description)
	}
	return r.Result
}

// TestChatRoundTrip sends as a persona through the page's API and checks
// what the bot would get, then has the "bot" answer with a keyboard and
// checks what the page is streamed, a press, an edit and a file.
func TestChatRoundTrip(t *testing.T) {
	f := newFixture(t)
	s := f.stream(1001)
	if st := s.next("state"); !strings.Contains(st, `"lang":"kk"`) {
		t.Errorf("first state %s, want the persona's language kk", st)
	}
	s.next("ready")

	if status, body := f.post("/api/send", map[string]string{"as": "1001", "text": "/start"}, "", nil); status != 200 {
		t.Fatalf("send: %d %s", status, body)
	}
	mine := s.message()
	if mine.FromBot || mine.Text != "/start" {
		t.Errorf("streamed %+v, want the persona's /start", mine)
	}
	var updates []struct {
		UpdateID int64         `json:"update_id"`
		Message  *fake.Message `json:"message"`
	}
	json.Unmarshal(f.callBot("getUpdates", url.Values{"timeout": {"0"}}), &updates)
	if len(updates) != 1 || updates[0].Message.Text != "/start" || updates[0].Message.From.ID != 1001 || updates[0].Message.Entities == nil {
		t.Fatalf("the bot got %+v, want /start from 1001 as a command", updates)
	}
	offset := updates[0].UpdateID + 1

	// The bot answers with a keyboard, in HTML.
	kb := `{"inline_keyboard":[[{"text":"Қазақша","callback_data":"v1:lang:kk"}]]}`
	var sent fake.Message
	json.Unmarshal(f.callBot("sendMessage", url.Values{"chat_id": {"1001"}, "text": {"<b>Тілді</b> таңдаңыз"}, "parse_mode": {"HTML"}, "reply_markup": {kb}}), &sent)
	got := s.message()
	if !got.FromBot || got.HTML != "<b>Тілді</b> таңдаңыз" || len(got.Buttons) != 1 || got.Buttons[0][0].Data != "v1:lang:kk" {
		t.Errorf("streamed %+v, want the bot's HTML and its button", got)
	}

	// A press waits for the bot's answer and returns its text.
	go func() {
		var q []struct {
			CallbackQuery struct {
				ID   string `json:"id"`
				Data string `json:"data"`
			} `json:"callback_query"`
		}
		for len(q) == 0 {
			json.Unmarshal(f.callBot("getUpdates", url.Values{"offset": {fmt.Sprint(offset)}, "timeout": {"5"}}), &q)
		}
		f.callBot("answerCallbackQuery", url.Values{"callback_query_id": {q[0].CallbackQuery.ID}, "text": {"Тіл: қазақша."}})
		f.callBot("editMessageText", url.Values{"chat_id": {"1001"}, "message_id": {fmt.Sprint(sent.MessageID)}, "text": {"Тіл: қазақша."}})
	}()
	status, body := f.post("/api/press", map[string]string{"as": "1001", "message_id": fmt.Sprint(sent.MessageID), "data": "v1:lang:kk"}, "", nil)
	if status != 200 || !strings.Contains(body, `"text":"Тіл: қазақша."`) {
		t.Errorf("press: %d %s", status, body)
	}
	got = s.message()
	if got.ID != sent.MessageID || !got.Edited || got.HTML != "Тіл: қазақша." || got.Buttons != nil {
		t.Errorf("after the edit streamed %+v", got)
	}

	// A photo, as a reply to the bot's message, and a document.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	if status, body := f.post("/api/send", map[string]string{"as": "1001", "text": "сурет", "reply_to": fmt.Sprint(sent.MessageID)}, "a.png", png); status != 200 {
		t.Fatalf("send photo: %d %s", status, body)
	}
	got = s.message()
	if got.Photo == "" || got.Text != "сурет" || got.ReplyTo == nil || got.ReplyTo.ID != sent.MessageID {
		t.Fatalf("streamed %+v, want a photo with a caption replying to %d", got, sent.MessageID)
	}
	resp, err := http.Get(f.web.URL + "/api/files/" + got.Photo)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(b, png) {
		t.Errorf("the photo is served as %q, %d bytes", resp.Header.Get("Content-Type"), len(b))
	}
	if status, _ := f.post("/api/send", map[string]string{"as": "1001"}, "есеп.pdf", []byte("%PDF-1.4 report")); status != 200 {
		t.Fatalf("send document: %d", status)
	}
	got = s.message()
	if got.Document == nil || got.Document.Name != "есеп.pdf" {
		t.Fatalf("streamed %+v, want the document", got)
	}
	resp, err = http.Get(f.web.URL + "/api/files/" + got.Document.FileID + "?download=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "filename") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if resp, _ := http.Get(f.web.URL + "/api/files/nothing"); resp.StatusCode != 404 {
		t.Errorf("an unknown file: %d, want 404", resp.StatusCode)
	}
}

// One stream carries every persona's chat, each message and state naming
// whose it is, for the page's shared worker; the page sends what Telegram
// users send: a voice note, a video, a sticker and a location.
func TestSharedStreamAndWhatUsersSend(t *testing.T) {
	f := newFixture(t)
	all := f.streamOf("all")
	states := map[int64]bool{}
	for range Personas {
		var st chatState
		json.Unmarshal([]byte(all.next("state")), &st)
		states[st.As] = true
	}
	if len(states) != len(Personas) {
		t.Fatalf("states of %d personas at the start, want %d", len(states), len(Personas))
	}
	all.next("ready")

	ogg := append([]byte("OggS\x00\x02"), make([]byte, 100)...)
	mp4 := append([]byte("\x00\x00\x00\x18ftypmp42"), make([]byte, 100)...)
	for _, send := range []struct {
		as     string
		fields map[string]string
		file   string
		data   []byte
		check  func(fake.Message) bool
	}{
		{"1001", nil, "note.ogg", ogg, func(m fake.Message) bool { return m.Voice != nil }},
		{"1002", nil, "pump.mp4", mp4, func(m fake.Message) bool { return m.Video != nil }},
		{"2001", map[string]string{"sticker": "1"}, "", nil, func(m fake.Message) bool { return m.Sticker != nil }},
		{"3001", map[string]string{"location": "51.1282,71.4304"}, "", nil, func(m fake.Message) bool {
			return m.Location != nil && m.Location.Latitude == 51.1282
		}},
	} {
		fields := map[string]string{"as": send.as}
		for k, v := range send.fields {
			fields[k] = v
		}
		if status, body := f.post("/api/send", fields, send.file, send.data); status != http.StatusOK {
			t.Fatalf("send as %s: %d %s", send.as, status, body)
		}
		m := all.message()
		id, _ := strconv.ParseInt(send.as, 10, 64)
		if m.Chat != id {
			t.Errorf("a message of %s streamed as %d's", send.as, m.Chat)
		}
		msgs := f.tg.Messages(id)
		if len(msgs) == 0 || !send.check(msgs[len(msgs)-1]) {
			t.Errorf("as %s: the bot would get %+v", send.as, msgs)
		}
	}
	if status, body := f.post("/api/send", map[string]string{"as": "1001", "location": "north"}, "", nil); status != http.StatusBadRequest {
		t.Errorf("a location that is not one: %d %s", status, body)
	}
}
