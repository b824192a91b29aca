package bot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// withAnswered starts a network where a Kazakh entrepreneur's problem of
// the given title has Aigerim's answer: "Кептіргіштің желдеткіштерін
// ауыстырыңыз."
func withAnswered(t *testing.T, authorID int64, title string) (*network, *person, int64) {
	t.Helper()
	n := newNetwork(t, nil)
	author := n.h.person(authorID, "Ерлан", "kk")
	author.startIn("Қазақша")
	id, _ := n.answered(author, title, "Кептіргіштің желдеткіштерін ауыстырыңыз.")
	return n, author, id
}

// An entrepreneur finds another's answered problem by other forms of its
// words, opens it with one press and reads the expert's answer, never the
// author's name; a moderator can keep a problem out of search.
func TestSearchFindsPublishedAnswers(t *testing.T) {
	n, _, id := withAnswered(t, 5701, "Бидай кептіргіші шулы")
	h := n.h

	other := h.person(5702, "Асель", "kk")
	other.startIn("Қазақша")
	other.send("/search")
	other.expectT("search_what")
	other.send("/search бидайдың кептіргішіне")
	results := other.expect("🔎")
	if !strings.Contains(results.Text, fmt.Sprintf("#%d Бидай кептіргіші шулы", id)) || strings.Contains(results.Text, "Ерлан") {
		t.Fatalf("the results read %q, want the problem and not its author", results.Text)
	}
	other.press(results, fmt.Sprintf("#%d Бидай кептіргіші шулы", id))
	found := other.expect("Кептіргіштің желдеткіштерін ауыстырыңыз.")
	for _, want := range []string{"Aigerim", "Агроөнеркәсіптік технологиялар құзыреттілік орталығы"} {
		if !strings.Contains(found.Text, want) {
			t.Errorf("the problem as found lacks %q:\n%s", want, found.Text)
		}
	}
	if strings.Contains(found.Text, "Ерлан") {
		t.Errorf("the problem as found names its author:\n%s", found.Text)
	}

	// Narrowed to another sector, nothing; to its own, found again.
	other.press(results, T("kk", "btn_sectors"))
	h.waitFor("the sectors to choose from", 10*time.Second, func() bool {
		now, _ := h.tg.Message(other.u.ID, results.MessageID)
		_, ok := now.Button("Тау-кен және металлургия")
		return ok
	})
	now, _ := h.tg.Message(other.u.ID, results.MessageID)
	other.press(now, "Тау-кен және металлургия")
	h.waitFor("no result in mining", 10*time.Second, func() bool {
		now, _ = h.tg.Message(other.u.ID, results.MessageID)
		return strings.Contains(now.Text, "Тау-кен") && strings.Contains(now.Text, "табылмады")
	})

	// Kept out of search by a moderator.
	n.mod.send(fmt.Sprintf("/hide %d", id))
	n.mod.expectT("mod_hidden", id)
	other.send("/search бидай кептіргіш")
	if none := other.expect("🔎"); !strings.Contains(none.Text, "табылмады") {
		t.Errorf("a hidden problem was found: %q", none.Text)
	}
}

// Posting a near-copy of an answered problem, the summary offers it with
// one press; an unrelated problem gets no hint; submitting stays one press.
func TestNearCopyGetsAHint(t *testing.T) {
	n, _, id := withAnswered(t, 5801, "Бидай кептіргіші қатты шулы")
	h := n.h

	second := h.person(5802, "Асель", "kk")
	second.startIn("Қазақша")
	copyID := n.post(second, "Бидай кептіргіші шулы") // submitted in one press, the hint notwithstanding
	summaryOf := func(title string) (m fake.Message) {
		for _, b := range h.tg.BotMessages(second.u.ID) {
			if strings.Contains(b.Text, "Тексеріңіз") && strings.Contains(b.Text, title+"\n") {
				m = b
			}
		}
		return m
	}
	summary := summaryOf("Бидай кептіргіші шулы")
	if !strings.Contains(summary.Text, plain(T("kk", "similar_found"))) {
		t.Fatalf("the summary of a near-copy has no hint:\n%s", summary.Text)
	}
	second.press(summary, fmt.Sprintf("#%d Бидай кептіргіші қатты шулы", id))
	second.expect("Кептіргіштің желдеткіштерін ауыстырыңыз.")
	if copyID == 0 {
		t.Fatal("the near-copy was not submitted")
	}

	// The moderator sees the earlier one on the copy's card and merges in
	// one press: its author then supports the earlier one.
	card := n.mod.expect(fmt.Sprintf("Moderation: #%d", copyID))
	if !strings.Contains(card.Text, plain(T("en", "mod_similar"))) || !strings.Contains(card.Text, fmt.Sprintf("#%d Бидай кептіргіші қатты шулы", id)) {
		t.Errorf("the copy's moderation card does not show the earlier request:\n%s", card.Text)
	}
	n.mod.press(card, T("en", "btn_merge_into", id))
	second.expect(plain(T("kk", "merged_author", copyID, id)))
	var supporters int
	h.query(&supporters, `SELECT count(*) FROM supporters WHERE problem_id = $1 AND user_id = $2`, id, second.u.ID)
	if supporters != 1 {
		t.Errorf("the merged copy's author supports the earlier request %d times, want once", supporters)
	}

	n.postWith(second, "Агроөнеркәсіптік кешен", "Жылыжай жылытуы қымбат", "Қыста жылыжайды газбен жылыту шығыны екі есе өсті.", false)
	if m := summaryOf("Жылыжай жылытуы қымбат"); m.MessageID == 0 || strings.Contains(m.Text, plain(T("kk", "similar_found"))) {
		t.Errorf("an unrelated problem's summary: %q, want no hint", m.Text)
	}
}

// "@bot words" in any chat is answered with the published answers, as
// results the Bot API accepts (the fake checks them against its
// description), each sending the answer with its expert's name.
func TestInlineQueryFindsAnswers(t *testing.T) {
	n, _, id := withAnswered(t, 5901, "Бидай кептіргіші шулы")
	h := n.h

	stranger := fake.User{ID: 5902, FirstName: "Committee", LanguageCode: "ru"}
	q := h.tg.AskInline(stranger, "кептіргіштің шуы")
	var raw json.RawMessage
	h.waitFor("the inline answer", 10*time.Second, func() bool {
		var ok bool
		raw, ok = h.tg.InlineAnswer(q)
		return ok
	})
	var results []struct {
		Type, ID, Title string
		Content         struct {
			Text string `json:"message_text"`
		} `json:"input_message_content"`
		ReplyMarkup fake.InlineKeyboardMarkup `json:"reply_markup"`
	}
	if err := json.Unmarshal(raw, &results); err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].ID != fmt.Sprint(id) || !strings.Contains(results[0].Content.Text, "Кептіргіштің желдеткіштерін") ||
		!strings.Contains(results[0].Content.Text, "Aigerim") || strings.Contains(results[0].Content.Text, "Ерлан") {
		t.Fatalf("inline results %s, want the answer with its expert and not its author", raw)
	}
	// Its link opens the problem in the bot, for someone new too.
	link := results[0].ReplyMarkup.InlineKeyboard[0][0].URL
	if want := fmt.Sprintf("?start=p%d", id); !strings.HasSuffix(link, want) {
		t.Fatalf("the result's link is %q, want one ending %q", link, want)
	}
	var kept int
	h.query(&kept, `SELECT count(*) FROM inbox WHERE kind = 'inline_query' AND payload::text LIKE '%кептіргіштің%'`)
	if kept != 0 {
		t.Errorf("the inline query's words are kept in %d updates", kept)
	}
	var asker int
	h.query(&asker, `SELECT count(*) FROM users WHERE id = $1`, stranger.ID)
	if asker != 0 {
		t.Errorf("someone who only asked inline was recorded as a user")
	}
	opener := h.person(stranger.ID, stranger.FirstName, "ru")
	opener.send(fmt.Sprintf("/start p%d", id))
	opener.expect("Кептіргіштің желдеткіштерін ауыстырыңыз.")
	opener.expectT("choose_language")
}

// Me too from a problem found: counted once per person, not for its own
// author.
func TestMeTooCountsOnce(t *testing.T) {
	n, author, id := withAnswered(t, 6001, "Бидай кептіргіші шулы")
	h := n.h
	for _, p := range []*person{h.person(6002, "Асель", "kk"), author} {
		if p != author {
			p.startIn("Қазақша")
		}
		p.send(fmt.Sprintf("/start p%d", id))
		found := p.expect("Кептіргіштің желдеткіштерін ауыстырыңыз.")
		first, _ := h.tg.CallbackAnswer(p.pressT(found, "btn_metoo"))
		second, _ := h.tg.CallbackAnswer(p.pressT(found, "btn_metoo"))
		if p == author {
			if first != T("kk", "metoo_own") {
				t.Errorf("the author's own Me too answered %q", first)
			}
			continue
		}
		if first != plain(T("kk", "metoo_counted", 2)) || second != T("kk", "metoo_already") {
			t.Errorf("Me too answered %q, then %q", first, second)
		}
	}
	var supporters int
	h.query(&supporters, `SELECT count(*) FROM supporters WHERE problem_id = $1`, id)
	if supporters != 1 {
		t.Errorf("%d supporters recorded, want 1", supporters)
	}
}

// A supporter is told where the answers will come, writes a line about
// their case that the answering expert reads without their name, and gets
// the expert's next answer too; the moderator's thread view counts them
// and shows the line.
func TestSupportersGetAnswersAndWriteTheirLine(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	author := h.person(6101, "Ерлан", "kk")
	author.startIn("Қазақша")
	id := n.approved(author, "Бидай кептіргіші шулы")
	card := n.agro1.expectCard(id)
	n.agro1.pressT(card, "btn_take")
	n.agro1.reply(card, "Кептіргіштің желдеткіштерін ауыстырыңыз.")
	n.agro1.pressT(n.agro1.expectT("answer_sent", id), "rec_none")

	asel := h.person(6102, "Асель", "kk")
	asel.startIn("Қазақша")
	asel.send(fmt.Sprintf("/start p%d", id))
	asel.pressT(asel.expect("Кептіргіштің желдеткіштерін ауыстырыңыз."), "btn_metoo")
	welcome := asel.expectT("metoo_welcome", id, "Бидай кептіргіші шулы")

	asel.reply(welcome, strings.Repeat("ұзын ", 101))
	asel.expectT("metoo_line_long", maxSupportLine)
	asel.reply(welcome, "Біздің кептіргіш түнде ғана шулайды.")
	asel.expectT("metoo_line_saved")
	line := n.agro1.expect("Біздің кептіргіш түнде ғана шулайды.")
	if strings.Contains(line.Text, "Асель") {
		t.Errorf("the expert learnt the supporter's name: %q", line.Text)
	}

	n.agro1.reply(card, "Түнгі шу — подшипниктің тозуы, оны ауыстырыңыз.")
	n.agro1.pressT(n.agro1.expectT("answer_sent", id), "rec_none")
	got := asel.expect("Түнгі шу — подшипниктің тозуы")
	if !strings.Contains(got.Text, "Сізде де бар") || got.ReplyMarkup != nil {
		t.Errorf("the supporter's copy reads %q with buttons %v, want the supporter's header and no Solved button", got.Text, got.ReplyMarkup)
	}
	author.expect("Түнгі шу — подшипниктің тозуы")

	n.mod.send(fmt.Sprintf("/thread %d", id))
	view := n.mod.expect(plain(T("en", "card_supporters", 1)))
	if !strings.Contains(view.Text, "Біздің кептіргіш түнде ғана шулайды.") || strings.Contains(view.Text, "Асель") {
		t.Errorf("the moderator's view of the thread: %q", view.Text)
	}

	// Its weight in /stats: the most pressing of its sector.
	n.mod.send("/stats")
	stats := n.mod.expect(plain(T("en", "stats_pressing")))
	if want := fmt.Sprintf("/thread_%d Бидай кептіргіші шулы — 1", id); !strings.Contains(stats.Text, want) {
		t.Errorf("/stats lacks %q:\n%s", want, stats.Text)
	}

	// And in the committees' export of the most pressing.
	n.mod.send("/export pressing")
	doc := n.mod.expectDocument("expertbot-pressing")
	want := fmt.Sprintf("Agro-industrial complex,%d,Бидай кептіргіші шулы,1\r\n", id)
	if !strings.Contains(string(doc.Data), want) {
		t.Errorf("the most pressing CSV reads %q, want the line %q", doc.Data, want)
	}
}

// A shared link to a request still with the experts opens it, without its
// author, and takes a Me too.
func TestSharedLinkToAnOpenRequest(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	author := h.person(6401, "Ерлан", "kk")
	author.startIn("Қазақша")
	id := n.approved(author, "Сүт сауу аппараты маститке әкеледі")
	other := h.person(6402, "Асель", "kk")
	other.startIn("Қазақша")
	other.send(fmt.Sprintf("/start p%d", id))
	found := other.expect("Сүт сауу аппараты маститке әкеледі")
	if strings.Contains(found.Text, "Ерлан") || !strings.Contains(found.Text, T("kk", "status_open")) {
		t.Errorf("the open request as shared reads %q", found.Text)
	}
	if got, _ := h.tg.CallbackAnswer(other.pressT(found, "btn_metoo")); got != plain(T("kk", "metoo_counted", 2)) {
		t.Errorf("Me too answered %q", got)
	}
}

// After the title and description the wizard offers the sectors of the
// requests most like them, the whole list a press away.
func TestWizardGuessesTheSector(t *testing.T) {
	n, _, _ := withAnswered(t, 6501, "Бидай кептіргіші қатты шулы")
	h := n.h
	ent := h.person(6502, "Асель", "kk")
	ent.startIn("Қазақша")
	ent.send("/new")
	ent.pressT(ent.expectT("new_kind"), "kind_problem")
	ent.expectT("new_title", maxTitle)
	ent.send("Кептіргіш шулы")
	ent.expectT("new_body", maxBody)
	ent.send("Бидай кептіргішінің желдеткіштері қатты шулайды, не істеу керек?")
	ent.pressT(ent.expectT("new_files", maxFiles), "btn_done")
	asked := ent.expectT("new_sector_guess")
	if got, want := asked.Buttons(), []string{"Агроөнеркәсіптік кешен", T("kk", "btn_other_sectors")}; !slices.Equal(got, want) {
		t.Fatalf("the sector's question offers %q, want %q", got, want)
	}
	ent.pressT(asked, "btn_other_sectors")
	h.waitFor("the whole list", 10*time.Second, func() bool {
		now, _ := h.tg.Message(ent.u.ID, asked.MessageID)
		return len(now.Buttons()) == 14
	})
	now, _ := h.tg.Message(ent.u.ID, asked.MessageID)
	ent.press(now, "Тау-кен және металлургия")
	ent.expectT("new_region")
}
