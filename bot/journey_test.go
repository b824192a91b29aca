package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
)

// network starts a bot with a moderator (an admin), two experts of the agro-industrial
// technologies centre and one of the digital centre, each started and in
// their language, added by the moderator from the bot.
type network struct {
	h                 *harness
	mod, agro1, agro2 *person
	digital           *person
}

func newNetwork(t *testing.T, configure func(*Config)) *network {
	t.Helper()
	h := newHarness(t)
	h.cfg.AdminIDs = []int64{2000} // an admin moderates, and may add moderators
	h.cfg.Premoderation = true
	h.cfg.ReminderPoll = 50 * time.Millisecond
	if configure != nil {
		configure(&h.cfg)
	}
	h.start()
	n := &network{
		h:       h,
		mod:     h.person(2000, "Moderator", "en"),
		agro1:   h.person(2101, "Aigerim", "kk"),
		agro2:   h.person(2102, "Boris", "ru"),
		digital: h.person(2103, "Dana", "en"),
	}
	n.mod.startIn("English")
	n.agro1.startIn("Қазақша")
	n.agro2.startIn("Русский")
	n.digital.startIn("English")
	for _, add := range []struct {
		p      *person
		centre string
	}{{n.agro1, "agrotech"}, {n.agro2, "agrotech"}, {n.digital, "digital"}} {
		n.mod.send(fmt.Sprintf("/addexpert %d %s", add.p.u.ID, add.centre))
		n.mod.expect(fmt.Sprintf("User %d is now an expert", add.p.u.ID))
	}
	// Boris reads Kazakh too, so that both agro experts get every request.
	n.agro2.send("/languages")
	n.agro2.press(n.agro2.expect(plain(T("ru", "reads_in", "русский"))), "Қазақша")
	n.h.waitFor("Boris to read Kazakh", 10*time.Second, func() bool {
		var langs string
		n.h.query(&langs, `SELECT languages FROM users WHERE id = $1`, n.agro2.u.ID)
		return langs == "kk ru"
	})
	return n
}

// post goes through /new as an entrepreneur in Kazakh, with an album of
// three photos, and submits. It returns the problem's number.
func (n *network) post(ent *person, title string) int64 {
	n.h.t.Helper()
	return n.postIn(ent, "Агроөнеркәсіптік кешен", title)
}

// postIn is post in the sector whose Kazakh name is sector.
func (n *network) postIn(ent *person, sector, title string) int64 {
	n.h.t.Helper()
	return n.postAs(ent, sector, title, false)
}

// postAs is postIn, with the author's name hidden from the experts when
// anonymous.
func (n *network) postAs(ent *person, sector, title string, anonymous bool) int64 {
	n.h.t.Helper()
	return n.postWith(ent, sector, title, "Бидай алқаптарында топырақ ылғалы тез азаяды, суару жүйесі жеткіліксіз. Қандай технология ұсынасыз?", anonymous)
}

// postWith is postAs with a description of its own.
func (n *network) postWith(ent *person, sector, title, body string, anonymous bool) int64 {
	t := n.h.t
	t.Helper()
	ent.send("/new")
	ent.pressT(ent.expectT("new_kind"), "kind_problem")
	ent.expectT("new_title", maxTitle)
	ent.send(title)
	ent.expectT("new_body", maxBody)
	ent.send(body)
	ent.expectT("new_files", maxFiles)
	for i := range 3 {
		ent.sendMessage(fake.Message{
			MediaGroupID: "album-" + title,
			Photo:        []fake.PhotoSize{{FileID: fmt.Sprintf("photo-%s-%d", title, i), FileUniqueID: fmt.Sprintf("u%d", i), Width: 800, Height: 600}},
		})
	}
	done := ent.expectT("new_file_added", 3) // one acknowledgement, counting the album
	ent.pressT(done, "btn_done")
	ent.place(sector, "Ақмола облысы")
	ent.pressT(ent.expectT("new_company"), "btn_skip")
	ent.pressT(ent.expectT("new_anonymous"), map[bool]string{false: "anon_no", true: "anon_yes"}[anonymous])
	summary := ent.expect("Тексеріңіз")
	if warned := strings.Contains(summary.Text, plain(T("kk", "anon_files_summary"))); warned != anonymous {
		t.Fatalf("summary %q: warned that files may reveal the author %v, want %v", summary.Text, warned, anonymous)
	}
	if !strings.Contains(summary.Text, "Файлдар: 3") {
		t.Fatalf("summary %q, want the three photos counted", summary.Text)
	}
	ent.pressT(summary, "btn_submit")
	var id int64
	n.h.waitFor("the problem to be stored", 10*time.Second, func() bool {
		n.h.query(&id, `SELECT COALESCE(max(id), 0) FROM problems WHERE author_id = $1 AND title = $2`, ent.u.ID, title)
		return id != 0
	})
	ent.expectT("submitted_moderation", id)
	return id
}

func TestProblemJourney(t *testing.T) {
	n := newNetwork(t, func(c *Config) { c.ImplementationCheck = 500 * time.Millisecond })
	h := n.h
	ent := h.person(2201, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Суару жүйесі")

	// The moderator approves; the two agro experts get the card with the
	// album, the digital expert does not.
	card := n.mod.expect(fmt.Sprintf("Moderation: #%d", id))
	q := n.mod.pressT(card, "btn_approve")
	if got, _ := h.tg.CallbackAnswer(q); got != plain(T("en", "mod_approved", id, 2)) {
		t.Errorf("approving answered %q", got)
	}
	ent.expectT("routed", id, 2)

	card1 := n.agro1.expectCard(id)
	card2 := n.agro2.expectCard(id)
	for _, c := range []fake.Message{card1, card2} {
		for _, want := range []string{"Суару жүйесі", "Бидай алқаптарында", "Ерлан", "3"} {
			if !strings.Contains(c.Text, want) {
				t.Errorf("card %q lacks %q", c.Text, want)
			}
		}
	}
	if !strings.Contains(card1.Text, "Агроөнеркәсіптік кешен") || !strings.Contains(card2.Text, "Агропромышленный комплекс") {
		t.Errorf("cards not in the experts' languages: %q / %q", card1.Text, card2.Text)
	}
	var album int
	for _, m := range h.tg.BotMessages(n.agro1.u.ID) {
		if len(m.Photo) > 0 && m.MediaGroupID != "" {
			album++
		}
	}
	if album != 3 {
		t.Errorf("the expert got %d photos of an album, want 3", album)
	}
	n.digital.noMessageContaining(fmt.Sprintf("#%d", id))

	// Both press Take at once: exactly one owns the problem.
	q1 := h.tg.Press(n.agro1.u, &card1, mustButton(t, card1, T("kk", "btn_take")))
	q2 := h.tg.Press(n.agro2.u, &card2, mustButton(t, card2, T("ru", "btn_take")))
	h.waitFor("both presses answered", 10*time.Second, func() bool {
		_, a1 := h.tg.CallbackAnswer(q1)
		_, a2 := h.tg.CallbackAnswer(q2)
		return a1 && a2
	})
	var owner int64
	h.query(&owner, `SELECT owner_id FROM problems WHERE id = $1`, id)
	winner, loser, winnerCard := n.agro1, n.agro2, card1
	if owner == n.agro2.u.ID {
		winner, loser, winnerCard = n.agro2, n.agro1, card2
	} else if owner != n.agro1.u.ID {
		t.Fatalf("owner is %d, want one of the two experts", owner)
	}
	// Each is told in the press's notice, which costs the chat no message.
	winnerQ, loserQ := q1, q2
	if winner == n.agro2 {
		winnerQ, loserQ = q2, q1
	}
	if got, _ := h.tg.CallbackAnswer(winnerQ); got != plain(T(winner.lang, "took", id)) {
		t.Errorf("the winner's press was answered %q", got)
	}
	if got, _ := h.tg.CallbackAnswer(loserQ); got != plain(T(loser.lang, "already_taken", id, winner.u.FirstName)) {
		t.Errorf("the loser's press was answered %q", got)
	}
	ent.expect(fmt.Sprintf("#%d бойынша сарапшы жұмысқа кірісті", id))

	// The owner answers by replying to the second photo of the card's album
	// (a reply to the card's text works the same way), and marks the answer
	// a recommendation.
	var photos []fake.Message
	for _, m := range h.tg.BotMessages(winner.u.ID) {
		if m.MediaGroupID != "" {
			photos = append(photos, m)
		}
	}
	if len(photos) != 3 || photos[1].MessageID >= winnerCard.MessageID {
		t.Fatalf("the winner's album: %d photos before the card", len(photos))
	}
	winner.reply(photos[1], "Тамшылатып суару мен топырақ ылғалы датчиктерін орнатыңыз.")
	prompt := winner.expectT("answer_sent", id)
	q = winner.pressT(prompt, "rec_technology")
	if got, _ := h.tg.CallbackAnswer(q); got != T(winner.lang, "recommendation_saved", T(winner.lang, "rec_technology")) {
		t.Errorf("marking the recommendation answered %q", got)
	}

	// The entrepreneur gets it in Kazakh, with the expert's name and centre.
	answer := ent.expect("Тамшылатып суару")
	for _, want := range []string{"жауап", winner.u.FirstName, "Агроөнеркәсіптік технологиялар құзыреттілік орталығы"} {
		if !strings.Contains(answer.Text, want) {
			t.Errorf("answer %q lacks %q", answer.Text, want)
		}
	}
	// …and what the recommendation means to them, in plain words, not the
	// centres' taxonomy.
	told := ent.expectT("rec_author_technology", id)
	if !strings.Contains(told.Text, plain(T("kk", "rec_author_later"))) || strings.Contains(told.Text, T("kk", "rec_technology")) {
		t.Errorf("the author was told %q, want the plain meaning and that the bot will ask later", told.Text)
	}

	// A follow-up and the expert's reply.
	// It is marked passed on with a reaction, not a message.
	ent.expectPassedOn(ent.reply(answer, "Датчиктерді қайдан алуға болады?"))
	followup := winner.expect("Датчиктерді қайдан алуға болады?")
	winner.reply(followup, "Алматыдағы жеткізушілерден.")
	reply := ent.expect("Алматыдағы жеткізушілерден.")

	// Resolved and rated.
	ent.markSolved(reply, id)
	rateMsg := ent.expect("жауаптарын бағалаңыз")
	ent.press(rateMsg, "⭐5")
	ent.expectT("rate_comment")
	ent.send("Өте пайдалы кеңес, рақмет!")
	ent.expectT("rate_saved")
	winner.expectT("rated_expert", id, 5)

	// A while after the recommendation, the entrepreneur is asked about it.
	impl := ent.expect(plain(T("kk", "impl_question", id, "")))
	ent.pressT(impl, "impl_in_progress")
	ent.pressT(ent.expectT("impl_comment"), "btn_skip")
	// "In progress" is asked again after as long; then it is done.
	impl = ent.expect(plain(T("kk", "impl_question", id, "")))
	ent.pressT(impl, "impl_implemented")
	ent.expectT("impl_comment")
	ent.send("Жаңа желдеткіштер орнатылды.")
	h.waitIdle()
	var course string
	h.query(&course, `SELECT string_agg(c.status || ':' || c.comment, ',' ORDER BY c.id) FROM implementation_checks c
		JOIN recommendations r ON r.id = c.recommendation_id WHERE r.problem_id = $1`, id)
	if course != "in_progress:,implemented:Жаңа желдеткіштер орнатылды." {
		t.Errorf("the recommendation's course is %q", course)
	}

	h.waitIdle()
	// The whole thread is in PostgreSQL.
	var msgs, atts int
	h.query(&msgs, `SELECT count(*) FROM messages WHERE problem_id = $1`, id)
	h.query(&atts, `SELECT count(*) FROM attachments WHERE problem_id = $1 AND message_id IS NULL AND media_group_id <> ''`, id)
	if msgs != 3 || atts != 3 {
		t.Errorf("thread has %d messages and %d album photos, want 3 and 3", msgs, atts)
	}
	var history string
	h.query(&history, `SELECT string_agg(to_status, ',' ORDER BY id) FROM problem_events WHERE problem_id = $1`, id)
	if want := "draft,pending_moderation,open,taken,answered,resolved"; history != want {
		t.Errorf("status history %s, want %s", history, want)
	}
	var score int
	var comment, recType, impl2 string
	h.query(&score, `SELECT score FROM ratings WHERE problem_id = $1 AND expert_id = $2`, id, owner)
	h.query(&comment, `SELECT comment FROM ratings WHERE problem_id = $1`, id)
	h.query(&recType, `SELECT type FROM recommendations WHERE problem_id = $1`, id)
	h.query(&impl2, `SELECT implementation FROM recommendations WHERE problem_id = $1`, id)
	if score != 5 || comment != "Өте пайдалы кеңес, рақмет!" || recType != "technology" || impl2 != "implemented" {
		t.Errorf("rating %d %q, recommendation %s %s", score, comment, recType, impl2)
	}
	var threaded int
	h.query(&threaded, `SELECT count(*) FROM messages WHERE problem_id = $1 AND reply_to IS NOT NULL`, id)
	if threaded != 2 {
		t.Errorf("%d messages linked to the one they answer, want 2 (follow-up and reply)", threaded)
	}
}

func mustButton(t *testing.T, m fake.Message, label string) string {
	t.Helper()
	data, ok := m.Button(label)
	if !ok {
		t.Fatalf("no button %q under %q", label, m.Text)
	}
	return data
}

// TestReplyBeforeItsSendingIsRecorded: Telegram carries out the call that
// sends an expert the card but is slow to answer it, and the expert
// replies to the card at once, before the bot knows the card's message
// id. The reply must still be taken as the answer to the problem.
func TestReplyBeforeItsSendingIsRecorded(t *testing.T) {
	n := newNetwork(t, nil)
	ent := n.h.person(2301, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Жылыжай жылытуы")
	n.h.tg.AddFault(fake.Fault{Method: "sendMessage", ChatID: n.agro1.u.ID, Late: 2500 * time.Millisecond, Count: 1})
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	card := n.agro1.expectCard(id)
	n.agro1.reply(card, "Жылыжайға тамшылатып суару орнатыңыз.")
	n.agro1.expectT("answer_sent", id)
	ent.expect("Жылыжайға тамшылатып суару")
}
