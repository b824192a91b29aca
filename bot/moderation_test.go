package bot

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// cardNow returns a bot message as it is now, after any edits.
func (p *person) cardNow(m fake.Message) fake.Message {
	for _, now := range p.h.tg.BotMessages(m.Chat.ID) {
		if now.MessageID == m.MessageID {
			return now
		}
	}
	p.h.t.Fatalf("message %d is gone", m.MessageID)
	return m
}

func TestApproveAndRejectAtOnce(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	mod2 := h.person(2001, "Second", "en")
	mod2.startIn("English")
	n.mod.send(fmt.Sprintf("/addmoderator %d", mod2.u.ID))
	n.mod.expectT("moderator_added", mod2.u.ID)

	ent := h.person(4001, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Құс фабрикасы")
	card1 := n.mod.expect(fmt.Sprintf("Moderation: #%d", id))
	card2 := mod2.expect(fmt.Sprintf("Moderation: #%d", id))
	n.mod.send("/queue")
	if queue := n.mod.expect(plain(T("en", "queue_title", 1, "UTC+5"))); !strings.Contains(queue.Text, fmt.Sprintf("#%d", id)) {
		t.Errorf("/queue shows %q", queue.Text)
	}

	// The second moderator opens the reasons, then both act at once.
	mod2.pressT(card2, "btn_reject")
	h.waitFor("the reasons under the card", 10*time.Second, func() bool {
		_, ok := mod2.cardNow(card2).Button(T("en", "reason_spam"))
		return ok
	})
	card2 = mod2.cardNow(card2)
	q1 := h.tg.Press(n.mod.u, &card1, mustButton(t, card1, T("en", "btn_approve")))
	q2 := h.tg.Press(mod2.u, &card2, mustButton(t, card2, T("en", "reason_spam")))
	h.waitFor("both presses answered", 10*time.Second, func() bool {
		_, a1 := h.tg.CallbackAnswer(q1)
		_, a2 := h.tg.CallbackAnswer(q2)
		return a1 && a2
	})
	h.waitIdle()

	var status string
	var decisions int
	h.query(&status, `SELECT status FROM problems WHERE id = $1`, id)
	h.query(&decisions, `SELECT count(*) FROM audit_log WHERE problem_id = $1 AND action IN ('approve', 'reject')`, id)
	if decisions != 1 || (status != "open" && status != "rejected") {
		t.Fatalf("status %s after %d decisions, want exactly one decision", status, decisions)
	}
	outcome := "Approved by"
	if status == "rejected" {
		outcome = "Rejected by"
	}
	for _, c := range []fake.Message{n.mod.cardNow(card1), mod2.cardNow(card2)} {
		if !strings.Contains(c.Text, outcome) || c.ReplyMarkup != nil {
			t.Errorf("a card reads %q with buttons %q, want the outcome %q and no buttons", c.Text, c.Buttons(), outcome)
		}
	}
	if status == "rejected" {
		ent.expect(T("kk", "reason_spam"))
	} else {
		n.agro1.expectCard(id)
	}

	n.mod.send("/audit")
	if audit := n.mod.expectT("audit_title", "UTC+5"); !strings.Contains(audit.Text, fmt.Sprintf("#%d", id)) {
		t.Errorf("/audit shows %q", audit.Text)
	}
}

func TestChangeSectorInModeratorsGroup(t *testing.T) {
	const group = -1009990001
	n := newNetwork(t, func(c *Config) { c.ModeratorChatID = group })
	h := n.h
	h.tg.AddGroup(group, "Moderators")
	ent := h.person(4101, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Цифрлық элеватор")

	var card fake.Message
	h.waitFor("the card in the moderators' group", 20*time.Second, func() bool {
		for _, m := range h.tg.BotMessages(group) {
			if strings.Contains(m.Text, fmt.Sprintf("#%d", id)) {
				card = m
				return true
			}
		}
		return false
	})
	n.mod.noMessageContaining(fmt.Sprintf("Moderation: #%d", id))
	lang := defaultLanguage
	h.tg.Press(n.mod.u, &card, mustButton(t, card, T(lang, "btn_change_sector")))
	h.waitFor("the sectors under the card", 10*time.Second, func() bool {
		_, ok := n.mod.cardNow(card).Button("ИКТ и цифровизация")
		return ok
	})
	card = n.mod.cardNow(card)
	n.mod.press(card, "ИКТ и цифровизация")

	n.digital.expectCard(id)
	h.waitIdle()
	n.agro1.noMessageContaining(fmt.Sprintf("#%d", id))
	n.agro2.noMessageContaining(fmt.Sprintf("#%d", id))
	if now := n.mod.cardNow(card); !strings.Contains(now.Text, "ИКТ и цифровизация") || now.ReplyMarkup != nil {
		t.Errorf("the group's card reads %q", now.Text)
	}
	var sector string
	h.query(&sector, `SELECT s.code FROM problems p JOIN sectors s ON s.id = p.sector_id WHERE p.id = $1`, id)
	if sector != "ict" {
		t.Fatalf("sector %s, want ict", sector)
	}
}

func TestNonModeratorsAreRefused(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(4201, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Жем зауыты")
	card := n.mod.expect(fmt.Sprintf("Moderation: #%d", id))
	s := fmt.Sprint(id)

	for _, data := range []string{
		callbackData("approve", s), callbackData("reject", s), callbackData("rejr", s, "spam"),
		callbackData("modsec", s), callbackData("setsec", s, "9"), callbackData("ban", s), callbackData("banyes", s),
		callbackData("close", s), callbackData("reassign", s), callbackData("reassc", s, "1"), callbackData("assignto", s, "2101"), callbackData("thr", s, "1"),
		callbackData("addexp", fmt.Sprint(ent.u.ID), "agrotech"),
	} {
		q := n.agro1.pressData(card, data)
		if got, _ := h.tg.CallbackAnswer(q); got != T("kk", "not_allowed") {
			t.Errorf("an expert pressing %q was answered %q", data, got)
		}
	}
	for _, cmd := range []string{"/queue", "/approve " + s, "/ban " + fmt.Sprint(ent.u.ID), "/export", "/stats", "/audit", "/experts", "/centres"} {
		ent.send(cmd)
		ent.expectT("moderators_only")
	}
	h.waitIdle()
	var status string
	var banned *time.Time
	var experts, audits int
	h.query(&status, `SELECT status FROM problems WHERE id = $1`, id)
	h.query(&banned, `SELECT banned_at FROM users WHERE id = $1`, ent.u.ID)
	h.query(&experts, `SELECT count(*) FROM experts WHERE user_id = $1`, ent.u.ID)
	h.query(&audits, `SELECT count(*) FROM audit_log WHERE problem_id = $1`, id)
	if status != "pending_moderation" || banned != nil || experts != 0 || audits != 0 {
		t.Fatalf("refused actions changed things: status %s, banned %v, expert of %d centres, %d audit entries", status, banned, experts, audits)
	}
	if !strings.Contains(n.mod.cardNow(card).Text, fmt.Sprintf("#%d", id)) || n.mod.cardNow(card).ReplyMarkup == nil {
		t.Fatal("the moderator's card lost its buttons")
	}
}

func TestFloodDoesNotDelayOthers(t *testing.T) {
	h := newHarness(t, 4300)
	h.cfg.FloodLimit, h.cfg.FloodWindow = 5, time.Second
	h.start()
	mod := h.person(4300, "Moderator", "en")
	mod.startIn("English")
	flooder, other := h.person(4301, "Flooder", "en"), h.person(4302, "Other", "en")
	flooder.startIn("English")
	other.startIn("English")

	for round := range 3 {
		for i := range 20 {
			flooder.send(fmt.Sprintf("spam %d-%d", round, i))
		}
		if round == 0 {
			other.send("/help")
			start := time.Now()
			other.expect("/new")
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("another user's reply took %v behind the flood", took)
			}
		}
		time.Sleep(1100 * time.Millisecond)
	}
	mod.expect(plain(T("en", "mod_flood", "Flooder", flooder.u.ID)))
	h.waitIdle()
	notices, replies := 0, 0
	for _, m := range h.tg.BotMessages(flooder.u.ID) {
		switch m.Text {
		case T("en", "flood_notice"):
			notices++
		case T("en", "unknown"):
			replies++
		}
	}
	if notices != 3 || replies > 3*5 {
		t.Fatalf("the flooder got %d notices and %d replies to 60 messages, want 3 notices and at most 15 replies", notices, replies)
	}
}

func TestExportParsesBack(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(4401, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Қазақ тіліндегі атау: ғ, қ, ң, ө, ұ, ү, һ, і")
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	card := n.agro1.expectCard(id)
	n.agro1.reply(card, "Жауап: \"тырнақшамен\", үтірмен, жаңа\nжолмен")
	n.agro1.expectT("answer_sent", id)

	n.mod.send("/export")
	var doc *fake.Document
	h.waitFor("the CSV document", 20*time.Second, func() bool {
		for _, m := range h.tg.BotMessages(n.mod.u.ID) {
			if m.Document != nil && m.Document.Data != nil {
				doc = m.Document
				return true
			}
		}
		return false
	})
	if !bytes.HasPrefix(doc.Data, []byte("\xEF\xBB\xBF")) {
		t.Fatal("the CSV does not start with a UTF-8 byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(doc.Data[3:])).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	header := strings.Split(T("en", "csv_header"), "|")
	if len(rows) != 2 || len(rows[0]) != len(header) || len(rows[1]) != len(header) {
		t.Fatalf("got %d rows of %d columns, want a header and one problem of %d columns", len(rows), len(rows[0]), len(header))
	}
	row := rows[1]
	if row[0] != fmt.Sprint(id) || row[6] != "Қазақ тіліндегі атау: ғ, қ, ң, ө, ұ, ү, һ, і" || row[3] != "Agro-industrial complex" {
		t.Errorf("row %q", row)
	}
	if !strings.Contains(row[15], "Жауап: \"тырнақшамен\", үтірмен, жаңа\nжолмен") {
		t.Errorf("messages column %q", row[15])
	}
}

// /web gives a moderator or an observer a one-time link into the console,
// where the console is set up, and nobody else any.
func TestWebLinkForModeratorsOnly(t *testing.T) {
	h := newHarness(t)
	h.cfg.AdminIDs = []int64{2000}
	h.cfg.ConsoleURL = "https://bot.example.kz/console/"
	h.start()
	mod := h.person(2000, "Moderator", "en")
	mod.startIn("English")
	// The moderator's chat has the console as its menu button, a Mini App.
	h.waitFor("the console's menu button", 10*time.Second, func() bool {
		for _, c := range h.tg.Requests() {
			if c.Method == "setChatMenuButton" && c.Params["chat_id"] == "2000" && c.Status == 200 &&
				strings.Contains(c.Params["menu_button"], `"url":"https://bot.example.kz/console/app"`) {
				return true
			}
		}
		return false
	})
	mod.send("/web")
	mod.expect("https://bot.example.kz/console/login?t=")
	var links int
	h.query(&links, `SELECT count(*) FROM console_links WHERE user_id = 2000 AND expires_at > now() AND used_at IS NULL`)
	if links != 1 {
		t.Errorf("%d links kept for the moderator, want 1", links)
	}
	ent := h.person(2001, "Ерлан", "kk")
	ent.startIn("Қазақша")
	ent.send("/web")
	ent.expectT("moderators_only")
	h.query(&links, `SELECT count(*) FROM console_links WHERE user_id = 2001`)
	if links != 0 {
		t.Errorf("%d links made for an entrepreneur", links)
	}

	// Made an observer by an admin, a committee member gets one too.
	mod.send("/addobserver 2001")
	mod.expectT("observer_added", 2001)
	ent.send("/web")
	ent.expect("https://bot.example.kz/console/login?t=")
	mod.send("/addobserver 2000")
	mod.expectT("observer_is_moderator", 2000)
}
