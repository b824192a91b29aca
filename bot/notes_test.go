package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// An entrepreneur is offered the sector's notes after a first request in
// it, another subscribes with /subscribe; an expert's note reaches both
// once a moderator approves it, with a button to unsubscribe that works in
// one press; a rejected note reaches nobody.
func TestTrendNotesReachSubscribers(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	const agro = "Агроөнеркәсіптік кешен"

	erlan := h.person(6201, "Ерлан", "kk")
	erlan.startIn("Қазақша")
	id := n.post(erlan, "Бидай кептіргіші шулы")
	// The summary became the acknowledgement, with the offer under it.
	var ack fake.Message
	h.waitFor("the offer under the acknowledgement", 10e9, func() bool {
		for _, m := range h.tg.BotMessages(erlan.u.ID) {
			if _, ok := m.Button(T("kk", "btn_subscribe", agro)); ok && strings.Contains(m.Text, fmt.Sprintf("#%d", id)) {
				ack = m
				return true
			}
		}
		return false
	})
	if got, _ := h.tg.CallbackAnswer(erlan.press(ack, T("kk", "btn_subscribe", agro))); got != plain(T("kk", "subscribed", agro)) {
		t.Errorf("the offer after a first request answered %q", got)
	}

	olga := h.person(6202, "Ольга", "ru")
	olga.startIn("Русский")
	olga.send("/subscribe")
	menu := olga.expectT("subscribe_text")
	olga.press(menu, "Агропромышленный комплекс")
	h.waitFor("the menu to show the subscription", 10e9, func() bool {
		now, _ := h.tg.Message(olga.u.ID, menu.MessageID)
		_, ok := now.Button("✅ Агропромышленный комплекс")
		return ok
	})

	// Not a moderator's button for anyone else.
	note := func(text string) (int64, string) {
		n.agro1.send("/note")
		n.agro1.expectT("note_write", agro)
		n.agro1.send(text)
		sent := n.agro1.expect("✅")
		var noteID int64
		fmt.Sscanf(sent.Text[strings.Index(sent.Text, "#")+1:], "%d", &noteID)
		card := n.mod.expect(fmt.Sprintf("Trend note #%d", noteID))
		if got, _ := h.tg.CallbackAnswer(erlan.pressData(card, callbackData("noteok", fmt.Sprint(noteID)))); got != T("kk", "not_allowed") {
			t.Errorf("an entrepreneur's press of Approve answered %q", got)
		}
		return noteID, n.mod.pressT(card, "btn_approve")
	}
	first, _ := note("Биылдан бастап астық кептіргіштерге жаңа шу стандарты қолданылады.")
	n.agro1.expectT("note_approved_author", first, 2)
	got := erlan.expect("жаңа шу стандарты")
	if !strings.Contains(got.Text, "Aigerim") {
		t.Errorf("the note does not say whose it is: %q", got.Text)
	}
	olga.expect("жаңа шу стандарты")

	// Approved notes are found by /search.
	olga.send("/search шу стандарты")
	if found := olga.expect(plain(T("ru", "search_notes"))); !strings.Contains(found.Text, "жаңа шу стандарты") {
		t.Errorf("/search does not find the note: %q", found.Text)
	}

	// Unsubscribing is one press, and the next note does not come.
	if got, _ := h.tg.CallbackAnswer(erlan.press(got, T("kk", "btn_unsubscribe", agro))); got != plain(T("kk", "unsubscribed", agro)) {
		t.Errorf("Unsubscribe answered %q", got)
	}
	second, _ := note("Тамшылатып суаруға арналған жаңа датчиктер шықты.")
	n.agro1.expectT("note_approved_author", second, 1)
	olga.expect("жаңа датчиктер")
	erlan.noMessageContaining("жаңа датчиктер")

	// A rejected note reaches nobody.
	n.agro1.send("/note")
	n.agro1.expectT("note_write", agro)
	n.agro1.send("Жарнама: біздің компанияның сүзгілері.")
	n.agro1.expect("✅")
	n.mod.pressT(n.mod.expect("Жарнама"), "btn_reject")
	n.agro1.expect(plain(T("kk", "note_rejected_author", second+1)))
	olga.noMessageContaining("Жарнама")
}
