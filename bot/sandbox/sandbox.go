// Package sandbox lets people try expertbot in a browser with no Telegram
// token: the bot talks to the fake Telegram server of package fake,
// running in the same process, and a web page that looks and behaves like a
// Telegram chat lets a visitor be one of the demonstration personas, type,
// press buttons, send files, voice notes, videos, stickers and locations,
// and reply, with the bot's answers arriving live over server-sent events:
// one stream for all of a browser's tabs, kept by a shared worker
// (static/events.js), so that a tab for each of the eight personas works.
package sandbox

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/storage"
)

//go:embed static
var static embed.FS

// Limits of what a visitor may send, as a Telegram app has them, and of
// what the sandbox keeps of all the files sent.
const (
	maxText    = 4096
	maxCaption = 1024
	maxFile    = 20 << 20
	maxFiles   = 200 << 20
)

// Sandbox serves the web chat.
type Sandbox struct {
	tg       *fake.Server
	db       *storage.DB
	log      *slog.Logger
	anyHost  bool // served beyond this machine: any Host is the sandbox's
	sameSite *http.CrossOriginProtection
}

// New returns a sandbox for a fake Telegram server and the bot's database.
// It makes the personas' chats known to the server, as if each had started
// the bot, so that the bot can write to the experts and moderators.
func New(tg *fake.Server, db *storage.DB, log *slog.Logger) *Sandbox {
	for _, p := range Personas {
		tg.AddChat(p.user())
	}
	// The authors of the demonstration's problems have started the bot too,
	// so that what the bot tells them reaches them.
	for _, h := range append(histories, pending) {
		tg.AddChat(fake.User{ID: h.author.ID, FirstName: h.author.FirstName, LanguageCode: h.author.Language})
	}
	tg.SetFileBudget(maxFiles)
	return &Sandbox{tg: tg, db: db, log: log, sameSite: http.NewCrossOriginProtection()}
}

// AllowAnyHost lets requests name the sandbox by any host, for a sandbox
// served beyond this machine; by default only loopback names are taken,
// so that a site that points its own name at 127.0.0.1 (DNS rebinding)
// cannot drive the sandbox from a visitor's browser.
func (s *Sandbox) AllowAnyHost() { s.anyHost = true }

func (p Persona) user() fake.User {
	return fake.User{ID: p.ID, FirstName: p.Name, LanguageCode: p.Lang}
}

// Handler serves the page, its files and its API.
func (s *Sandbox) Handler() http.Handler {
	files, _ := fs.Sub(static, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(files))
	mux.HandleFunc("GET /api/personas", s.personas)
	mux.HandleFunc("GET /api/events", s.events)
	mux.HandleFunc("POST /api/send", s.send)
	mux.HandleFunc("POST /api/press", s.press)
	mux.HandleFunc("GET /api/files/{id}", s.file)
	return s.ownRequests(mux)
}

// ownRequests refuses requests that name the sandbox by a host not its
// own, and requests that change something (send, press) from another
// site's page (http.CrossOriginProtection reads Sec-Fetch-Site and Origin).
func (s *Sandbox) ownRequests(h http.Handler) http.Handler {
	h = s.sameSite.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.anyHost && !loopbackHost(r.Host) {
			http.Error(w, "this sandbox answers only as localhost", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether a request's Host names this machine.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// personaView is a persona as the picker shows it.
type personaView struct {
	Persona
	CentreName string `json:"centre_name,omitempty"`
}

func (s *Sandbox) personas(w http.ResponseWriter, r *http.Request) {
	var out []personaView
	err := s.db.InTx(r.Context(), func(tx *storage.Tx) error {
		out = out[:0]
		for _, p := range Personas {
			v := personaView{Persona: p}
			if p.Centre != "" {
				c, err := tx.CentreByCode(r.Context(), p.Centre)
				if err != nil {
					return err
				}
				v.CentreName = c.Name(p.Lang)
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, out)
}

// persona reads the persona a request acts as, answering 400 when there
// is none.
func (s *Sandbox) persona(w http.ResponseWriter, r *http.Request) (Persona, bool) {
	id, _ := strconv.ParseInt(r.FormValue("as"), 10, 64)
	p, ok := PersonaByID(id)
	if !ok {
		http.Error(w, "no such persona: pick one on the start page", http.StatusBadRequest)
	}
	return p, ok
}

// events streams a persona's chat (as=ID), or every persona's (as=all),
// for the page's shared worker, which serves all the tabs of a browser
// over one connection: a browser keeps about six to one host, and a stream
// a tab would freeze the seventh. Every message comes once, again whenever
// it is edited, and each chat's state (language and command menu) when it
// changes; then "ready".
func (s *Sandbox) events(w http.ResponseWriter, r *http.Request) {
	people := Personas
	if r.FormValue("as") != "all" {
		p, ok := s.persona(w, r)
		if !ok {
			return
		}
		people = []Persona{p}
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	// The stream lasts as long as the page is open, past the server's
	// write timeout.
	http.NewResponseController(w).SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()

	sent := map[[2]int64]string{} // by chat and message id
	lastState := map[int64]string{}
	for first := true; ; first = false {
		changed := s.tg.Changed()
		for _, p := range people {
			news := false
			for _, m := range s.tg.Messages(p.ID) {
				key := [2]int64{p.ID, m.MessageID}
				b, _ := json.Marshal(view(m))
				if sent[key] != string(b) {
					sent[key], news = string(b), true
					fmt.Fprintf(w, "event: message\ndata: %s\n\n", b)
				}
			}
			if news || first {
				st, err := s.state(r.Context(), p)
				if err != nil {
					s.log.Warn("sandbox: chat state", "persona", p.ID, "err", err)
				} else if b, _ := json.Marshal(st); string(b) != lastState[p.ID] {
					lastState[p.ID] = string(b)
					fmt.Fprintf(w, "event: state\ndata: %s\n\n", b)
				}
			}
		}
		if first {
			fmt.Fprint(w, "event: ready\ndata: {}\n\n")
		}
		flusher.Flush()
		select {
		case <-changed:
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		case <-r.Context().Done():
			return
		}
	}
}

// chatState is what the page needs besides the messages.
type chatState struct {
	As   int64             `json:"as"` // the persona
	Lang string            `json:"lang"`
	Menu []fake.BotCommand `json:"menu"`
}

func (s *Sandbox) state(ctx context.Context, p Persona) (chatState, error) {
	st := chatState{As: p.ID, Lang: p.Lang}
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		u, err := tx.User(ctx, p.ID)
		if err != nil {
			return err
		}
		if u.Language != "" {
			st.Lang = u.Language
		}
		return nil
	})
	st.Menu = s.tg.Menu(p.ID, st.Lang)
	return st, err
}

// send sends a visitor's message as the persona, optionally as a reply:
// text; a file with a caption, which is a photo, a voice note (Ogg, as
// Telegram records them), audio, a video or a document by its content; a
// sticker; or a location.
func (s *Sandbox) send(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFile+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		http.Error(w, "the message or its file is too large (20 MB at most)", http.StatusRequestEntityTooLarge)
		return
	}
	p, ok := s.persona(w, r)
	if !ok {
		return
	}
	m := fake.Message{}
	text := r.FormValue("text")
	if id, _ := strconv.ParseInt(r.FormValue("reply_to"), 10, 64); id != 0 {
		orig, ok := s.tg.Message(p.ID, id)
		if !ok {
			http.Error(w, "the message to reply to is gone", http.StatusBadRequest)
			return
		}
		orig.ReplyToMessage = nil
		m.ReplyToMessage = &orig
	}
	f, fh, err := r.FormFile("file")
	switch {
	case r.FormValue("sticker") != "":
		m.Sticker = &fake.Sticker{FileID: "sandbox-sticker", FileUniqueID: "sandbox-sticker", Type: "regular", Width: 512, Height: 512}
	case r.FormValue("location") != "":
		var l fake.Location
		if _, err := fmt.Sscanf(r.FormValue("location"), "%g,%g", &l.Latitude, &l.Longitude); err != nil ||
			l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180 {
			http.Error(w, "a location is latitude,longitude", http.StatusBadRequest)
			return
		}
		m.Location = &l
	case errors.Is(err, http.ErrMissingFile):
		if text == "" || utf8.RuneCountInString(text) > maxText {
			http.Error(w, fmt.Sprintf("a message is 1 to %d characters", maxText), http.StatusBadRequest)
			return
		}
		m.Text = text
	case err != nil:
		http.Error(w, "the file could not be read", http.StatusBadRequest)
		return
	default:
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil || len(data) == 0 || len(data) > maxFile {
			http.Error(w, "a file is 1 byte to 20 MB", http.StatusBadRequest)
			return
		}
		if utf8.RuneCountInString(text) > maxCaption {
			http.Error(w, fmt.Sprintf("a caption is at most %d characters", maxCaption), http.StatusBadRequest)
			return
		}
		ctype := http.DetectContentType(data)
		id := s.tg.AddFile(fake.File{Name: fh.Filename, MimeType: ctype, Data: data})
		m.Caption = text
		switch ctype {
		case "image/jpeg", "image/png", "image/webp", "image/gif":
			m.Photo = []fake.PhotoSize{{FileID: id, FileUniqueID: id, Width: 1280, Height: 960}}
		case "application/ogg", "audio/ogg":
			m.Voice = &fake.Voice{FileID: id, FileUniqueID: id, Duration: 5}
		case "audio/mpeg", "audio/wave", "audio/aiff":
			m.Audio = &fake.Audio{FileID: id, FileUniqueID: id, Duration: 5, FileName: fh.Filename}
		case "video/mp4", "video/webm":
			m.Video = &fake.Video{FileID: id, FileUniqueID: id, Width: 640, Height: 480, Duration: 5, FileName: fh.Filename}
		default:
			m.Document = &fake.Document{FileID: id, FileUniqueID: id, FileName: fh.Filename, MimeType: ctype}
		}
	}
	sent := s.tg.Send(p.user(), m)
	writeJSON(w, map[string]int64{"id": sent.MessageID})
}

// press presses a button under one of the bot's messages and answers with
// the bot's answer to the press, such as a short notice, once it comes.
func (s *Sandbox) press(w http.ResponseWriter, r *http.Request) {
	p, ok := s.persona(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.FormValue("message_id"), 10, 64)
	m, ok := s.tg.Message(p.ID, id)
	data := r.FormValue("data")
	if !ok || !hasButton(m, data) {
		http.Error(w, "that button is gone", http.StatusBadRequest)
		return
	}
	q := s.tg.Press(p.user(), &m, data)
	var text string
	answered := s.tg.WaitFor(15*time.Second, func() bool {
		var ok bool
		text, ok = s.tg.CallbackAnswer(q)
		return ok
	})
	writeJSON(w, map[string]any{"answered": answered, "text": text})
}

func hasButton(m fake.Message, data string) bool {
	if m.ReplyMarkup == nil || data == "" {
		return false
	}
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData == data {
				return true
			}
		}
	}
	return false
}

// file serves a photo or document someone sent in the sandbox.
func (s *Sandbox) file(w http.ResponseWriter, r *http.Request) {
	f, ok := s.tg.FileByID(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	// A picture, a sound or a video shows in the chat; anything else, which
	// may be a page or a script, only downloads, as bytes, and never runs as
	// the sandbox's.
	ctype := http.DetectContentType(f.Data)
	if ctype == "application/ogg" {
		ctype = "audio/ogg"
	}
	inline := inlineTypes[ctype] && !r.URL.Query().Has("download")
	if !inlineTypes[ctype] {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	if !inline {
		name := f.Name
		if name == "" {
			name = "file"
		}
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	w.Write(f.Data)
}

// inlineTypes are the types a file is shown or played inline as: pictures,
// sound and video, none of which runs as a page.
var inlineTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
	"audio/ogg": true, "audio/mpeg": true, "audio/wave": true, "video/mp4": true, "video/webm": true}

func (s *Sandbox) fail(w http.ResponseWriter, err error) {
	s.log.Error("sandbox", "err", err)
	http.Error(w, "the sandbox could not do that: "+err.Error(), http.StatusInternalServerError)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
