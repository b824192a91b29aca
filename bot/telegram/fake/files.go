package fake

import (
	"fmt"
	"time"
)

// File is a file Telegram keeps: one a user sent, or one the bot uploaded.
type File struct {
	Name     string
	MimeType string
	Data     []byte
}

// AddFile keeps a file as Telegram does when a user sends one, and returns
// its file_id, for a Message's Photo or Document.
func (s *Server) AddFile(f File) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("user-file-%d-%d", len(s.files), time.Now().UnixNano())
	s.keepFile(id, f)
	return id
}

// SetFileBudget bounds the bytes of the files the server keeps: past it,
// the oldest are dropped, as a long-running sandbox needs. Zero keeps
// every file.
func (s *Server) SetFileBudget(bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fileBudget = bytes
	s.dropOldFiles()
}

// keepFile keeps a file within the budget; call with mu held.
func (s *Server) keepFile(id string, f File) {
	s.files[id] = f
	s.fileOrder = append(s.fileOrder, id)
	s.fileBytes += len(f.Data)
	s.dropOldFiles()
}

func (s *Server) dropOldFiles() {
	for s.fileBudget > 0 && s.fileBytes > s.fileBudget && len(s.fileOrder) > 1 {
		oldest := s.fileOrder[0]
		s.fileOrder = s.fileOrder[1:]
		s.fileBytes -= len(s.files[oldest].Data)
		delete(s.files, oldest)
	}
}

// FileByID returns a file kept by AddFile or uploaded by the bot.
func (s *Server) FileByID(id string) (File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[id]
	return f, ok
}

// Changed returns a channel closed at the next change on the server: an
// update pushed, a message sent or edited, a button press answered. Take
// it before reading the state, then wait on it.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// Message returns one message of a chat.
func (s *Server) Message(chatID, messageID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.chats[chatID].find(messageID); m != nil {
		return *m, true
	}
	return Message{}, false
}

// Menu returns the commands a user sees in the menu of their private chat
// with the bot, resolved as Telegram resolves scopes: the chat's own, then
// all private chats, then the default, each first in the user's language.
func (s *Server) Menu(chatID int64, lang string) []BotCommand {
	chat := fmt.Sprintf(`{"type":"chat","chat_id":%d}`, chatID)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, scope := range []string{chat, `{"type":"all_private_chats"}`, `{"type":"default"}`} {
		for _, l := range []string{lang, ""} {
			if cmds, ok := s.commands[scope+"|"+l]; ok {
				return cmds
			}
		}
	}
	return nil
}
