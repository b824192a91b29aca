package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// An entrepreneur who types a problem without /new is offered to post it;
// /my opens each request's thread; when every expert declines, the author
// is told what happens next; nobody else opens their thread.
func TestEntrepreneurIsGuided(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(2441, "Ерлан", "kk")
	ent.startIn("Қазақша")
	body := "Жылыжайдағы қызанақ жапырақтары сарғайып кетті, суару қалыпты."
	ent.send(body)
	ent.pressT(ent.expectT("offer_new"), "btn_offer_new")
	ent.pressT(ent.expectT("new_kind"), "kind_problem")
	ent.press(ent.expectT("new_sector"), "Агроөнеркәсіптік кешен")
	ent.press(ent.expectT("new_region"), "Ақмола облысы")
	ent.expectT("new_title", maxTitle)
	ent.send("Қызанақ жапырағы сарғаяды")
	ent.pressT(ent.expectT("new_files", maxFiles), "btn_done")
	ent.pressT(ent.expectT("new_company"), "btn_skip")
	ent.pressT(ent.expectT("new_anonymous"), "anon_no")
	summary := ent.expect("Тексеріңіз")
	if !strings.Contains(summary.Text, body) {
		t.Fatalf("the summary %q lacks the typed description", summary.Text)
	}
	ent.pressT(summary, "btn_submit")
	var id int64
	h.waitFor("the problem", 10*time.Second, func() bool {
		h.query(&id, `SELECT COALESCE(max(id), 0) FROM problems WHERE author_id = $1`, ent.u.ID)
		return id != 0
	})
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	card := n.agro1.expect(fmt.Sprintf("#%d", id))
	n.agro1.reply(card, "Азот тыңайтқышын тексеріңіз.")
	n.agro1.expectT("answer_sent", id)
	ent.expect("Азот тыңайтқышын тексеріңіз.") // the answer itself

	ent.send("/my")
	my := ent.expectT("my_title")
	link := fmt.Sprintf("/thread_%d", id)
	if !strings.Contains(my.Text, link) {
		t.Fatalf("/my %q has no %s", my.Text, link)
	}
	ent.send(link)
	thread := ent.expect(plain(T("kk", "own_thread_status", T("kk", "status_answered"))))
	if !strings.Contains(thread.Text, "Азот тыңайтқышын тексеріңіз.") {
		t.Errorf("the author's thread %q lacks the answer", thread.Text)
	}
	stranger := h.person(2442, "Дина", "ru")
	stranger.startIn("Русский")
	stranger.send(link)
	stranger.expectT("not_found", id)

	// Both experts of the sector decline a second request.
	second := n.approved(ent, "Сиыр азығы")
	for _, e := range []*person{n.agro1, n.agro2} {
		e.pressT(e.expect(fmt.Sprintf("#%d", second)), "btn_decline")
	}
	ent.expectT("all_declined_author", second)
}
