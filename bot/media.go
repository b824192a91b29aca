package bot

import (
	"encoding/json"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// messageContent is what a message says: its text or caption, and its
// files (photo, document, voice, audio, video or round video note), each
// with the caption it came with.
func messageContent(m *tgbotapi.Message) (string, []storage.Attachment) {
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	file := func(kind, id, name string) []storage.Attachment {
		return []storage.Attachment{{Kind: kind, FileID: id, FileName: name, MediaGroupID: m.MediaGroupID, Caption: m.Caption}}
	}
	switch {
	case len(m.Photo) > 0:
		return text, file("photo", m.Photo[len(m.Photo)-1].FileID, "") // the biggest size
	case m.Document != nil:
		return text, file("document", m.Document.FileID, m.Document.FileName)
	case m.Voice != nil:
		return text, file("voice", m.Voice.FileID, "")
	case m.Audio != nil:
		return text, file("audio", m.Audio.FileID, m.Audio.FileName)
	case m.Video != nil:
		return text, file("video", m.Video.FileID, m.Video.FileName)
	case m.VideoNote != nil:
		return text, file("video_note", m.VideoNote.FileID, "")
	}
	return text, nil
}

// untakeable tells whether a message is of a kind the bot cannot keep: a
// sticker, a location, a contact, a poll, a dice, a game.
func untakeable(m *tgbotapi.Message) bool {
	return m.Sticker != nil || m.Location != nil || m.Venue != nil || m.Contact != nil ||
		m.Poll != nil || m.Dice != nil || m.Game != nil
}

// albums are the kinds of file Telegram sends together in one album:
// photos with videos, documents with documents, audio with audio. Voice
// and video notes go one by one.
var albums = [][]string{{"photo", "video"}, {"document"}, {"audio"}, {"voice"}, {"video_note"}}

// mediaMessages sends a problem's files by file_id, in albums of up to 10
// where Telegram allows, each captioned with the problem's number (and the
// caption it came with), so that files are tied to their problem in a
// chat full of cards.
func mediaMessages(chatID, problemID int64, atts []storage.Attachment, priority int) []storage.Call {
	var msgs []storage.Call
	for _, kinds := range albums {
		var group []storage.Attachment
		for _, a := range atts {
			for _, k := range kinds {
				if a.Kind == k {
					group = append(group, a)
				}
			}
		}
		for len(group) > 0 {
			n := min(10, len(group))
			if !groupable(group[0].Kind) {
				n = 1
			}
			part := group[:n]
			group = group[n:]
			p := tgbotapi.Params{}
			p.AddNonZero64("chat_id", chatID)
			method := "sendMediaGroup"
			if len(part) == 1 {
				a := part[0]
				method = "send" + map[string]string{"photo": "Photo", "document": "Document", "voice": "Voice",
					"audio": "Audio", "video": "Video", "video_note": "VideoNote"}[a.Kind]
				p[a.Kind] = a.FileID
				if a.Kind != "video_note" { // round videos take no caption
					p["caption"] = fileCaption(problemID, a)
				}
			} else {
				media := make([]map[string]string, len(part))
				for i, a := range part {
					media[i] = map[string]string{"type": a.Kind, "media": a.FileID, "caption": fileCaption(problemID, a)}
				}
				b, _ := json.Marshal(media)
				p["media"] = string(b)
			}
			msgs = append(msgs, storage.Call{ChatID: chatID, Method: method, Params: storage.Params(p), Priority: priority})
		}
	}
	return msgs
}

// filesLine names files for a text, as "📎 photo «caption», voice message";
// "" for none.
func filesLine(lang string, atts []storage.Attachment) string {
	if len(atts) == 0 {
		return ""
	}
	names := make([]string, len(atts))
	for i, a := range atts {
		names[i] = T(lang, "file_kind_"+a.Kind)
		if a.FileName != "" {
			names[i] += " " + Escape(a.FileName)
		}
		if a.Caption != "" {
			names[i] += " «" + Escape(clipText(a.Caption, 100)) + "»"
		}
	}
	return "📎 " + strings.Join(names, ", ")
}

func groupable(kind string) bool { return kind != "voice" && kind != "video_note" }

// fileCaption is "#5" and the file's own caption, within Telegram's 1024
// characters.
func fileCaption(problemID int64, a storage.Attachment) string {
	c := fmt.Sprintf("#%d", problemID)
	if a.Caption != "" {
		c += " · " + a.Caption
	}
	return clipText(c, 1024)
}
