package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// approved posts a problem as ent and has the moderator approve it.
func (n *network) approved(ent *person, title string) int64 {
	n.h.t.Helper()
	id := n.post(ent, title)
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	return id
}

func TestThreadActions(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(5001, "Ерлан", "kk")
	ent.startIn("Қазақша")
	first := n.approved(ent, "Суармалы жер")
	card := n.agro1.expectCard(first)
	// A long thread: ten answers make two pages.
	for i := range 10 {
		n.agro1.reply(card, fmt.Sprintf("Жауап нөмірі %d", i+1))
		n.agro1.expectT("answer_sent", first)
	}
	n.mod.send(fmt.Sprintf("/thread %d", first))
	page1 := n.mod.expectCard(first)
	for _, want := range []string{"Ерлан", "Status history", "Messages (1–8 of 10)", "Жауап нөмірі 1"} {
		if !strings.Contains(page1.Text, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, page1.Text)
		}
	}
	n.mod.press(page1, T("en", "btn_next"))
	h.waitFor("page 2", 10*time.Second, func() bool {
		return strings.Contains(n.mod.cardNow(page1).Text, "Messages (9–10 of 10)")
	})

	// Reassign to the other agro expert, who gets the card.
	n.mod.pressT(n.mod.cardNow(page1), "btn_reassign")
	whom := n.mod.expectT("reassign_whom", first)
	n.mod.press(whom, T("en", "expert_load", "Boris", 0))
	n.agro2.expect(plain(T("ru", "assigned_expert", first)))
	var owner int64
	h.query(&owner, `SELECT owner_id FROM problems WHERE id = $1`, first)
	if owner != n.agro2.u.ID {
		t.Fatalf("owner %d after reassigning, want %d", owner, n.agro2.u.ID)
	}

	// Close and reopen.
	n.mod.send(fmt.Sprintf("/thread %d", first))
	view := n.mod.expectCard(first)
	n.mod.pressT(view, "btn_close")
	ent.expectT("closed_author", first)
	n.mod.send(fmt.Sprintf("/thread %d", first))
	view = n.mod.expectCard(first)
	n.mod.pressT(view, "btn_reopen")
	ent.expectT("reopened_author", first)

	// A duplicate merged into the first: its author learns where to look.
	dup := n.approved(ent, "Суармалы жер тағы да")
	n.mod.send(fmt.Sprintf("/merge %d %d", dup, first))
	n.mod.expectT("mod_merged", dup, first)
	ent.expectT("merged_author", dup, first)
	var status string
	var into int64
	h.query(&status, `SELECT status FROM problems WHERE id = $1`, dup)
	h.query(&into, `SELECT merged_into FROM problems WHERE id = $1`, dup)
	if status != "closed" || into != first {
		t.Fatalf("duplicate is %s, merged into %d", status, into)
	}
	var history string
	h.query(&history, `SELECT string_agg(action, ',' ORDER BY id) FROM audit_log`)
	for _, want := range []string{"reassign", "close", "reopen", "merge"} {
		if !strings.Contains(history, want) {
			t.Errorf("audit log %q lacks %s", history, want)
		}
	}
}

func TestBlockedAuthor(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(5101, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.approved(ent, "Мал шаруашылығы")
	card := n.agro1.expectCard(id)
	h.waitIdle()
	h.tg.Block(ent.u.ID)
	n.agro1.reply(card, "Жауап жетпейді")
	n.agro1.expectT("undelivered_expert", id)
	n.mod.send(fmt.Sprintf("/thread %d", id))
	view := n.mod.expectCard(id)
	if !strings.Contains(view.Text, plain(T("en", "thread_unreachable"))) {
		t.Fatalf("/thread does not show that the author blocked the bot:\n%s", view.Text)
	}
}

func TestBanStopsRouting(t *testing.T) {
	n := newNetwork(t, func(c *Config) { c.Premoderation = false })
	h := n.h
	ent := h.person(5201, "Spammer", "en")
	ent.startIn("English")
	n.mod.send(fmt.Sprintf("/ban %d advertising", ent.u.ID))
	n.mod.expectT("mod_banned", ent.u.ID)
	ent.send("/new")
	ent.expectT("banned_notice")
	ent.send("buy now") // told once is enough (TestBanNoticeOncePerPeriod)
	h.waitIdle()
	var kept, dialogs int
	h.query(&kept, `SELECT count(*) FROM inbox WHERE user_id = $1 AND payload->'message'->>'text' = 'buy now'`, ent.u.ID)
	h.query(&dialogs, `SELECT count(*) FROM dialogs WHERE user_id = $1`, ent.u.ID)
	if kept != 1 || dialogs != 0 {
		t.Fatalf("banned user's message kept %d times, %d dialogues started", kept, dialogs)
	}
	n.mod.send(fmt.Sprintf("/unban %d", ent.u.ID))
	n.mod.expectT("mod_unbanned", ent.u.ID)
	ent.send("/new")
	ent.expectT("new_kind")
}

func TestStatsAndDigest(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(5301, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.approved(ent, "Астық сақтау")
	card := n.agro1.expectCard(id)
	n.agro1.reply(card, "Силос мұнараларын желдетіңіз.")
	n.agro1.pressT(n.agro1.expectT("answer_sent", id), "rec_technology")
	answer := ent.expect("Силос мұнараларын")
	ent.markSolved(answer, id)
	ent.press(ent.expect("жауаптарын бағалаңыз"), "⭐4")

	n.mod.send("/stats")
	stats := n.mod.expect("Statistics")
	for _, want := range []string{"Agro-industrial complex\nreceived 1 · awaiting moderation 0 · with experts 0 · answered 1 · solved 1", "rating 4.0", "Technology or solution: 1, implemented 0"} {
		if !strings.Contains(stats.Text, want) {
			t.Errorf("/stats lacks %q:\n%s", want, stats.Text)
		}
	}
	n.mod.send("/stats 2020-01-01 2020-01-31")
	n.mod.expectT("stats_none")
	n.mod.send("/stats yesterday")
	n.mod.expectT("period_usage")

	// The weekly digest: bring its timer forward.
	h.waitIdle()
	if _, err := h.db.SQL().Exec(`UPDATE reminders SET due_at = now() WHERE kind = 'digest' AND done_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	digest := n.mod.expect(plain(T("en", "digest_title")))
	if !strings.Contains(digest.Text, "received 1") {
		t.Errorf("digest %q", digest.Text)
	}
	var next int
	h.query(&next, `SELECT count(*) FROM reminders WHERE kind = 'digest' AND done_at IS NULL AND due_at > now() + interval '1 hour'`)
	if next != 1 {
		t.Fatalf("%d next digests set, want 1", next)
	}
}

func TestNetworkManagement(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	newcomer := fake.User{ID: 5401, FirstName: "Нұрлан", Username: "nurlan_kz", LanguageCode: "kk"}
	nurlan := &person{h: h, u: newcomer, lang: "kk", seen: map[int64]string{}}
	nurlan.startIn("Қазақша")

	// By forwarding one of their messages.
	n.mod.sendMessage(fake.Message{Text: "hello", ForwardFrom: &newcomer, ForwardDate: time.Now().Unix()})
	offer := n.mod.expect(plain(T("en", "forward_who", "Нұрлан", newcomer.ID)))
	n.mod.press(offer, "Healthcare competence centre")
	n.mod.expectT("expert_added", newcomer.ID, "Healthcare competence centre")
	// By @username, to a second centre.
	n.mod.send("/addexpert @nurlan_kz tourism")
	n.mod.expectT("expert_added", newcomer.ID, "Tourism and services competence centre")
	n.mod.send("/addexpert @nobody_here tourism")
	n.mod.expectT("user_not_found")

	n.mod.send("/experts health")
	list := n.mod.expect("— experts:")
	if !strings.Contains(list.Text, "Нұрлан (id 5401) · working on: 0") {
		t.Errorf("/experts shows %q", list.Text)
	}

	// A new centre serving two sectors, then retired.
	n.mod.send("/centres add water | Су орталығы | Водный центр | Water centre | ecology,agro")
	n.mod.expectT("centre_saved", "Water centre")
	n.mod.send(fmt.Sprintf("/addexpert %d water", newcomer.ID))
	n.mod.expectT("expert_added", newcomer.ID, "Water centre")
	n.mod.send("/centres retire water")
	n.mod.expectT("retired", "Water centre")
	n.mod.send("/centres sector space | Ғарыш | Космос | Space")
	n.mod.expectT("sector_saved", "Space")
	n.mod.send("/centres")
	if listing := n.mod.expect("agrotech"); !strings.Contains(listing.Text, "space") || strings.Contains(listing.Text, "<code>water</code>") {
		t.Errorf("/centres lists %q", listing.Text)
	}
	var centres int
	h.query(&centres, `SELECT count(*) FROM experts WHERE user_id = $1`, newcomer.ID)
	if centres != 3 {
		t.Fatalf("the newcomer is in %d centres, want 3 (one of them retired)", centres)
	}
}

// A warning that a problem has nobody carries the buttons that resolve it:
// the moderator gives it to an expert of another centre, who answers it.
// Banning an author is asked twice.
func TestWarningsCarryTheirRemedies(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(5301, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.postIn(ent, "Тау-кен және металлургия", "Кен байыту фабрикасының сүзгілері")
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")

	// Nobody serves mining: the warning offers to reassign.
	warning := n.mod.expect(plain(T("en", "mod_no_experts", id, "Mining and metallurgy")))
	if !strings.Contains(warning.Text, fmt.Sprintf("/thread_%d", id)) {
		t.Errorf("the warning %q does not link the thread", warning.Text)
	}
	n.mod.pressT(warning, "btn_reassign")
	picker := n.mod.expect(plain(T("en", "reassign_whom", id)))
	if !strings.Contains(picker.Text, T("en", "no_experts_to_assign")) {
		t.Errorf("the picker %q does not say the sector has no experts", picker.Text)
	}
	n.mod.press(picker, "🏢 Agro-industrial technologies competence centre")
	var now fake.Message
	h.waitFor("the agro centre's experts", 10*time.Second, func() bool {
		now, _ = h.tg.Message(n.mod.u.ID, picker.MessageID)
		_, ok := now.Button("Aigerim · 0 in progress")
		return ok
	})
	n.mod.press(now, "Aigerim · 0 in progress")

	// Aigerim, of another centre, gets the card, answers, and the author hears it.
	card := n.agro1.expect(plain(T("kk", "assigned_expert", id)))
	n.agro1.reply(card, "Сүзгі матасын полипропиленге ауыстырыңыз.")
	n.agro1.expectT("answer_sent", id)
	ent.expect("Сүзгі матасын полипропиленге ауыстырыңыз.")
	var owner int64
	h.query(&owner, `SELECT owner_id FROM problems WHERE id = $1`, id)
	if owner != n.agro1.u.ID {
		t.Fatalf("the problem belongs to %d, want Aigerim", owner)
	}

	// A ban waits for a second press; Back leaves the author alone.
	spam := h.person(5302, "Спамер", "kk")
	spam.startIn("Қазақша")
	spamID := n.postWith(spam, "Агроөнеркәсіптік кешен", "Арзан тракторлар сатамыз", "Жаңа тракторлар жеңілдікпен, хабарласыңыз.", false)
	modCard := n.mod.expect(fmt.Sprintf("Moderation: #%d", spamID))
	banned := func() bool {
		var at *time.Time
		h.query(&at, `SELECT banned_at FROM users WHERE id = $1`, spam.u.ID)
		return at != nil
	}
	n.mod.pressT(modCard, "btn_ban")
	asked := n.mod.waitCard(modCard, "Moderation", T("en", "btn_ban_yes"), T("en", "btn_back"))
	if banned() {
		t.Fatal("one press banned the author")
	}
	n.mod.pressT(asked, "btn_back")
	again := n.mod.waitCard(modCard, "Moderation", T("en", "btn_approve"), T("en", "btn_reject"), T("en", "btn_change_sector"), T("en", "btn_ban"))
	n.mod.pressT(again, "btn_ban")
	n.mod.pressT(n.mod.waitCard(modCard, "Moderation", T("en", "btn_ban_yes"), T("en", "btn_back")), "btn_ban_yes")
	h.waitFor("the ban", 10*time.Second, banned)
}

// A request goes first to the experts who read its language, and its card
// says the author's language; the others get it when nobody took it in
// time. An expert adds a language with /languages.
func TestRequestsGoFirstToReaders(t *testing.T) {
	n := newNetwork(t, func(c *Config) { c.TakeTimeout = 3 * time.Second })
	h := n.h
	// Aigerim reads Kazakh and serves ICT too; Dana reads English.
	n.mod.send(fmt.Sprintf("/addexpert %d digital", n.agro1.u.ID))
	n.mod.expect(fmt.Sprintf("User %d is now an expert", n.agro1.u.ID))
	ent := h.person(5401, "Ерлан", "kk")
	ent.startIn("Қазақша")

	ict := func(title string) int64 {
		id := n.postIn(ent, "АКТ және цифрландыру", title)
		n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
		return id
	}
	first := ict("Қойма есебін цифрландыру")
	card := n.agro1.expectCard(first)
	if want := "Автордың тілі: қазақша"; !strings.Contains(card.Text, want) {
		t.Errorf("the card %q does not say %q", card.Text, want)
	}
	h.waitIdle()
	n.digital.noMessageContaining(fmt.Sprintf("#%d", first))
	// Nobody takes it in time: Dana gets it too, in her words.
	late := n.digital.expectCard(first)
	for _, want := range []string{T("en", "reminder_card"), "The author writes in: Kazakh"} {
		if !strings.Contains(late.Text, want) {
			t.Errorf("Dana's card %q lacks %q", late.Text, want)
		}
	}

	// Dana adds Kazakh: the next request reaches her at once.
	n.digital.send("/languages")
	langs := n.digital.expect(plain(T("en", "reads_in", "English")))
	// Each press edits the list; one language at least stays.
	toggle := func(label, want string) string {
		t.Helper()
		now, _ := h.tg.Message(n.digital.u.ID, langs.MessageID)
		q := n.digital.press(now, label)
		h.waitFor("the languages to read "+want, 10*time.Second, func() bool {
			now, _ := h.tg.Message(n.digital.u.ID, langs.MessageID)
			return strings.Contains(now.Text, ": "+want+".")
		})
		answer, _ := h.tg.CallbackAnswer(q)
		return answer
	}
	toggle("Қазақша", "Kazakh, English")
	toggle("✅ English", "Kazakh")
	if got := toggle("✅ Қазақша", "Kazakh"); got != T("en", "reads_one_at_least") {
		t.Errorf("removing the last language answered %q", got)
	}
	toggle("English", "Kazakh, English")
	second := ict("Қойма есебін автоматтандыру")
	n.agro1.expectCard(second)
	if card := n.digital.expectCard(second); strings.Contains(card.Text, T("en", "reminder_card")) {
		t.Errorf("Dana got the second request only late: %q", card.Text)
	}
}
