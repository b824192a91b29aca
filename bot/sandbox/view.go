package sandbox

import (
	"fmt"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// message is a message as the page draws it.
type message struct {
	ID       int64      `json:"id"`
	Chat     int64      `json:"chat"` // the persona's, whose chat it is in
	FromBot  bool       `json:"from_bot"`
	HTML     string     `json:"html,omitempty"` // the bot's text or caption in Telegram's HTML
	Text     string     `json:"text,omitempty"` // a user's text or caption, or a copied one
	Photo    string     `json:"photo,omitempty"`
	Document *document  `json:"document,omitempty"`
	Media    *media     `json:"media,omitempty"` // a voice note, audio, a video or a round video
	Location string     `json:"location,omitempty"`
	Sticker  bool       `json:"sticker,omitempty"`
	ReplyTo  *quote     `json:"reply_to,omitempty"`
	Buttons  [][]button `json:"buttons,omitempty"`
	Edited   bool       `json:"edited,omitempty"`
	Reaction string     `json:"reaction,omitempty"` // the bot's, on a visitor's message
	Deleted  bool       `json:"deleted,omitempty"`  // the bot deleted it: the page takes it away
	Date     int64      `json:"date"`               // Unix seconds
}

type document struct {
	FileID string `json:"file_id"`
	Name   string `json:"name"`
}

type media struct {
	Kind   string `json:"kind"` // voice, audio, video, video_note
	FileID string `json:"file_id"`
}

type quote struct {
	ID      int64  `json:"id"`
	FromBot bool   `json:"from_bot"`
	Text    string `json:"text"`
}

type button struct {
	Text string `json:"text"`
	Data string `json:"data,omitempty"`
	URL  string `json:"url,omitempty"`
}

// view turns a message of the fake server into what the page draws.
func view(m fake.Message) message {
	v := message{
		ID:       m.MessageID,
		Chat:     m.Chat.ID,
		FromBot:  m.Method != "",
		Sticker:  m.Sticker != nil,
		Edited:   m.EditDate != 0,
		Deleted:  m.Deleted,
		Reaction: m.Reaction,
		Date:     m.Date,
	}
	if v.Date == 0 {
		v.Date = time.Now().Unix()
	}
	if v.FromBot && m.HTML != "" {
		v.HTML = m.HTML
	} else {
		v.Text = m.Text + m.Caption
	}
	if len(m.Photo) > 0 {
		v.Photo = m.Photo[len(m.Photo)-1].FileID
	}
	if d := m.Document; d != nil {
		v.Document = &document{FileID: d.FileID, Name: d.FileName}
		if v.Document.Name == "" {
			v.Document.Name = "file"
		}
	}
	switch {
	case m.Voice != nil:
		v.Media = &media{"voice", m.Voice.FileID}
	case m.Audio != nil:
		v.Media = &media{"audio", m.Audio.FileID}
	case m.Video != nil:
		v.Media = &media{"video", m.Video.FileID}
	case m.VideoNote != nil:
		v.Media = &media{"video_note", m.VideoNote.FileID}
	}
	if l := m.Location; l != nil {
		v.Location = fmt.Sprintf("%.5f, %.5f", l.Latitude, l.Longitude)
	}
	if r := m.ReplyToMessage; r != nil {
		v.ReplyTo = &quote{ID: r.MessageID, FromBot: r.Method != "" || r.From != nil && r.From.IsBot, Text: r.Text + r.Caption}
		if v.ReplyTo.Text == "" {
			v.ReplyTo.Text = "📎"
		}
	}
	if m.ReplyMarkup != nil {
		for _, row := range m.ReplyMarkup.InlineKeyboard {
			var out []button
			for _, b := range row {
				out = append(out, button{Text: b.Text, Data: b.CallbackData, URL: b.URL})
			}
			v.Buttons = append(v.Buttons, out)
		}
	}
	return v
}
