package fake

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type chatState struct {
	chat      Chat
	nextMsgID int64
	messages  []*Message
	sent      int // of messages, how many the bot sent

	tokens       float64 // private chats: the burst bucket
	refilled     time.Time
	recent       window // group chats: calls in the last GroupWindow
	blockedUntil time.Time
	members      map[int64]string // group chats: members the bot removed, by status
}

// window counts events in a sliding window.
type window struct{ at []time.Time }

func (w *window) count(now time.Time, d time.Duration) int {
	i := 0
	for i < len(w.at) && now.Sub(w.at[i]) >= d {
		i++
	}
	w.at = w.at[i:]
	return len(w.at)
}

func (w *window) add(now time.Time) { w.at = append(w.at, now) }

// chat returns a chat's state, creating it; call with mu held.
func (s *Server) chat(id int64) *chatState {
	c, ok := s.chats[id]
	if !ok {
		kind := "private"
		if id < 0 {
			kind = "supergroup"
		}
		c = &chatState{chat: Chat{ID: id, Type: kind}, tokens: float64(s.limits.ChatBurst), refilled: time.Now()}
		s.chats[id] = c
	}
	return c
}

func (s *Server) privateChat(u User) *chatState {
	c := s.chat(u.ID)
	c.chat.FirstName, c.chat.Username = u.FirstName, u.Username
	return c
}

// AddChat makes a private chat known to the server, as when the user
// started the bot earlier.
func (s *Server) AddChat(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privateChat(u)
}

// ChatIDs lists the chats the server knows, in no order.
func (s *Server) ChatIDs() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(s.chats))
	for id := range s.chats {
		ids = append(ids, id)
	}
	return ids
}

// SentCount counts the bot's messages in a chat.
func (s *Server) SentCount(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.chats[chatID]; ok {
		return c.sent
	}
	return 0
}

// AddGroup makes a group chat known to the server, as when the bot is
// added to it.
func (s *Server) AddGroup(id int64, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chat(id)
	c.chat.Title = title
}

// Messages returns every message in a chat, the users' and the bot's, oldest first.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	out := make([]Message, len(c.messages))
	for i, m := range c.messages {
		out[i] = *m
	}
	return out
}

// BotMessages returns the bot's messages in a chat, oldest first.
func (s *Server) BotMessages(chatID int64) []Message {
	var out []Message
	for _, m := range s.Messages(chatID) {
		if m.From != nil && m.From.ID == BotUser.ID {
			out = append(out, m)
		}
	}
	return out
}

// changing returns the chat a call sends to or changes, within its limits;
// call with mu held.
func (s *Server) changing(chatID int64) (*chatState, *apiError) {
	c, ok := s.chats[chatID]
	if !ok {
		return nil, badRequest("chat not found")
	}
	if apiErr := s.limited(c, time.Now()); apiErr != nil {
		return nil, apiErr
	}
	return c, nil
}

// limited applies the limits to a call that sends or edits a message in
// a chat; call with mu held.
func (s *Server) limited(c *chatState, now time.Time) *apiError {
	if now.Before(c.blockedUntil) {
		why := fmt.Sprintf("chat %d: called %v before its retry_after ended", c.chat.ID, c.blockedUntil.Sub(now).Round(time.Millisecond))
		s.violations = append(s.violations, why)
		return s.tooMany(c, now, c.blockedUntil.Sub(now), why)
	}
	l := s.limits
	if l.Global > 0 && s.global.count(now, l.GlobalWindow) >= l.Global {
		why := fmt.Sprintf("chat %d: the %dth call in all within %v", c.chat.ID, l.Global+1, now.Sub(s.global.at[0]).Round(time.Millisecond))
		return s.tooMany(c, now, l.GlobalWindow-now.Sub(s.global.at[0]), why)
	}
	switch {
	case c.chat.ID > 0 && l.ChatBurst > 0:
		c.tokens = math.Min(float64(l.ChatBurst), c.tokens+now.Sub(c.refilled).Seconds()*l.ChatRate)
		c.refilled = now
		if c.tokens < 1 {
			why := fmt.Sprintf("chat %d: over its burst of %v", c.chat.ID, l.ChatBurst)
			return s.tooMany(c, now, time.Duration((1-c.tokens)/l.ChatRate*float64(time.Second)), why)
		}
		c.tokens--
	case c.chat.ID < 0 && l.Group > 0:
		if c.recent.count(now, l.GroupWindow) >= l.Group {
			why := fmt.Sprintf("group %d: the %dth call within %v", c.chat.ID, l.Group+1, l.GroupWindow)
			return s.tooMany(c, now, l.GroupWindow-now.Sub(c.recent.at[0]), why)
		}
		c.recent.add(now)
	}
	if l.Global > 0 {
		s.global.add(now)
	}
	return nil
}

func (s *Server) tooMany(c *chatState, now time.Time, wait time.Duration, why string) *apiError {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	s.stats.RateLimited++
	s.stats.Limited = append(s.stats.Limited, now.Format("15:04:05.000")+" "+why)
	c.blockedUntil = now.Add(time.Duration(secs) * time.Second)
	return &apiError{status: 429, message: fmt.Sprintf("Too Many Requests: retry after %d", secs), retryAfter: secs}
}

// message serves the methods that send or edit messages.
func (s *Server) message(method string, p map[string]string, files map[string][]byte, names map[string]string) (any, *apiError) {
	chatID, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return nil, badRequest("chat_id must be a number in the fake server")
	}
	text, apiErr := s.checkText(method, p)
	if apiErr != nil {
		return nil, apiErr
	}
	markup, apiErr := s.checkMarkup(p["reply_markup"])
	if apiErr != nil {
		return nil, apiErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, apiErr := s.changing(chatID)
	if apiErr != nil {
		return nil, apiErr
	}

	switch method {
	case "editMessageText", "editMessageReplyMarkup":
		id, _ := strconv.ParseInt(p["message_id"], 10, 64)
		m := c.find(id)
		if m == nil {
			return nil, badRequest("message to edit not found")
		}
		if m.Method == "" {
			return nil, badRequest("message can't be edited")
		}
		newText, newHTML := m.Text, m.HTML
		if method == "editMessageText" {
			newText, newHTML = text, p["text"]
		}
		if newHTML == m.HTML && sameMarkup(markup, m.ReplyMarkup) {
			return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
		}
		if newHTML != m.HTML {
			m.Edits = append(m.Edits, m.HTML)
		}
		m.Text, m.HTML, m.ReplyMarkup = newText, newHTML, markup
		m.Edited = time.Now()
		m.EditDate = m.Edited.Unix()
		s.stats.Sent++
		s.notify()
		return m, nil
	case "sendMediaGroup":
		var media []struct {
			Type, Media, Caption string
		}
		json.Unmarshal([]byte(p["media"]), &media)
		if len(media) < 2 || len(media) > 10 {
			s.violations = append(s.violations, fmt.Sprintf("sendMediaGroup: %d items, want 2 to 10", len(media)))
			return nil, badRequest("wrong number of media items")
		}
		// As Telegram: photos and videos go together, documents only with
		// documents, audio only with audio; nothing else goes in an album.
		family := map[string]string{"photo": "visual", "video": "visual", "document": "document", "audio": "audio"}
		for _, item := range media {
			if f := family[item.Type]; f == "" || f != family[media[0].Type] {
				s.violations = append(s.violations, fmt.Sprintf("sendMediaGroup: a %s in an album of %ss", item.Type, media[0].Type))
				return nil, badRequest("wrong media type in the media group")
			}
			if len([]rune(item.Caption)) > 1024 {
				s.violations = append(s.violations, "sendMediaGroup: caption over 1024 characters")
				return nil, badRequest("message caption is too long")
			}
		}
		group := strconv.FormatInt(time.Now().UnixNano(), 10)
		var out []*Message
		for _, item := range media {
			m := s.addBotMessage(c, method, p)
			m.MediaGroupID, m.Caption = group, item.Caption
			switch item.Type {
			case "photo":
				m.Photo = []PhotoSize{{FileID: item.Media, FileUniqueID: item.Media, Width: 800, Height: 600}}
			case "video":
				m.Video = &Video{FileID: item.Media, FileUniqueID: item.Media, Width: 640, Height: 480}
			case "audio":
				m.Audio = &Audio{FileID: item.Media, FileUniqueID: item.Media}
			default:
				m.Document = &Document{FileID: item.Media, FileUniqueID: item.Media}
			}
			out = append(out, m)
		}
		return out, nil
	}

	m := s.addBotMessage(c, method, p)
	m.ReplyMarkup = markup
	switch method {
	case "sendMessage":
		m.Text, m.HTML = text, p["text"]
	case "sendPhoto":
		m.Caption, m.HTML = text, p["caption"]
		m.Photo = []PhotoSize{{FileID: s.fileID(p["photo"], files["photo"], names["photo"]), Width: 800, Height: 600}}
	case "sendDocument":
		m.Caption, m.HTML = text, p["caption"]
		id := s.fileID(p["document"], files["document"], names["document"])
		m.Document = &Document{FileID: id, FileName: s.files[id].Name, Data: files["document"]}
	case "sendVoice":
		m.Caption, m.HTML = text, p["caption"]
		m.Voice = &Voice{FileID: p["voice"], FileUniqueID: p["voice"]}
	case "sendAudio":
		m.Caption, m.HTML = text, p["caption"]
		m.Audio = &Audio{FileID: p["audio"], FileUniqueID: p["audio"]}
	case "sendVideo":
		m.Caption, m.HTML = text, p["caption"]
		m.Video = &Video{FileID: p["video"], FileUniqueID: p["video"], Width: 640, Height: 480}
	case "sendVideoNote":
		m.VideoNote = &VideoNote{FileID: p["video_note"], FileUniqueID: p["video_note"], Length: 240}
	case "copyMessage":
		from, _ := strconv.ParseInt(p["from_chat_id"], 10, 64)
		id, _ := strconv.ParseInt(p["message_id"], 10, 64)
		src := s.chats[from].find(id)
		if src == nil {
			s.unsend(c)
			return nil, badRequest("message to copy not found")
		}
		m.Text, m.Caption, m.Photo, m.Document, m.Sticker = src.Text, src.Caption, src.Photo, src.Document, src.Sticker
		m.Voice, m.Audio, m.Video, m.VideoNote, m.Location = src.Voice, src.Audio, src.Video, src.VideoNote, src.Location
		if _, ok := p["caption"]; ok {
			m.Caption, m.HTML = text, p["caption"]
		}
		return map[string]int64{"message_id": m.MessageID}, nil
	}
	if r := replyTo(p); r != 0 {
		if orig := c.find(r); orig != nil {
			cp := *orig
			cp.ReplyToMessage = nil
			m.ReplyToMessage = &cp
		} else if !replyMayBeGone(p) {
			s.unsend(c)
			return nil, badRequest("message to be replied not found")
		}
	}
	return m, nil
}

func (c *chatState) find(id int64) *Message {
	if c == nil {
		return nil
	}
	for _, m := range c.messages {
		if m.MessageID == id {
			return m
		}
	}
	return nil
}

func (s *Server) addBotMessage(c *chatState, method string, p map[string]string) *Message {
	c.nextMsgID++
	bot := BotUser
	now := time.Now()
	m := &Message{MessageID: c.nextMsgID, From: &bot, Chat: c.chat, Date: now.Unix(), Method: method, At: now}
	c.messages = append(c.messages, m)
	c.sent++
	s.stats.Sent++
	s.notify()
	return m
}

// unsend takes back the message addBotMessage just added, for a call that
// turned out to be refused.
func (s *Server) unsend(c *chatState) {
	c.messages = c.messages[:len(c.messages)-1]
	c.nextMsgID--
	c.sent--
	s.stats.Sent--
}

// fileID returns the file_id of a file sent by file_id or uploaded, keeping
// an upload's bytes as Telegram would; call with mu held.
func (s *Server) fileID(param string, upload []byte, name string) string {
	if upload == nil {
		return param
	}
	id := fmt.Sprintf("uploaded-%d-bytes-%d", len(upload), time.Now().UnixNano())
	s.keepFile(id, File{Name: name, Data: upload})
	return id
}

func replyTo(p map[string]string) int64 {
	if v, ok := p["reply_to_message_id"]; ok {
		id, _ := strconv.ParseInt(v, 10, 64)
		return id
	}
	var rp struct {
		MessageID int64 `json:"message_id"`
	}
	json.Unmarshal([]byte(p["reply_parameters"]), &rp)
	return rp.MessageID
}

// replyMayBeGone reports whether a reply is to be sent even when the
// message it answers is gone: the legacy parameter, or reply_parameters'
// allow_sending_without_reply.
func replyMayBeGone(p map[string]string) bool {
	var rp struct {
		Allow bool `json:"allow_sending_without_reply"`
	}
	json.Unmarshal([]byte(p["reply_parameters"]), &rp)
	return rp.Allow || p["allow_sending_without_reply"] == "true"
}

// checkText checks a message's text or caption as Telegram does and returns
// it as the user will see it.
func (s *Server) checkText(method string, p map[string]string) (string, *apiError) {
	field, limit := "text", 4096
	switch method {
	case "editMessageReplyMarkup", "sendMediaGroup", "sendVideoNote":
		return "", nil
	case "sendPhoto", "sendDocument", "sendVoice", "sendAudio", "sendVideo", "copyMessage":
		field, limit = "caption", 1024
	}
	raw, present := p[field]
	if !present && field == "caption" {
		return "", nil
	}
	text := raw
	if !utf8.ValidString(raw) {
		s.violate(method + ": text is not valid UTF-8")
		return "", badRequest("text must be encoded in UTF-8")
	}
	if strings.EqualFold(p["parse_mode"], "HTML") {
		var err error
		if text, err = parseHTML(raw); err != nil {
			s.violate(fmt.Sprintf("%s: %v in %q", method, err, clip(raw)))
			return "", &apiError{status: 400, message: err.Error()}
		}
	} else if p["parse_mode"] != "" {
		s.violate(fmt.Sprintf("%s: parse_mode %q is not used by expertbot", method, p["parse_mode"]))
	}
	if field == "text" && strings.TrimSpace(text) == "" {
		s.violate(method + ": message text is empty")
		return "", badRequest("message text is empty")
	}
	if n := textLength(text); n > limit {
		s.violate(fmt.Sprintf("%s: %s is %d characters, over Telegram's %d", method, field, n, limit))
		if field == "caption" {
			return "", badRequest("message caption is too long")
		}
		return "", badRequest("message is too long")
	}
	return text, nil
}

// checkMarkup checks a reply_markup and returns its inline keyboard, if any.
func (s *Server) checkMarkup(raw string) (*InlineKeyboardMarkup, *apiError) {
	if raw == "" {
		return nil, nil
	}
	var m InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &m); err != nil || m.InlineKeyboard == nil {
		return nil, nil // another kind of keyboard; the spec check has seen it
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.URL == "" && (len(b.CallbackData) < 1 || len(b.CallbackData) > 64) {
				s.violate(fmt.Sprintf("button %q: callback_data is %d bytes, want 1 to 64", b.Text, len(b.CallbackData)))
				return nil, badRequest("BUTTON_DATA_INVALID")
			}
			if strings.TrimSpace(b.Text) == "" {
				s.violate("a button has no text")
				return nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
		}
	}
	return &m, nil
}

func sameMarkup(a, b *InlineKeyboardMarkup) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func (s *Server) answerCallbackQuery(p map[string]string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.callbacks[p["callback_query_id"]]
	if !ok || c.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if n := textLength(p["text"]); n > 200 {
		s.violations = append(s.violations, fmt.Sprintf("answerCallbackQuery: text is %d characters, over 200", n))
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	c.answered, c.text = true, p["text"]
	s.notify()
	return true, nil
}

// answerInlineQuery answers an inline query once, with at most 50 results.
func (s *Server) answerInlineQuery(p map[string]string) (any, *apiError) {
	var results []json.RawMessage
	if err := json.Unmarshal([]byte(p["results"]), &results); err != nil {
		return nil, badRequest("can't parse inline query results JSON object")
	}
	if len(results) > 50 {
		s.violate(fmt.Sprintf("answerInlineQuery: %d results, over 50", len(results)))
		return nil, badRequest("RESULTS_TOO_MUCH")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.inline[p["inline_query_id"]]
	if !ok || r != nil {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	s.inline[p["inline_query_id"]] = json.RawMessage(p["results"])
	s.notify()
	return true, nil
}

// setMessageReaction sets the bot's reaction to a message, as Telegram
// does for a bot: one emoji at most, of those its documentation lists, and
// paced as any call that changes a chat.
func (s *Server) setMessageReaction(p map[string]string) (any, *apiError) {
	var reactions []struct {
		Type  string `json:"type"`
		Emoji string `json:"emoji"`
	}
	if raw := p["reaction"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &reactions); err != nil {
			return nil, badRequest("can't parse reaction types JSON object")
		}
	}
	if len(reactions) > 1 {
		s.violate(fmt.Sprintf("setMessageReaction: %d reactions, a bot sets one at most", len(reactions)))
		return nil, badRequest("REACTIONS_TOO_MANY")
	}
	emoji := ""
	if len(reactions) == 1 {
		emoji = reactions[0].Emoji
		if reactions[0].Type != "emoji" || !reactionEmoji()[emoji] {
			s.violate(fmt.Sprintf("setMessageReaction: %q is not a reaction Telegram allows", emoji))
			return nil, badRequest("REACTION_INVALID")
		}
	}
	chatID, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	id, _ := strconv.ParseInt(p["message_id"], 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, apiErr := s.changing(chatID)
	if apiErr != nil {
		return nil, apiErr
	}
	m := c.find(id)
	if m == nil {
		return nil, badRequest("message to react not found")
	}
	m.Reaction = emoji
	s.stats.Sent++
	s.notify()
	return true, nil
}

// BotCommand is one entry of the bot's command menu.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

func (s *Server) setMyCommands(p map[string]string) (any, *apiError) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	for _, c := range cmds {
		if len(c.Command) < 1 || len(c.Command) > 32 || strings.ToLower(c.Command) != c.Command {
			s.violate(fmt.Sprintf("setMyCommands: command %q must be 1-32 lower-case characters", c.Command))
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := textLength(c.Description); n < 1 || n > 256 {
			s.violate(fmt.Sprintf("setMyCommands: description of %q is %d characters, want 1-256", c.Command, n))
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	scope := p["scope"]
	if scope == "" {
		scope = `{"type":"default"}`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[scope+"|"+p["language_code"]] = cmds
	return true, nil
}

// deleteMessage deletes a message of the bot's, as Telegram does while it
// is less than 48 hours old; the message is kept, marked Deleted, for
// tests to see.
func (s *Server) deleteMessage(p map[string]string) (any, *apiError) {
	chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	id, _ := strconv.ParseInt(p["message_id"], 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chat]
	if !ok {
		return nil, badRequest("chat not found")
	}
	m := c.find(id)
	if m == nil || m.Deleted {
		return nil, badRequest("message to delete not found")
	}
	if m.From == nil || m.From.ID != BotUser.ID || time.Since(m.At) > 48*time.Hour {
		return nil, badRequest("message can't be deleted")
	}
	m.Deleted = true
	s.notify()
	return true, nil
}

func (s *Server) deleteMyCommands(p map[string]string) (any, *apiError) {
	scope := p["scope"]
	if scope == "" {
		scope = `{"type":"default"}`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, scope+"|"+p["language_code"])
	return true, nil
}

// chatMember bans a user from a group (banChatMember) or lifts the ban
// (unbanChatMember), which with only_if_banned leaves a member as they are.
func (s *Server) chatMember(method string, p map[string]string) (any, *apiError) {
	chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	user, _ := strconv.ParseInt(p["user_id"], 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[chat]
	if !ok || chat > 0 {
		return nil, badRequest("chat not found")
	}
	if c.members == nil {
		c.members = map[int64]string{}
	}
	switch {
	case method == "banChatMember":
		c.members[user] = "kicked"
	case c.members[user] == "kicked" || p["only_if_banned"] != "true":
		c.members[user] = "left"
	}
	s.notify()
	return true, nil
}

// Member returns a user's status in a group as far as the bot changed it:
// "kicked", "left", or "" for a member the bot never removed.
func (s *Server) Member(chatID, userID int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.chats[chatID]; ok {
		return c.members[userID]
	}
	return ""
}

// ChatsFaster returns the limits with each chat's pace k times as fast:
// private chats' rate k times, groups' window a k-th. The global limit is
// left as it is.
func (l Limits) ChatsFaster(k float64) Limits {
	l.ChatRate *= k
	l.GroupWindow = time.Duration(float64(l.GroupWindow) / k)
	return l
}

// setChatMenuButton checks a chat's menu button as Telegram does: a web
// app's needs its text and an https:// address.
func (s *Server) setChatMenuButton(p map[string]string) (any, *apiError) {
	var b struct {
		Type   string `json:"type"`
		Text   string `json:"text"`
		WebApp *struct {
			URL string `json:"url"`
		} `json:"web_app"`
	}
	if m, ok := p["menu_button"]; ok {
		if err := json.Unmarshal([]byte(m), &b); err != nil {
			return nil, &apiError{status: 400, message: "Bad Request: can't parse menu button"}
		}
	}
	switch b.Type {
	case "", "commands", "default":
	case "web_app":
		if b.Text == "" || b.WebApp == nil || !strings.HasPrefix(b.WebApp.URL, "https://") {
			s.violate(fmt.Sprintf("setChatMenuButton: a web_app button needs text and an https:// url: %s", p["menu_button"]))
			return nil, &apiError{status: 400, message: "Bad Request: BUTTON_URL_INVALID"}
		}
	default:
		return nil, &apiError{status: 400, message: "Bad Request: unsupported menu button type " + b.Type}
	}
	return true, nil
}
