package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// waitCard waits until an expert's card says want and has exactly the
// buttons given, and returns it.
func (p *person) waitCard(card fake.Message, want string, buttons ...string) fake.Message {
	p.h.t.Helper()
	var now fake.Message
	ok := p.h.tg.WaitFor(20*time.Second, func() bool {
		now = p.cardNow(card)
		return strings.Contains(now.Text, want) && slices.Equal(now.Buttons(), buttons)
	})
	if !ok {
		p.h.t.Fatalf("%s's card says %q with buttons %q; want %q with %q", p.u.FirstName, now.Text, now.Buttons(), want, buttons)
	}
	return now
}

// Every expert's card says what became of its problem and keeps only the
// buttons that still apply; a press on a stale one is told what happened.
func TestCardsStayTrue(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(2401, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.approved(ent, "Комбайн бункері")
	card1 := n.agro1.expectCard(id)
	card2 := n.agro2.expectCard(id)
	kk := func(key string) string { return T("kk", key) }
	ru := func(key string) string { return T("ru", key) }

	// Aigerim takes it: Boris's card names her and offers only Answer.
	n.agro1.pressT(card1, "btn_take")
	n.agro1.waitCard(card1, plain(T("kk", "card_yours")), kk("btn_answer"), kk("btn_decline"))
	n.agro2.waitCard(card2, plain(T("ru", "card_taken", "Aigerim")), ru("btn_answer"))
	// Boris presses Take on the card as he saw it before.
	q := n.agro2.pressData(card2, mustButton(t, card2, ru("btn_take")))
	if got, _ := h.tg.CallbackAnswer(q); !strings.Contains(got, "Aigerim") {
		t.Errorf("a late Take answered %q, want it to name who took it", got)
	}

	// Aigerim says it is not her area: her card says so with no buttons,
	// and Boris may take it again.
	n.agro1.pressT(n.agro1.cardNow(card1), "btn_decline")
	n.agro1.waitCard(card1, plain(T("kk", "card_declined")))
	n.agro2.waitCard(card2, "Комбайн бункері", ru("btn_take"), ru("btn_answer"), ru("btn_decline"))
	q = n.agro1.pressData(card1, mustButton(t, card1, kk("btn_answer")))
	if got, _ := h.tg.CallbackAnswer(q); got != plain(T("kk", "card_declined")) {
		t.Errorf("a press on a declined card answered %q", got)
	}

	// Boris answers; the author marks it solved: his card says so.
	n.agro2.pressT(n.agro2.cardNow(card2), "btn_take")
	n.agro2.reply(card2, "Бункер датчигін тексеріңіз.")
	n.agro2.expectT("answer_sent", id)
	answer := ent.expect("Бункер датчигін")
	ent.markSolved(answer, id)
	n.agro2.waitCard(card2, plain(T("ru", "card_solved")))
	q = n.agro2.pressData(card2, mustButton(t, card2, ru("btn_answer")))
	if got, _ := h.tg.CallbackAnswer(q); got != plain(T("ru", "card_solved")) {
		t.Errorf("a press on a solved card answered %q", got)
	}

	// A problem the moderator closes, and one merged into another, posted
	// by another entrepreneur (one person posting three in a minute is
	// slowed down as a flood).
	ent2 := h.person(2402, "Дина", "kk")
	ent2.startIn("Қазақша")
	closed := n.approved(ent2, "Жем араластырғыш")
	c := n.agro2.expectCard(closed)
	n.mod.send(fmt.Sprintf("/thread %d", closed))
	n.mod.pressT(n.mod.expect("Жем араластырғыш"), "btn_close")
	n.agro2.waitCard(c, plain(T("ru", "card_closed")))
	dup := n.approved(ent2, "Комбайн бункері тағы")
	d := n.agro1.expectCard(dup)
	n.mod.send(fmt.Sprintf("/merge %d %d", dup, id))
	n.agro1.waitCard(d, plain(T("kk", "card_merged", id)))
}

// The recommendation question comes once per answer, an album included,
// goes when answered, "Not a recommendation" among its choices, and is not
// asked of a reply to the author's follow-up.
func TestRecommendationQuestionOncePerAnswer(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(2411, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.approved(ent, "Май сығу желісі")
	card := n.agro2.expectCard(id)

	n.agro2.reply(card, "Проверьте давление в прессе.")
	ask := n.agro2.expectT("answer_sent", id)
	n.agro2.pressT(ask, "rec_none")
	n.agro2.waitCard(ask, "→ "+T("ru", "rec_none"))
	var recs int
	h.query(&recs, `SELECT count(*) FROM recommendations WHERE problem_id = $1`, id)
	if recs != 0 {
		t.Errorf("%d recommendations recorded for an answer that is none", recs)
	}

	// An album of three photos as one answer: one question.
	for i := range 3 {
		n.agro2.sendMessage(fake.Message{ReplyToMessage: &card, MediaGroupID: "answer-album",
			Photo: []fake.PhotoSize{{FileID: fmt.Sprintf("press-%d", i), FileUniqueID: fmt.Sprintf("p%d", i), Width: 640, Height: 480}}})
	}
	n.agro2.expectT("answer_sent", id)
	answer := ent.expect("Проверьте давление")

	// The author asks; the expert's reply to it is no new answer.
	ent.reply(answer, "Қандай қысым қалыпты?")
	followup := n.agro2.expect("Қандай қысым қалыпты?")
	n.agro2.expectPassedOn(n.agro2.reply(followup, "От 8 до 10 бар."))
	ent.expect("От 8 до 10 бар.")
	h.waitIdle()
	asked := 0
	for _, m := range h.tg.BotMessages(n.agro2.u.ID) {
		if strings.HasPrefix(m.Text, plain(T("ru", "answer_sent", id))) {
			asked++
		}
	}
	if asked != 2 {
		t.Errorf("the recommendation question was asked %d times, want 2 (the text answer, the album)", asked)
	}
}

// A message written without Telegram's reply goes to the one problem in
// hand; with several, the bot asks which with buttons.
func TestMessageWithoutReplyFindsItsThread(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(2421, "Ерлан", "kk")
	ent.startIn("Қазақша")
	first := n.approved(ent, "Сүт салқындатқыш")
	n.agro1.expectCard(first)
	card := n.agro2.expectCard(first)

	// Before anyone answers, the author's addition goes to both experts.
	ent.expectPassedOn(ent.send("Салқындатқыш 2019 жылы орнатылған."))
	n.agro1.expect("Салқындатқыш 2019 жылы")
	n.agro2.expect("Салқындатқыш 2019 жылы")

	// Boris takes it and writes, and sends a photo, without a reply.
	if got, _ := h.tg.CallbackAnswer(n.agro2.pressT(card, "btn_take")); got != plain(T("ru", "took", first)) {
		t.Errorf("Take was answered %q", got)
	}
	n.agro2.waitCard(card, plain(T("ru", "card_yours")), T("ru", "btn_answer"), T("ru", "btn_decline"))
	n.agro2.send("Проверьте компрессор.")
	n.agro2.expectT("answer_sent", first)
	ent.expect("Проверьте компрессор.")
	n.agro2.sendMessage(fake.Message{Caption: "Схема подключения",
		Photo: []fake.PhotoSize{{FileID: "scheme", FileUniqueID: "s1", Width: 800, Height: 600}}})
	ent.expect("Схема подключения")
	// The author's next words go to Boris only.
	ent.send("Компрессор жаңа.")
	n.agro2.expect("Компрессор жаңа.")

	// With a second problem in hand, the author is asked which.
	second := n.approved(ent, "Сүт сауу аппараты")
	n.agro1.expectCard(second)
	ent.send("Бұл қай өтінішке?")
	ask := ent.expectT("which_problem")
	ent.press(ask, fmt.Sprintf("#%d · Сүт салқындатқыш", first))
	n.agro2.expect("Бұл қай өтінішке?")
	ent.waitCard(ask, fmt.Sprintf("→ #%d", first))
	h.waitIdle()
	n.agro1.noMessageContaining("Бұл қай өтінішке?")
	n.agro1.noMessageContaining("Компрессор жаңа.")
}

// "Problem solved" asks first; "No, not yet" changes nothing. Once solved,
// a follow-up offers to reopen, and reopening sends it and brings the
// expert's card back.
func TestSolvedIsConfirmedAndReopened(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(2431, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.approved(ent, "Теплица жылыту")
	card := n.agro2.expectCard(id)
	n.agro2.pressT(card, "btn_take")
	n.agro2.reply(card, "Поставьте тепловой насос.")
	answer := ent.expect("Поставьте тепловой насос.")

	ent.pressT(answer, "btn_resolved")
	ask := ent.expectT("resolve_confirm", id)
	ent.pressT(ask, "btn_resolve_no")
	ent.waitCard(ask, "→ "+T("kk", "btn_resolve_no"))
	var status string
	h.query(&status, `SELECT status FROM problems WHERE id = $1`, id)
	if status != "answered" {
		t.Fatalf("after No, not yet the status is %s, want answered", status)
	}

	ent.markSolved(answer, id)
	n.agro2.waitCard(card, plain(T("ru", "card_solved")))
	ent.reply(answer, "Насос тоқтап қалды.")
	offer := ent.expectT("solved_offer_reopen", id)
	h.waitIdle()
	n.agro2.noMessageContaining("Насос тоқтап қалды.")
	ent.pressT(offer, "btn_reopen_send")
	ent.expectT("reopened_by_author", id)
	n.agro2.expect(plain(T("ru", "reopened_expert", id, "Теплица жылыту")))
	n.agro2.expect("Насос тоқтап қалды.")
	n.agro2.waitCard(card, plain(T("ru", "card_yours")), T("ru", "btn_answer"), T("ru", "btn_decline"))
	h.query(&status, `SELECT status FROM problems WHERE id = $1`, id)
	if status != "answered" {
		t.Errorf("reopened, the status is %s, want answered", status)
	}
}
