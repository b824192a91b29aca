package fake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// User is a Telegram user.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat is a Telegram chat.
type Chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
}

// PhotoSize is one size of a photo.
type PhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
}

// Document is a general file.
type Document struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	Data         []byte `json:"-"` // the bytes the bot uploaded
}

// Voice is a voice note.
type Voice struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Duration     int    `json:"duration"`
}

// Audio is a music or audio file.
type Audio struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Duration     int    `json:"duration"`
	FileName     string `json:"file_name,omitempty"`
}

// Video is a video file.
type Video struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	Duration     int    `json:"duration"`
	FileName     string `json:"file_name,omitempty"`
}

// VideoNote is a round video message.
type VideoNote struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Length       int    `json:"length"`
	Duration     int    `json:"duration"`
}

// Location is a point on the map.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Sticker is a sticker.
type Sticker struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Type         string `json:"type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	IsAnimated   bool   `json:"is_animated"`
	IsVideo      bool   `json:"is_video"`
}

// Contact is a phone contact a user shared.
type Contact struct {
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
	UserID      int64  `json:"user_id,omitempty"`
}

// MessageEntity marks a part of a message's text, such as a command.
type MessageEntity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

// InlineKeyboardButton is one button under a message.
type InlineKeyboardButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// InlineKeyboardMarkup is the keyboard under a message.
type InlineKeyboardMarkup struct {
	InlineKeyboard [][]InlineKeyboardButton `json:"inline_keyboard"`
}

// Message is a message in a chat, from a user or from the bot.
type Message struct {
	MessageID      int64                 `json:"message_id"`
	From           *User                 `json:"from,omitempty"`
	Chat           Chat                  `json:"chat"`
	Date           int64                 `json:"date"`
	EditDate       int64                 `json:"edit_date,omitempty"`
	MediaGroupID   string                `json:"media_group_id,omitempty"`
	ForwardFrom    *User                 `json:"forward_from,omitempty"`
	ForwardDate    int64                 `json:"forward_date,omitempty"`
	ReplyToMessage *Message              `json:"reply_to_message,omitempty"`
	Text           string                `json:"text,omitempty"`
	Entities       []MessageEntity       `json:"entities,omitempty"`
	Caption        string                `json:"caption,omitempty"`
	Photo          []PhotoSize           `json:"photo,omitempty"`
	Document       *Document             `json:"document,omitempty"`
	Voice          *Voice                `json:"voice,omitempty"`
	Audio          *Audio                `json:"audio,omitempty"`
	Video          *Video                `json:"video,omitempty"`
	VideoNote      *VideoNote            `json:"video_note,omitempty"`
	Sticker        *Sticker              `json:"sticker,omitempty"`
	Location       *Location             `json:"location,omitempty"`
	Contact        *Contact              `json:"contact,omitempty"`
	ReplyMarkup    *InlineKeyboardMarkup `json:"reply_markup,omitempty"`

	// What the bot sent, as it sent it: the method and the text before
	// HTML parsing. Empty for users' messages.
	Method  string    `json:"-"`
	HTML    string    `json:"-"`
	Edits   []string  `json:"-"` // earlier texts, oldest first
	Edited  time.Time `json:"-"` // when the server accepted the last edit
	Deleted bool      `json:"-"` // the bot deleted it
	// The bot's reaction to it (setMessageReaction), empty for none.
	Reaction string    `json:"-"`
	At       time.Time `json:"-"` // when the server accepted it
}

// Button returns the callback data of the button labelled label.
func (m Message) Button(label string) (string, bool) {
	if m.ReplyMarkup == nil {
		return "", false
	}
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.Text == label || strings.TrimSpace(strings.TrimPrefix(b.Text, "✅")) == label {
				return b.CallbackData, true
			}
		}
	}
	return "", false
}

// Buttons lists the labels of the message's buttons.
func (m Message) Buttons() []string {
	var out []string
	if m.ReplyMarkup != nil {
		for _, row := range m.ReplyMarkup.InlineKeyboard {
			for _, b := range row {
				out = append(out, b.Text)
			}
		}
	}
	return out
}

// CallbackQuery is a press of an inline button.
type CallbackQuery struct {
	ID           string   `json:"id"`
	From         User     `json:"from"`
	Message      *Message `json:"message,omitempty"`
	ChatInstance string   `json:"chat_instance"`
	Data         string   `json:"data,omitempty"`
}

type queuedUpdate struct {
	id   int64
	kind string
	raw  json.RawMessage
}

type callbackState struct {
	data     string
	answered bool
	text     string
}

// PushUpdate queues an update of the given kind ("message",
// "callback_query", …) and returns its update_id.
func (s *Server) PushUpdate(kind string, payload any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(kind, payload)
}

func (s *Server) pushLocked(kind string, payload any) int64 {
	s.nextUpdate++
	id := s.nextUpdate
	body, err := json.Marshal(map[string]any{"update_id": id, kind: payload})
	if err != nil {
		panic(err)
	}
	u := queuedUpdate{id: id, kind: kind, raw: body}
	s.queue = append(s.queue, u)
	s.history = append(s.history, u)
	s.notify()
	return id
}

// Redeliver gives the bot an update again, with the same update_id, as
// Telegram does when it was not sure the bot got it.
func (s *Server) Redeliver(updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.history {
		if u.id == updateID {
			s.queue = append(s.queue, u)
			s.notify()
			return
		}
	}
	panic("fake: Redeliver of an update never pushed")
}

// Send sends a message from a user to the bot in their private chat and
// returns it as the bot will see it. Fill in what the message carries
// (Text, Photo, Document, Sticker, MediaGroupID, ReplyToMessage…); the
// server sets the id, sender, chat and date.
func (s *Server) Send(from User, m Message) *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sendLocked(from, m)
}

// SendTexts sends a text message from each user to the bot, all at once:
// the bot can take none of them before every one is queued, as when a
// crowd writes within the same moment.
func (s *Server) SendTexts(from []User, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range from {
		s.sendLocked(u, Message{Text: text})
	}
}

func (s *Server) sendLocked(from User, m Message) *Message {
	c := s.privateChat(from)
	c.nextMsgID++
	m.MessageID = c.nextMsgID
	m.From = &from
	m.Chat = c.chat
	m.At = time.Now()
	m.Date = m.At.Unix()
	if strings.HasPrefix(m.Text, "/") {
		cmd, _, _ := strings.Cut(m.Text, " ")
		m.Entities = []MessageEntity{{Type: "bot_command", Offset: 0, Length: textLength(cmd)}}
	}
	c.messages = append(c.messages, &m)
	s.pushLocked("message", &m)
	cp := m
	return &cp
}

// SendText sends a text message from a user to the bot.
func (s *Server) SendText(from User, text string) *Message {
	return s.Send(from, Message{Text: text})
}

// Edit edits a message the user sent earlier.
func (s *Server) Edit(from User, m *Message, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.privateChat(from)
	for _, old := range c.messages {
		if old.MessageID == m.MessageID {
			old.Edits = append(old.Edits, old.Text)
			old.Text = text
			old.EditDate = time.Now().Unix()
			s.pushLocked("edited_message", old)
			return
		}
	}
	panic("fake: Edit of a message not in the chat")
}

// Press presses the button with the given callback data under a message
// and returns the callback query's id. Data need not belong to any button:
// a test may forge it.
func (s *Server) Press(from User, m *Message, data string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privateChat(from)
	id := strconv.FormatInt(time.Now().UnixNano(), 36) + strconv.FormatInt(s.nextUpdate, 36)
	s.callbacks[id] = &callbackState{data: data}
	q := CallbackQuery{ID: id, From: from, Message: m, ChatInstance: "ci" + strconv.FormatInt(from.ID, 10), Data: data}
	s.pushLocked("callback_query", &q)
	return id
}

// InlineQuery is what a user types after the bot's @username in any chat.
type InlineQuery struct {
	ID     string `json:"id"`
	From   User   `json:"from"`
	Query  string `json:"query"`
	Offset string `json:"offset"`
}

// AskInline types "@bot query" as a user, and returns the query's id.
func (s *Server) AskInline(from User, query string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "iq" + strconv.FormatInt(time.Now().UnixNano(), 36) + strconv.FormatInt(s.nextUpdate, 36)
	s.inline[id] = nil
	s.pushLocked("inline_query", &InlineQuery{ID: id, From: from, Query: query})
	return id
}

// InlineAnswer returns the results the bot answered an inline query with,
// as JSON, and whether it answered at all.
func (s *Server) InlineAnswer(id string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.inline[id]
	return r, ok && r != nil
}

// CallbackAnswer returns the text the bot answered a callback query with,
// and whether it answered at all.
func (s *Server) CallbackAnswer(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.callbacks[id]
	if !ok {
		return "", false
	}
	return c.text, c.answered
}

// Unconfirmed counts the updates that the bot has not yet confirmed.
func (s *Server) Unconfirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

func (s *Server) getUpdates(r *http.Request, params map[string]string) (any, *apiError) {
	offset, _ := strconv.ParseInt(params["offset"], 10, 64)
	limit, _ := strconv.Atoi(params["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(params["timeout"])
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook != "" {
		return nil, &apiError{status: 409, message: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if a, ok := params["allowed_updates"]; ok {
		s.allowed = nil
		json.Unmarshal([]byte(a), &s.allowed)
	}
	s.pollGen++
	gen := s.pollGen
	if offset > 0 {
		kept := s.queue[:0]
		for _, u := range s.queue {
			if u.id >= offset {
				kept = append(kept, u)
			}
		}
		s.queue = kept
	}
	for {
		var out []json.RawMessage
		for _, u := range s.queue {
			if len(out) == limit {
				break
			}
			if len(s.allowed) == 0 || contains(s.allowed, u.kind) {
				out = append(out, u.raw)
			}
		}
		if len(out) > 0 || !time.Now().Before(deadline) {
			if out == nil {
				out = []json.RawMessage{}
			}
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-time.After(time.Until(deadline)):
		case <-r.Context().Done():
		}
		s.mu.Lock()
		if s.pollGen != gen {
			return nil, &apiError{status: 409, message: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		if r.Context().Err() != nil {
			return nil, &apiError{status: 499, message: "client went away"}
		}
	}
}
