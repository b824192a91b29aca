package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// A banned expert is out of the network: new problems, reminders of
// untaken ones and the moderators' Reassign lists pass them by, and their
// edits and replies reach nobody.
func TestBannedExpertIsOutOfTheLoop(t *testing.T) {
	n := newNetwork(t, func(c *Config) { c.TakeTimeout = time.Second })
	h := n.h
	ent := h.person(6001, "Ерлан", "kk")
	ent.startIn("Қазақша")
	before := n.approved(ent, "Бидай ылғалы")
	card := n.agro1.expectCard(before)
	n.agro2.expectCard(before)
	answer := n.agro1.reply(card, "Тамшылатып суару")
	n.agro1.expectT("answer_sent", before)
	ent.expect("Тамшылатып суару")

	n.mod.send(fmt.Sprintf("/ban %d spam", n.agro1.u.ID))
	n.mod.expectT("mod_banned", n.agro1.u.ID)

	// Their edit of an answer given before the ban, and a reply, reach nobody.
	h.tg.Edit(n.agro1.u, answer, "Тамшылатып суару — сілтеме: http://spam.example")
	n.agro1.reply(card, "Тағы бір жауап")
	h.waitIdle()
	ent.noMessageContaining("spam.example")
	ent.noMessageContaining("Тағы бір жауап")

	// A new problem goes to the other agro expert only, and so does the
	// reminder when nobody takes it.
	after := n.approved(ent, "Топырақ тұздануы")
	n.agro2.expectCard(after)
	n.agro2.expect(plain(T("ru", "reminder_card")))
	n.mod.expect(plain(T("en", "mod_untaken", after, formatDuration(time.Second, "en"))))
	h.waitIdle()
	n.agro1.noMessageContaining(fmt.Sprintf("#%d", after))

	// The moderators' Reassign list leaves them out.
	n.mod.send(fmt.Sprintf("/thread %d", after))
	n.mod.pressT(n.mod.expectCard(after), "btn_reassign")
	whom := n.mod.expectT("reassign_whom", after)
	if slices.ContainsFunc(whom.Buttons(), func(b string) bool { return strings.HasPrefix(b, "Aigerim") }) {
		t.Errorf("the banned expert is offered for reassigning: %q", whom.Buttons())
	}
	if _, listed := whom.Button(T("en", "expert_load", "Boris", 0)); !listed {
		t.Errorf("the other expert is not offered: %q", whom.Buttons())
	}
}

// An expert taken out of their centre can no longer answer, follow up or
// have an edit of an earlier answer passed on.
func TestRemovedExpertCannotAnswer(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(6101, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.approved(ent, "Қой жүнін өңдеу")
	card := n.agro2.expectCard(id)
	answer := n.agro2.reply(card, "Первый ответ")
	n.agro2.expectT("answer_sent", id)
	relayed := ent.expect("Первый ответ")
	ent.reply(relayed, "Қандай жабдық керек?")
	followup := n.agro2.expect("Қандай жабдық керек?")

	n.mod.send(fmt.Sprintf("/removeexpert %d agrotech", n.agro2.u.ID))
	n.mod.expect(fmt.Sprintf("User %d is no longer an expert", n.agro2.u.ID))

	n.agro2.reply(followup, "Ответ после исключения")
	n.agro2.expectT("not_allowed")
	n.agro2.reply(card, "Ещё ответ по карточке")
	n.agro2.expectT("not_allowed")
	h.tg.Edit(n.agro2.u, answer, "Исправленный первый ответ")
	h.waitIdle()
	ent.noMessageContaining("после исключения")
	ent.noMessageContaining("по карточке")
	ent.noMessageContaining("Исправленный")

	// An expert who declined a problem cannot answer it by replying to its card.
	other := n.approved(ent, "Сүт сапасы")
	card1 := n.agro1.expectCard(other)
	n.agro1.pressT(card1, "btn_decline")
	n.agro1.reply(card1, "Жауап бас тартқаннан кейін")
	n.agro1.expectT("not_allowed")
	h.waitIdle()
	ent.noMessageContaining("бас тартқаннан кейін")
}

// A banned user is told so once in a while, not at every message.
func TestBanNoticeOncePerPeriod(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(6201, "Spammer", "en")
	ent.startIn("English")
	n.mod.send(fmt.Sprintf("/ban %d spam", ent.u.ID))
	n.mod.expectT("mod_banned", ent.u.ID)
	for i := range 5 {
		ent.send(fmt.Sprintf("buy now %d", i))
	}
	ent.expectT("banned_notice")
	h.waitIdle()
	notices := 0
	for _, m := range h.tg.BotMessages(ent.u.ID) {
		if strings.Contains(m.Text, plain(T("en", "banned_notice"))) {
			notices++
		}
	}
	if notices != 1 {
		t.Fatalf("the banned user got %d notices for 5 messages, want 1", notices)
	}
}

// MODERATOR_IDS and ADMIN_IDS name who starts with a role: a moderator an
// admin removed stays removed after a restart, their menu is the common
// one again and they leave the moderators' group; only admins give and
// take the role; every grant and removal is in the audit log.
func TestRemovedModeratorStaysRemoved(t *testing.T) {
	const admin, mod, other, group = 6301, 6302, 6303, -1006300
	h := newHarness(t, mod, other)
	h.cfg.AdminIDs = []int64{admin}
	h.cfg.ModeratorChatID = group
	h.tg.AddGroup(group, "Moderators")
	h.start()
	a, m, o := h.person(admin, "Admin", "en"), h.person(mod, "Mod", "en"), h.person(other, "Other", "en")
	for _, p := range []*person{a, m, o} {
		p.startIn("English")
	}

	// A moderator who is not an admin may not remove another.
	o.send(fmt.Sprintf("/removemoderator %d", mod))
	o.expectT("admins_only")

	a.send(fmt.Sprintf("/removemoderator %d", mod))
	a.expectT("moderator_removed", mod)
	h.waitIdle()
	if got := h.tg.Member(group, mod); got != "left" {
		t.Errorf("the removed moderator's status in the group: %q, want left", got)
	}
	common := func(cmds []fake.BotCommand) bool {
		for _, c := range cmds {
			if c.Command == "queue" || c.Command == "thread" {
				return false
			}
		}
		return len(cmds) > 0
	}
	if menu := h.tg.Menu(mod, "en"); !common(menu) {
		t.Errorf("the removed moderator's menu: %v, want the common one", menu)
	}

	h.stop()
	h.start()
	m.send("/queue")
	m.expectT("moderators_only")
	var role string
	h.query(&role, `SELECT role FROM users WHERE id = $1`, mod)
	if role != "entrepreneur" {
		t.Fatalf("after a restart the removed moderator is %s", role)
	}
	var log string
	h.query(&log, `SELECT string_agg(action || ':' || target, ',' ORDER BY id) FROM audit_log`)
	for _, want := range []string{
		fmt.Sprintf("grant_moderator:%d", mod), fmt.Sprintf("grant_moderator:%d", other),
		fmt.Sprintf("grant_admin:%d", admin), fmt.Sprintf("remove_moderator:%d", mod),
	} {
		if strings.Count(log, want) != 1 {
			t.Errorf("the audit log %q has %q %d times, want once", log, want, strings.Count(log, want))
		}
	}
}

// A sector's name is text, whatever it holds: a < or & in it does not
// make the summary, the cards or the thread fail as HTML.
func TestNamesAreEscaped(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	const kk, en = "Агро <АӨК> & Co", "Agro <AIC> & Co"
	n.mod.send("/centres sector agro | " + kk + " | Агро <АПК> & Co | " + en)
	n.mod.expectT("sector_saved", Escape(en))
	ent := h.person(6401, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.postIn(ent, kk, "Жем-шөп сапасы")
	modCard := n.mod.expect(fmt.Sprintf("Moderation: #%d", id))
	if !strings.Contains(modCard.Text, en) {
		t.Errorf("the moderation card %q lacks the sector %q", modCard.Text, en)
	}
	n.mod.pressT(modCard, "btn_approve")
	if card := n.agro1.expectCard(id); !strings.Contains(card.Text, kk) {
		t.Errorf("the expert's card %q lacks the sector %q", card.Text, kk)
	}
	n.mod.send(fmt.Sprintf("/thread %d", id))
	if view := n.mod.expectCard(id); !strings.Contains(view.Text, en) {
		t.Errorf("/thread %q lacks the sector %q", view.Text, en)
	}
}

// An anonymous author's files may say who they are: the author is told
// before submitting, and the experts on the card.
func TestAnonymousAuthorsFilesAreFlagged(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(6501, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.postAs(ent, "Агроөнеркәсіптік кешен", "Құпия мәселе", true)
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	card := n.agro2.expectCard(id)
	if !strings.Contains(card.Text, plain(T("ru", "anon_files_card"))) || strings.Contains(card.Text, "Ерлан") {
		t.Fatalf("the expert's card of an anonymous request with files: %q", card.Text)
	}
}
