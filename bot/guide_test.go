package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
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
	ent.expectT("new_title", maxTitle)
	ent.send("Қызанақ жапырағы сарғаяды")
	ent.pressT(ent.expectT("new_files", maxFiles), "btn_done")
	ent.place("Агроөнеркәсіптік кешен", "Ақмола облысы")
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
	card := n.agro1.expectCard(id)
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
		e.pressT(e.expectCard(second), "btn_decline")
	}
	ent.expectT("all_declined_author", second)
}

// Files in the wizard: an album is acknowledged once with its real count,
// only the latest acknowledgement keeps Done, and a photo's caption goes
// with it to the experts, tied to the problem's number.
func TestAlbumIsCountedWithCaptions(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(2451, "Ерлан", "kk")
	ent.startIn("Қазақша")
	ent.send("/new")
	ent.pressT(ent.expectT("new_kind"), "kind_problem")
	ent.expectT("new_title", maxTitle)
	ent.send("Сепаратор бұзылды")
	ent.expectT("new_body", maxBody)
	ent.send("Сүт сепараторы дірілдейді, подшипник қызып кетеді. Не істеу керек?")
	question := ent.expectT("new_files", maxFiles)
	ent.sendMessage(fake.Message{Caption: "Сынған подшипник",
		Photo: []fake.PhotoSize{{FileID: "bearing", FileUniqueID: "b", Width: 800, Height: 600}}})
	first := ent.expectT("new_file_added", 1)
	for i := range 3 {
		ent.sendMessage(fake.Message{MediaGroupID: "separator",
			Photo: []fake.PhotoSize{{FileID: fmt.Sprintf("sep-%d", i), FileUniqueID: fmt.Sprintf("s%d", i), Width: 800, Height: 600}}})
	}
	album := ent.expectT("new_file_added", 4)
	ent.sendMessage(fake.Message{Voice: &fake.Voice{FileID: "hum", FileUniqueID: "h", Duration: 7}})
	last := ent.expectT("new_file_added", 5)
	h.waitIdle()
	var withDone []int64
	for _, m := range h.tg.BotMessages(ent.u.ID) {
		if _, ok := m.Button(T("kk", "btn_done")); ok {
			withDone = append(withDone, m.MessageID)
		}
	}
	if len(withDone) != 1 || withDone[0] != last.MessageID {
		t.Errorf("messages with Done: %v, want only the latest, %d (question %d, first %d, album %d)",
			withDone, last.MessageID, question.MessageID, first.MessageID, album.MessageID)
	}
	ent.pressT(ent.cardNow(last), "btn_done")
	ent.place("Агроөнеркәсіптік кешен", "Ақмола облысы")
	ent.pressT(ent.expectT("new_company"), "btn_skip")
	ent.pressT(ent.expectT("new_anonymous"), "anon_no")
	summary := ent.expect("Тексеріңіз")
	if !strings.Contains(summary.Text, "Файлдар: 5") {
		t.Errorf("summary %q, want 5 files", summary.Text)
	}
	ent.pressT(summary, "btn_submit")
	var id int64
	h.waitFor("the problem", 10*time.Second, func() bool {
		h.query(&id, `SELECT COALESCE(max(id), 0) FROM problems WHERE author_id = $1`, ent.u.ID)
		return id != 0
	})
	n.mod.pressT(n.mod.expectCard(id), "btn_approve")
	n.agro1.expectCard(id)
	captions, voices := map[string]bool{}, 0
	for _, m := range h.tg.BotMessages(n.agro1.u.ID) {
		if len(m.Photo) > 0 {
			captions[m.Caption] = true
		}
		if m.Voice != nil {
			voices++
		}
	}
	want := fmt.Sprintf("#%d · Сынған подшипник", id)
	if !captions[want] || !captions[fmt.Sprintf("#%d", id)] || voices != 1 {
		t.Errorf("the expert's photos are captioned %v and %d voice notes came; want %q among them and 1", captions, voices, want)
	}
}

// Voice and video go both ways in a thread and show in /thread; a sticker
// or a location is answered with what the bot takes.
func TestVoiceAndVideoInThreads(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(2461, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.approved(ent, "Насос шулайды")
	card := n.agro2.expectCard(id)

	n.agro2.sendMessage(fake.Message{ReplyToMessage: &card, Voice: &fake.Voice{FileID: "advice", FileUniqueID: "a", Duration: 40}})
	n.agro2.expectT("answer_sent", id)
	var heard bool
	h.waitFor("the voice answer", 20*time.Second, func() bool {
		for _, m := range h.tg.BotMessages(ent.u.ID) {
			heard = heard || m.Voice != nil && m.Voice.FileID == "advice"
		}
		return heard
	})
	ent.expectPassedOn(ent.sendMessage(fake.Message{VideoNote: &fake.VideoNote{FileID: "pump", FileUniqueID: "p", Length: 240, Duration: 9}}))
	h.waitFor("the round video", 20*time.Second, func() bool {
		for _, m := range h.tg.BotMessages(n.agro2.u.ID) {
			if m.VideoNote != nil && m.VideoNote.FileID == "pump" {
				return true
			}
		}
		return false
	})
	ent.sendMessage(fake.Message{Sticker: &fake.Sticker{FileID: "smile", FileUniqueID: "s", Type: "regular"}})
	ent.expectT("cannot_take")
	ent.sendMessage(fake.Message{Location: &fake.Location{Latitude: 51.17, Longitude: 71.45}})
	ent.expectT("cannot_take")

	n.mod.send(fmt.Sprintf("/thread %d", id))
	thread := n.mod.expect("Насос шулайды")
	for _, want := range []string{"📎 " + T("en", "file_kind_voice"), "📎 " + T("en", "file_kind_video_note")} {
		if !strings.Contains(thread.Text, want) {
			t.Errorf("/thread lacks %q: %q", want, thread.Text)
		}
	}
	var kinds string
	h.query(&kinds, `SELECT string_agg(kind, ',' ORDER BY id) FROM attachments WHERE problem_id = $1 AND message_id IS NOT NULL`, id)
	if kinds != "voice,video_note" {
		t.Errorf("thread files %q, want voice,video_note", kinds)
	}
}

// A description of Telegram's full 4096 characters reaches the experts
// whole; the company and BIN given once are offered the next time.
func TestLongDescriptionAndCompanyAgain(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(2471, "Ерлан", "kk")
	ent.startIn("Қазақша")
	body := ""
	for len([]rune(body)) < 4096 {
		body += fmt.Sprintf("Элеватордағы желдеткіш %d-жүйесі жиі істен шығады. ", len([]rune(body)))
	}
	body = string([]rune(body)[:4096])
	wizard := func(title string, company func()) {
		ent.send("/new")
		ent.pressT(ent.expectT("new_kind"), "kind_problem")
		ent.expectT("new_title", maxTitle)
		ent.send(title)
		ent.expectT("new_body", maxBody)
		ent.send(body)
		ent.pressT(ent.expectT("new_files", maxFiles), "btn_done")
		ent.place("Агроөнеркәсіптік кешен", "Ақмола облысы")
		company()
		ent.pressT(ent.expectT("new_anonymous"), "anon_no")
	}
	wizard("Элеватор желдеткіші", func() {
		ent.expectT("new_company")
		ent.send("Астық Сервис ЖШС")
		ent.expectT("new_bin")
		ent.send("040340002192")
	})
	// The summary of a long description comes in two messages, the buttons
	// under the second.
	ent.expect("Тексеріңіз")
	ent.pressT(ent.expect("Файлдар: 0"), "btn_submit")
	var id int64
	h.waitFor("the problem", 10*time.Second, func() bool {
		h.query(&id, `SELECT COALESCE(max(id), 0) FROM problems WHERE author_id = $1`, ent.u.ID)
		return id != 0
	})
	n.mod.pressT(n.mod.expectCard(id), "btn_approve")
	n.agro1.expectCard(id)
	h.waitIdle()
	var whole string
	for _, m := range h.tg.BotMessages(n.agro1.u.ID) {
		whole += m.Text
	}
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") } // parts split at spaces
	if !strings.Contains(squeeze(whole), squeeze(body)) {
		t.Errorf("the expert's card does not hold the whole description")
	}

	wizard("Элеватор желдеткіші тағы", func() {
		ent.press(ent.expectT("new_company_again"), "↩️ Астық Сервис ЖШС, БСН 040340002192")
	})
	ent.expect("Тексеріңіз")
	summary := ent.expect("Файлдар: 0")
	if !strings.Contains(summary.Text, "Компания: Астық Сервис ЖШС") || !strings.Contains(summary.Text, "БСН: 040340002192") {
		t.Errorf("summary %q lacks the company given before", summary.Text)
	}
}
