package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/storage"
)

// TestWizardBadInput gives every step input it cannot use: each time the
// bot explains and asks the same question again, and nothing half-made is
// stored.
func TestWizardBadInput(t *testing.T) {
	h := newHarness(t)
	h.start()
	ent := h.person(3001, "Asel", "en")
	ent.startIn("English")
	sticker := fake.Message{Sticker: &fake.Sticker{FileID: "stk", FileUniqueID: "stk", Type: "regular", Width: 512, Height: 512}}

	ent.send("/new")
	kind := ent.expectT("new_kind")
	ent.send("a technological problem, please")
	ent.expectT("use_buttons")
	ent.expectT("new_kind")
	ent.pressT(kind, "kind_appraisal")

	ent.expectT("new_title", maxTitle)
	for _, bad := range []struct {
		msg  fake.Message
		want string
	}{
		{sticker, T("en", "cannot_take")},
		{fake.Message{Text: "   "}, T("en", "err_title_words")},
		{fake.Message{Text: "Pumps"}, T("en", "err_title_words")},
		{fake.Message{Text: "Elevator_digital_twin"}, T("en", "err_title_words")},
		{fake.Message{Text: strings.Repeat("x", 10000)}, T("en", "err_too_long", 10000, maxTitle)},
	} {
		ent.sendMessage(bad.msg)
		ent.expect(bad.want)
		ent.expectT("new_title", maxTitle)
	}
	ent.send("Digital twin for a grain elevator")

	ent.expectT("new_body", maxBody)
	ent.send("too short")
	ent.expectT("err_too_short", minBody)
	ent.expectT("new_body", maxBody)
	ent.send("We want to appraise a project of a digital twin for grain elevators in Almaty.")

	files := ent.expectT("new_files", maxFiles)
	ent.send("no files")
	ent.expectT("err_files_only")
	ent.expectT("new_files", maxFiles)
	ent.sendMessage(fake.Message{Document: &fake.Document{FileID: "doc-1", FileUniqueID: "d1", FileName: "plan.pdf"}})
	ent.expectT("new_file_added", 1)
	ent.pressT(files, "btn_done")

	sector := ent.expectT("new_sector")
	ent.sendMessage(sticker)
	ent.expectT("cannot_take")
	ent.expectT("new_sector")
	ent.pressData(sector, callbackData("new", stepSector, "99999")) // no such sector
	ent.press(sector, "ICT and digitalisation")
	ent.press(ent.expectT("new_region"), "Almaty city")

	ent.expectT("new_company")
	ent.send("Astyk Digital LLP")
	ent.expectT("new_bin")
	ent.send("123456789012")
	ent.expectT("err_bin", T("en", "bin_check"))
	ent.expectT("new_bin")
	ent.send("12345")
	ent.expectT("err_bin", T("en", "bin_not_12"))
	ent.expectT("new_bin")
	ent.send("040340002192")
	ent.pressT(ent.expectT("new_anonymous"), "anon_yes")

	summary := ent.expect("Please check")
	for _, want := range []string{"Project appraisal", "ICT and digitalisation", "Almaty city", "Digital twin", "Files: 1", "Astyk Digital LLP", "040340002192", "hidden"} {
		if !strings.Contains(summary.Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary.Text)
		}
	}
	// Edit the title from the summary, then come back to it.
	ent.pressT(summary, "btn_edit")
	ent.pressT(ent.expectT("edit_which"), "field_title")
	ent.expectT("new_title", maxTitle)
	ent.send("Digital twin for grain elevators")
	summary = ent.expect("Please check")
	if !strings.Contains(summary.Text, "Digital twin for grain elevators") {
		t.Errorf("summary after editing the title:\n%s", summary.Text)
	}
	// A stale button of an earlier step does nothing.
	q := ent.pressT(kind, "kind_problem")
	if got, _ := h.tg.CallbackAnswer(q); got != T("en", "button_expired") {
		t.Errorf("a stale button answered %q", got)
	}

	// /cancel works at any step, and nothing was stored.
	ent.send("/cancel")
	ent.expectT("cancelled")
	var problems, dialogs int
	h.query(&problems, `SELECT count(*) FROM problems`)
	h.query(&dialogs, `SELECT count(*) FROM dialogs WHERE user_id = $1`, ent.u.ID)
	if problems != 0 || dialogs != 0 {
		t.Fatalf("after /cancel: %d problems, %d dialogues, want none", problems, dialogs)
	}
	ent.send("/cancel")
	ent.expectT("nothing_to_cancel")
}

// TestForgedCallbacks presses buttons nobody was shown: each is refused
// and changes nothing.
func TestForgedCallbacks(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(3101, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Жылыжай жылытуы")
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	card := n.agro1.expectCard(id)

	refused := func(p *person, data string) {
		t.Helper()
		q := p.pressData(card, data)
		if got, _ := h.tg.CallbackAnswer(q); got != T(p.lang, "not_allowed") && got != T(p.lang, "button_expired") {
			t.Errorf("%s pressing %q was answered %q, want a refusal", p.u.FirstName, data, got)
		}
	}
	ids := fmt.Sprint(id)
	refused(n.digital, callbackData("take", ids))                          // an expert of another sector, with someone else's card
	refused(ent, callbackData("take", ids))                                // the author
	refused(n.agro1, callbackData("take", "999999"))                       // a made-up problem
	refused(n.agro1, callbackData("take", "x"))                            // not a number
	refused(n.agro1, "v2:take:"+ids)                                       // another version
	refused(n.digital, callbackData("resolve", ids))                       // not the author
	refused(n.agro1, callbackData("approve", ids))                         // not a moderator
	refused(ent, callbackData("rate", ids, fmt.Sprint(n.agro1.u.ID), "5")) // nobody answered yet
	refused(n.digital, callbackData("rec", "1", "technology"))             // not their message

	h.waitIdle()
	var owner *int64
	var status string
	var ratings int
	h.query(&owner, `SELECT owner_id FROM problems WHERE id = $1`, id)
	h.query(&status, `SELECT status FROM problems WHERE id = $1`, id)
	h.query(&ratings, `SELECT count(*) FROM ratings`)
	if owner != nil || status != "open" || ratings != 0 {
		t.Fatalf("forged presses changed the problem: owner %v, status %s, %d ratings", owner, status, ratings)
	}
}

// TestTimersFireAfterRestart sets short timers, stops the bot before they
// are due, and starts it again with its clock past them: the problem goes
// to the experts again and the moderators are told, both of the untaken
// and the unanswered one.
func TestTimersFireAfterRestart(t *testing.T) {
	n := newNetwork(t, func(c *Config) {
		c.TakeTimeout = 3 * time.Second
		c.AnswerTimeout = 4 * time.Second
	})
	h := n.h
	ent := h.person(3201, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Мал азығы қымбат")
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	n.agro1.expectCard(id)
	h.stop()

	var due int
	h.query(&due, `SELECT count(*) FROM reminders WHERE problem_id = $1 AND done_at IS NULL`, id)
	if due != 2 {
		t.Fatalf("%d timers set, want 2", due)
	}
	// Four seconds later, by the bot's clock.
	h.cfg.Now = func() time.Time { return time.Now().Add(4 * time.Second) }
	h.start()
	n.mod.expect(plain(T("en", "mod_untaken", id, formatDuration(3*time.Second, "en"))))
	n.mod.expect(plain(T("en", "mod_unanswered", id, formatDuration(4*time.Second, "en"))))
	again := n.agro1.expect(plain(T("kk", "reminder_card")))
	if !strings.Contains(again.Text, fmt.Sprintf("#%d", id)) {
		t.Fatalf("reminder card %q", again.Text)
	}
	n.agro2.expect(plain(T("ru", "reminder_card")))
	h.query(&due, `SELECT count(*) FROM reminders WHERE problem_id = $1 AND done_at IS NULL`, id)
	if due != 0 {
		t.Fatalf("%d timers still pending after they fired", due)
	}
}

// TestNotMyAreaAndAway: experts who are away are skipped, and when every
// expert declines, the moderators are told.
func TestNotMyAreaAndAway(t *testing.T) {
	n := newNetwork(t, func(c *Config) { c.Premoderation = false })
	h := n.h
	n.agro2.send("/away")
	n.agro2.expectT("away_set")
	ent := h.person(3301, "Ерлан", "kk")
	ent.startIn("Қазақша")

	ent.send("/new")
	ent.pressT(ent.expectT("new_kind"), "kind_problem")
	ent.expectT("new_title", maxTitle)
	ent.send("Қой жүнін өңдеу")
	ent.expectT("new_body", maxBody)
	ent.send("Жүнді жуу және тарау желісін жаңғырту керек, қандай жабдық бар?")
	ent.pressT(ent.expectT("new_files", maxFiles), "btn_done")
	ent.place("Агроөнеркәсіптік кешен", "Ақмола облысы")
	ent.pressT(ent.expectT("new_company"), "btn_skip")
	ent.pressT(ent.expectT("new_anonymous"), "anon_yes")
	ent.pressT(ent.expect("Тексеріңіз"), "btn_submit")
	ent.expect("1 сарапшыға жіберілді")

	card := n.agro1.expect("Қой жүнін өңдеу")
	if strings.Contains(card.Text, "Ерлан") {
		t.Errorf("an anonymous problem's card names its author: %q", card.Text)
	}
	n.agro2.noMessageContaining("Қой жүнін өңдеу")
	n.agro1.pressT(card, "btn_decline")
	n.mod.expect("every expert declined it")

	n.agro2.send("/back")
	n.agro2.expectT("back_set")
	n.digital.send("/my")
	n.digital.expectT("my_taken")
}

// TestEditReachesTheOtherSide edits an answer after it was relayed: the
// entrepreneur gets a note with the new text, and the first is kept.
func TestEditReachesTheOtherSide(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(3401, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Элеватор желдеткіші")
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	card := n.agro2.expectCard(id)
	n.agro2.pressT(card, "btn_answer")
	n.agro2.expectT("answer_prompt", id)
	answer := n.agro2.send("Первая версия ответа")
	n.agro2.expectT("answer_sent", id)
	ent.expect("Первая версия ответа")

	h.tg.Edit(n.agro2.u, answer, "Исправленная версия ответа")
	ent.expect("Исправленная версия ответа")
	h.waitIdle()
	var text, original string
	h.query(&text, `SELECT text FROM messages WHERE problem_id = $1`, id)
	h.query(&original, `SELECT original_text FROM messages WHERE problem_id = $1`, id)
	if text != "Исправленная версия ответа" || original != "Первая версия ответа" {
		t.Fatalf("stored %q, first %q", text, original)
	}

	ent.send("/my")
	mine := ent.expectT("my_title")
	if !strings.Contains(mine.Text, fmt.Sprintf("#%d · %s · Элеватор", id, T("kk", "status_answered"))) {
		t.Fatalf("/my shows %q", mine.Text)
	}
}

// TestCommandMenus checks the command lists registered per language and
// per role.
func TestCommandMenus(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	h.waitIdle()
	scope := `{"type":"all_private_chats"}`
	for _, lang := range Languages {
		cmds := h.tg.Commands(scope, lang)
		if len(cmds) != len(commonCommands) || cmds[0].Description != T(lang, "cmd_new") {
			t.Errorf("%s menu: %+v", lang, cmds)
		}
	}
	expert := h.tg.Commands(fmt.Sprintf(`{"type":"chat","chat_id":%d}`, n.agro1.u.ID), "")
	if len(expert) != len(commonCommands)+len(expertCommands) || expert[0].Description != T("kk", "cmd_new") {
		t.Errorf("an expert's menu: %+v", expert)
	}
	admin := h.tg.Commands(fmt.Sprintf(`{"type":"chat","chat_id":%d}`, n.mod.u.ID), "")
	if len(admin) != len(commonCommands)+len(moderatorCommands)+len(adminCommands) {
		t.Errorf("an admin's menu: %+v", admin)
	}
}

// An expert added outside the bot, by a roster import while it runs, gets
// the expert's menu from the running bot.
func TestImportedExpertHasTheMenu(t *testing.T) {
	h := newHarness(t)
	h.start()
	ctx := context.Background()
	h.waitIdle()
	scope := `{"type":"chat","chat_id":3201}`
	err := h.db.InTx(ctx, func(tx *storage.Tx) error {
		c, err := tx.CentreByCode(ctx, "agrotech")
		if err != nil {
			return err
		}
		if err := tx.ImportRoster(ctx, []storage.RosterEntry{{Name: "Dana", UserID: 3201, CentreIDs: []int{c.ID}}}); err != nil {
			return err
		}
		return QueueMenus(ctx, tx, 3201)
	})
	if err != nil {
		t.Fatal(err)
	}
	h.waitIdle()
	menu := h.tg.Commands(scope, "")
	want := commandMenu(defaultLanguage, roles{expert: true})
	if len(menu) != len(want) || !slices.ContainsFunc(menu, func(c fake.BotCommand) bool { return c.Command == "away" }) {
		t.Fatalf("the imported expert's menu: %+v, want %d commands with /away", menu, len(want))
	}
}

// Every step of /new costs the chat one message: a pressed button's
// question becomes the next question, with the choice left above it, so
// that no step waits for the chat's pace twice.
func TestWizardStepIsOneMessage(t *testing.T) {
	h := newHarness(t)
	h.start()
	ent := h.person(3101, "Asel", "en")
	calls := func() int {
		n := 0
		for _, c := range h.tg.Requests() {
			if c.Params["chat_id"] == "3101" && c.Method != "answerCallbackQuery" && c.Method != "setMyCommands" && c.Status == 200 {
				n++
			}
		}
		return n
	}
	var asked fake.Message
	step := func(what string, act func(), want string) {
		t.Helper()
		before := calls()
		act()
		asked = ent.expect(want)
		h.waitIdle()
		if got := calls() - before; got != 1 {
			t.Errorf("%s: %d messages sent or edited, want 1", what, got)
		}
	}
	en := func(key string, args ...any) string { return firstLine(plain(T("en", key, args...))) }
	press := func(label string) func() { return func() { ent.press(asked, label) } }
	step("/start", func() { ent.send("/start") }, en("choose_language"))
	step("language", press("English"), en("consent_notice", 30))
	if !strings.HasPrefix(asked.Text, T("en", "language_set")) {
		t.Errorf("the notice reads %q, want the language chosen above it", asked.Text)
	}
	step("agree", press(T("en", "btn_agree")), en("welcome"))
	step("/new", func() { ent.send("/new") }, en("new_kind"))
	step("kind", press(T("en", "kind_problem")), en("new_title", maxTitle))
	step("title", func() { ent.send("Irrigation of wheat fields") }, en("new_body", maxBody))
	step("description", func() { ent.send("Soil moisture falls fast in our wheat fields; what can we install?") }, en("new_files", maxFiles))
	step("files", press(T("en", "btn_done")), en("new_sector"))
	step("sector", press("Agro-industrial complex"), en("new_region"))
	if !strings.Contains(asked.Text, "→ Agro-industrial complex\n\n"+T("en", "new_region")) {
		t.Errorf("the question reads %q, want the sector chosen above the region's question", asked.Text)
	}
	step("region", press("Astana city"), en("new_company"))
	step("company", press(T("en", "btn_skip")), en("new_anonymous"))
	step("name", press(T("en", "anon_yes")), "Irrigation of wheat fields")
	var id int64
	step("submit", press(T("en", "btn_submit")), "→ "+T("en", "btn_submit"))
	h.query(&id, `SELECT id FROM problems WHERE author_id = 3101`)
	// The one button left offers the sector's notes: a first request in it.
	offer := []string{T("en", "btn_subscribe", "Agro-industrial complex")}
	if want := plain(T("en", "routed_to_moderators", id)); !strings.Contains(asked.Text, want) || !slices.Equal(asked.Buttons(), offer) {
		t.Errorf("after Submit the summary reads %q with buttons %q, want %q under it and %q", asked.Text, asked.Buttons(), want, offer)
	}
}
