package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Two experts recommend one partner under two spellings: the second is
// asked whether it is the one listed and, saying so, the catalogue keeps
// one row. /partners lists it with its requests and what became of them,
// and by sector.
func TestCatalogueKeepsOnePartner(t *testing.T) {
	n := newNetwork(t, func(c *Config) { c.ImplementationCheck = 500 * time.Millisecond })
	h := n.h
	ent := h.person(6301, "Ерлан", "kk")
	ent.startIn("Қазақша")

	recommend := func(expert *person, title, partner string) int64 {
		id := n.approved(ent, title)
		card := expert.expectCard(id)
		expert.pressT(card, "btn_take")
		expert.reply(card, "Серіктес ретінде Bühler компаниясын ұсынамын.")
		expert.pressT(expert.expectT("answer_sent", id), "rec_partner")
		expert.expectT("cat_ask_partner")
		expert.send(partner)
		return id
	}
	first := recommend(n.agro1, "Бидай кептіргіші шулы", "Bühler AG, Швейцария, buhlergroup.com")
	n.agro1.expect(plain(T("kk", "cat_linked", "Bühler AG · Швейцария · buhlergroup.com", "/partners")))

	second := recommend(n.agro2, "Элеватордағы астық қызады", "Buhler AG, Швейцария")
	same := n.agro2.expect(plain(T("ru", "cat_same", "Buhler AG · Швейцария")))
	n.agro2.press(same, "= Bühler AG · Швейцария · buhlergroup.com")
	n.agro2.expect(plain(T("ru", "cat_linked", "Bühler AG · Швейцария · buhlergroup.com", "/partners")))

	var rows, linked int
	h.query(&rows, `SELECT count(*) FROM catalogue`)
	h.query(&linked, `SELECT count(*) FROM recommendations WHERE catalogue_id IS NOT NULL`)
	if rows != 1 || linked != 2 {
		t.Fatalf("the catalogue has %d rows for %d recommendations, want 1 for 2", rows, linked)
	}

	// The first was implemented, as its author says when asked.
	impl := ent.expect(plain(T("kk", "impl_question", first, "")))
	ent.pressT(impl, "impl_implemented")
	ent.pressT(ent.expectT("impl_comment"), "btn_skip")
	h.waitIdle()

	ent.send("/partners")
	list := ent.expect(plain(T("kk", "cat_title_partner", T("kk", "cat_all_sectors"))))
	want := plain(T("kk", "cat_line", 2, fmt.Sprintf("#%d, #%d", first, second), 1, 0, 0))
	if !strings.Contains(list.Text, "Bühler AG · Швейцария · buhlergroup.com") || !strings.Contains(list.Text, want) {
		t.Errorf("/partners reads:\n%s\nwant the partner and %q", list.Text, want)
	}
	ent.send("/search Bühler")
	if found := ent.expect(plain(T("kk", "search_catalogue"))); !strings.Contains(found.Text, "🤝 Bühler AG · Швейцария · buhlergroup.com · /partners") {
		t.Errorf("/search does not find the partner: %q", found.Text)
	}

	ent.press(list, "Тау-кен және металлургия")
	h.waitFor("mining's empty list", 10*time.Second, func() bool {
		now, _ := h.tg.Message(ent.u.ID, list.MessageID)
		return strings.Contains(now.Text, plain(T("kk", "cat_empty")))
	})
}
