package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// person is a Telegram user in an end-to-end test, speaking to the bot in
// their own steps: sending messages and pressing buttons, and expecting
// answers.
type person struct {
	h    *harness
	u    fake.User
	lang string           // the language the person chose
	seen map[int64]string // bot messages already expected, by id: their text then
}

func (h *harness) person(id int64, name, lang string) *person {
	return &person{h: h, u: fake.User{ID: id, FirstName: name, LanguageCode: lang}, lang: lang, seen: map[int64]string{}}
}

func (p *person) send(text string) *fake.Message { return p.h.tg.SendText(p.u, text) }

func (p *person) sendMessage(m fake.Message) *fake.Message {
	return p.h.tg.Send(p.u, m)
}

// reply sends text as a Telegram reply to a message.
func (p *person) reply(to fake.Message, text string) *fake.Message {
	return p.h.tg.Send(p.u, fake.Message{Text: text, ReplyToMessage: &to})
}

// fresh reports whether a bot message says want where it did not when it
// was last expected: a new message, or one edited to ask the next question.
func (p *person) fresh(m *fake.Message, want string) bool {
	now := m.Text + "\x00" + m.Caption
	before, seen := p.seen[m.MessageID]
	if !strings.Contains(now, want) || seen && strings.Contains(before, want) {
		return false
	}
	p.seen[m.MessageID] = now
	return true
}

// expect waits for the oldest bot message that says want (in its text or
// caption) where it did not when last expected, and returns it.
func (p *person) expect(want string) fake.Message {
	p.h.t.Helper()
	var found *fake.Message
	p.h.waitFor("a message to "+p.u.FirstName+" containing "+strings.Split(want, "\n")[0], 45*time.Second, func() bool {
		msgs := p.h.tg.BotMessages(p.u.ID)
		for i := range msgs {
			m := &msgs[i]
			if p.fresh(m, want) {
				found = m
				return true
			}
		}
		return false
	})
	return *found
}

// expectCard waits for the oldest bot text message not expected before
// that names problem id, as a card does; the captions of its files, which
// name it too, are passed over.
func (p *person) expectCard(id int64) fake.Message {
	p.h.t.Helper()
	want := fmt.Sprintf("#%d", id)
	var found *fake.Message
	p.h.waitFor("a message to "+p.u.FirstName+" naming "+want, 45*time.Second, func() bool {
		msgs := p.h.tg.BotMessages(p.u.ID)
		for i := range msgs {
			m := &msgs[i]
			if _, seen := p.seen[m.MessageID]; !seen && strings.Contains(m.Text, want) {
				found, p.seen[m.MessageID] = m, m.Text+"\x00"+m.Caption
				return true
			}
		}
		return false
	})
	return *found
}

// expectPassedOn waits for the bot's 👍 on a message the person sent: it
// was passed on.
func (p *person) expectPassedOn(m *fake.Message) {
	p.h.t.Helper()
	p.h.waitFor(p.u.FirstName+"'s message to be marked passed on", 20*time.Second, func() bool {
		now, ok := p.h.tg.Message(p.u.ID, m.MessageID)
		return ok && now.Reaction == "👍"
	})
}

// expectT waits for a text of the bot, in the person's language.
func (p *person) expectT(key string, args ...any) fake.Message {
	p.h.t.Helper()
	return p.expect(plain(T(p.lang, key, args...)))
}

// press presses the button labelled label under a message and waits for
// the bot to answer the press.
func (p *person) press(m fake.Message, label string) string {
	p.h.t.Helper()
	data, ok := m.Button(label)
	if !ok {
		p.h.t.Fatalf("%s: no button %q under %q (buttons %q)", p.u.FirstName, label, m.Text, m.Buttons())
	}
	return p.pressData(m, data)
}

// pressData presses a button with the given callback data, which a
// forger may make up.
func (p *person) pressData(m fake.Message, data string) string {
	p.h.t.Helper()
	id := p.h.tg.Press(p.u, &m, data)
	p.h.waitFor("the answer to a button", 20*time.Second, func() bool {
		_, ok := p.h.tg.CallbackAnswer(id)
		return ok
	})
	return id
}

// pressT presses the button labelled with a text key in the person's language.
func (p *person) pressT(m fake.Message, key string) string {
	p.h.t.Helper()
	return p.press(m, T(p.lang, key))
}

// noMessageContaining checks that the person got no message containing s.
func (p *person) noMessageContaining(s string) {
	p.h.t.Helper()
	for _, m := range p.h.tg.BotMessages(p.u.ID) {
		if strings.Contains(m.Text, s) || strings.Contains(m.Caption, s) {
			p.h.t.Fatalf("%s got %q, want nothing containing %q", p.u.FirstName, m.Text, s)
		}
	}
}

// startIn does /start, picks a language and agrees to the privacy notice.
// expectDocument waits for a document from the bot whose name starts with
// prefix.
func (p *person) expectDocument(prefix string) *fake.Document {
	p.h.t.Helper()
	var doc *fake.Document
	p.h.waitFor("a document "+prefix, 20*time.Second, func() bool {
		for _, m := range p.h.tg.BotMessages(p.u.ID) {
			if m.Document != nil && m.Document.Data != nil && strings.HasPrefix(m.Document.FileName, prefix) {
				doc = m.Document
				return true
			}
		}
		return false
	})
	return doc
}

// place answers the sector and region questions of /new: the sector from
// the guesses or, when it is not among them, from the whole list.
func (p *person) place(sector, region string) {
	p.h.t.Helper()
	m := p.expectT("new_sector")
	if _, ok := m.Button(sector); !ok {
		p.pressT(m, "btn_other_sectors")
		p.h.waitFor("the whole list of sectors", 10*time.Second, func() bool {
			now, _ := p.h.tg.Message(p.u.ID, m.MessageID)
			if _, ok := now.Button(sector); ok {
				m = now
				return true
			}
			return false
		})
	}
	p.press(m, sector)
	p.press(p.expectT("new_region"), region)
}

func (p *person) startIn(label string) {
	p.h.t.Helper()
	p.send("/start")
	ask := p.expect(plain(T(p.u.LanguageCode, "choose_language")))
	p.press(ask, label)
	p.lang = langOf(label)
	p.pressT(p.expect(firstLine(plain(T(p.lang, "consent_notice", 30)))), "btn_agree")
	p.expect(firstLine(plain(T(p.lang, "welcome"))))
}

// firstLine is a text's first line.
func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

func langOf(label string) string {
	for code, name := range languageNames {
		if name == label {
			return code
		}
	}
	return defaultLanguage
}

// plain is an HTML text as the user sees it.
func plain(html string) string { return stripTags(html) }

// markSolved presses "Problem solved" under an answer of problem id and
// confirms it.
func (p *person) markSolved(answer fake.Message, id int64) {
	p.h.t.Helper()
	p.pressT(answer, "btn_resolved")
	p.pressT(p.expectT("resolve_confirm", id), "btn_resolve_yes")
	p.expectT("resolved_author", id, int(reopenWindow.Hours()/24))
}
