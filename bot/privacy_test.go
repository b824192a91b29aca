package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/lib/pq"
)

// Nothing a user posts is kept before they agree to the notice, which
// records its version and time, and which is asked again when it changes.
func TestConsentComesBeforeAnythingIsKept(t *testing.T) {
	h := newHarness(t)
	h.start()
	ent := h.person(7001, "Ерлан", "kk")
	ent.send("/start")
	ent.press(ent.expect(plain(T("kk", "choose_language"))), "Қазақша")
	ent.lang = "kk"
	notice := ent.expect(firstLine(plain(T("kk", "consent_notice", 30))))

	// Before agreeing: /new and a message are not taken, /privacy is.
	ent.send("/new")
	ent.expect(firstLine(plain(T("kk", "consent_needed"))))
	ent.send("Менің компаниямның құпия мәселесі")
	ent.expect(firstLine(plain(T("kk", "consent_needed"))))
	ent.send("/privacy")
	ent.expect(firstLine(plain(T("kk", "privacy_full", 30))))
	h.waitIdle()
	var dialogs int
	h.query(&dialogs, `SELECT count(*) FROM dialogs WHERE user_id = $1`, ent.u.ID)
	if dialogs != 0 {
		t.Fatalf("%d dialogues started before consent", dialogs)
	}

	ent.pressT(notice, "btn_agree")
	ent.expect(firstLine(plain(T("kk", "welcome"))))
	var version string
	var at *time.Time
	h.query(&version, `SELECT consent_version FROM users WHERE id = $1`, ent.u.ID)
	h.query(&at, `SELECT consented_at FROM users WHERE id = $1`, ent.u.ID)
	if version != PrivacyVersion || at == nil {
		t.Fatalf("consent recorded as %q at %v, want %q and a time", version, at, PrivacyVersion)
	}
	ent.send("/new")
	ent.expectT("new_kind")
	ent.send("/cancel")
	ent.expectT("cancelled")

	// A new notice: asked again before the next request.
	h.stop()
	h.cfg.PrivacyVersion = "2027-01-01"
	h.start()
	ent.send("/new")
	ent.pressT(ent.expect(firstLine(plain(T("kk", "consent_needed")))), "btn_agree")
	ent.expect(firstLine(plain(T("kk", "welcome"))))
	h.query(&version, `SELECT consent_version FROM users WHERE id = $1`, ent.u.ID)
	if version != "2027-01-01" {
		t.Fatalf("consent to the new notice recorded as %q", version)
	}
}

// /mydata sends the user everything kept about them, as a JSON file.
func TestMyDataSendsWhatIsKept(t *testing.T) {
	n := newNetwork(t, nil)
	ent := n.h.person(7101, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Менің деректерім")
	ent.send("/mydata")
	var doc *fake.Document
	n.h.waitFor("the data file", 20*time.Second, func() bool {
		for _, m := range n.h.tg.BotMessages(ent.u.ID) {
			if m.Document != nil && m.Document.Data != nil {
				doc = m.Document
				return true
			}
		}
		return false
	})
	var data struct {
		User struct {
			FirstName string `json:"first_name"`
		} `json:"user"`
		Requests []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
			Files []any  `json:"files"`
		} `json:"requests"`
		Updates []any `json:"updates_kept"`
	}
	if err := json.Unmarshal(doc.Data, &data); err != nil {
		t.Fatalf("the file is not JSON: %v\n%s", err, doc.Data)
	}
	if data.User.FirstName != "Ерлан" || len(data.Requests) != 1 || data.Requests[0].ID != id ||
		data.Requests[0].Title != "Менің деректерім" || len(data.Requests[0].Files) != 3 || len(data.Updates) == 0 {
		t.Fatalf("the data file holds %+v", data)
	}
}

// /forget takes a user's identity and what they wrote out of every row
// of every table, and out of the messages the bot sent others, while the
// statistics stay as they were.
func TestForgetLeavesNothingOfThem(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	const name, username, phone, company, bin = "Zarina", "zarina_k_private", "+77015550142", "Zarina Agro LLP", "040340002192"
	ent := &person{h: h, u: fake.User{ID: 7201, FirstName: name, Username: username, LanguageCode: "en"}, lang: "en", seen: map[int64]string{}}
	ent.startIn("English")
	ent.sendMessage(fake.Message{Contact: &fake.Contact{PhoneNumber: phone, FirstName: name, UserID: ent.u.ID}})
	texts := []string{"Greenhouse heating fails every night", "Our boilers in Kokshetau stop at minus thirty, call " + phone}

	// A request with a company and a BIN, answered, followed up and rated.
	ent.send("/new")
	ent.pressT(ent.expectT("new_kind"), "kind_problem")
	ent.expectT("new_title", maxTitle)
	ent.send(texts[0])
	ent.expectT("new_body", maxBody)
	ent.send(texts[1])
	ent.pressT(ent.expectT("new_files", maxFiles), "btn_done")
	ent.place("Agro-industrial complex", "Akmola Region")
	ent.expectT("new_company")
	ent.send(company)
	ent.expectT("new_bin")
	ent.send(bin)
	ent.pressT(ent.expectT("new_anonymous"), "anon_no")
	ent.pressT(ent.expect("Please check"), "btn_submit")
	var id int64
	h.waitFor("the request", 10*time.Second, func() bool {
		h.query(&id, `SELECT COALESCE(max(id), 0) FROM problems WHERE author_id = $1`, ent.u.ID)
		return id != 0
	})
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	card := n.agro1.expectCard(id)
	n.agro1.reply(card, "Жылу сорғысын орнатыңыз.")
	answer := ent.expect("Жылу сорғысын")
	followup := "Which heat pump brand works at minus thirty?"
	texts = append(texts, followup)
	ent.reply(answer, followup)
	n.agro1.expect(followup)
	n.mod.send("/export")
	n.mod.expect("Requests, ")
	n.mod.send("/stats")
	before := n.mod.expect("Statistics").Text
	h.waitIdle()

	ent.send("/forget")
	ent.pressT(ent.expectT("forget_confirm"), "btn_forget_yes")
	h.waitFor("the confirmation", 20*time.Second, func() bool {
		for _, m := range h.tg.BotMessages(ent.u.ID) {
			if m.Text == plain(T("en", "forgotten")) {
				return true
			}
		}
		return false
	})
	h.waitIdle()

	// No row of any table holds them.
	if where := h.rowsHolding(append([]string{name, username, phone, company, bin}, texts...)...); len(where) > 0 {
		t.Errorf("still kept: %v", where)
	}
	// The expert's card shows a deleted user; the export is gone.
	if now := n.agro1.cardNow(card); !strings.Contains(now.Text, T("kk", "deleted_user")) || strings.Contains(now.Text, texts[0]) {
		t.Errorf("the expert's card now reads %q", now.Text)
	}
	for _, m := range h.tg.BotMessages(n.mod.u.ID) {
		if m.Document != nil && !m.Deleted {
			t.Errorf("the export that named them is still in the moderator's chat")
		}
	}
	// The statistics are as they were.
	n.mod.send("/stats")
	if after := n.mod.expect("Statistics").Text; after != before {
		t.Errorf("/stats changed:\n%s\nto\n%s", before, after)
	}
	var problems int
	h.query(&problems, `SELECT count(*) FROM problems p JOIN users u ON u.id = p.author_id WHERE u.forgotten_at IS NOT NULL`)
	if problems != 1 {
		t.Errorf("%d requests of a forgotten user counted, want 1", problems)
	}
}

// A moderator forgets a user who asked elsewhere, and the audit log says so.
func TestModeratorForgetsOnRequest(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(7301, "Галия", "kk")
	ent.startIn("Қазақша")
	n.post(ent, "Сүт өңдеу желісі")
	n.agro1.send(fmt.Sprintf("/forget %d", ent.u.ID))
	n.agro1.expectT("moderators_only")
	n.mod.send(fmt.Sprintf("/forget %d", ent.u.ID))
	confirm := n.mod.expectT("forget_confirm")
	n.mod.pressT(confirm, "btn_forget_yes")
	h.waitFor("the confirmation", 20*time.Second, func() bool {
		return n.mod.cardNow(confirm).Text == plain(T("en", "mod_forgotten", ent.u.ID))
	})
	h.waitIdle()
	if where := h.rowsHolding("Галия"); len(where) > 0 {
		t.Errorf("still kept: %v", where)
	}
	var audited int
	h.query(&audited, `SELECT count(*) FROM audit_log WHERE action = 'forget_user' AND actor_id = $1`, n.mod.u.ID)
	if audited != 1 {
		t.Errorf("%d audit entries of the forgetting", audited)
	}
}

// rowsHolding lists the columns of every table of the database whose
// text, JSON or bytes hold any of strs.
func (h *harness) rowsHolding(strs ...string) []string {
	h.t.Helper()
	rows, err := h.db.SQL().Query(`
		SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'json', 'jsonb', 'bytea', 'character varying', 'ARRAY')`)
	if err != nil {
		h.t.Fatal(err)
	}
	type column struct{ table, name, kind string }
	var cols []column
	for rows.Next() {
		var c column
		rows.Scan(&c.table, &c.name, &c.kind)
		cols = append(cols, c)
	}
	rows.Close()
	patterns := make([]string, len(strs))
	for i, s := range strs {
		patterns[i] = "%" + s + "%"
	}
	var where []string
	for _, c := range cols {
		value := fmt.Sprintf(`%q::text`, c.name)
		if c.kind == "bytea" {
			value = fmt.Sprintf(`convert_from(%q, 'UTF8')`, c.name)
		}
		var found []string
		q := fmt.Sprintf(`SELECT array_agg(DISTINCT p) FROM %q, unnest($1::text[]) AS p WHERE %s LIKE p`, c.table, value)
		if err := h.db.SQL().QueryRow(q, pq.Array(patterns)).Scan(pq.Array(&found)); err != nil {
			h.t.Fatalf("%s.%s: %v", c.table, c.name, err)
		}
		if len(found) > 0 {
			where = append(where, fmt.Sprintf("%s.%s holds %q", c.table, c.name, found))
		}
	}
	return where
}

// With the retention period in seconds, old updates and calls go while
// updates keep coming, none lost or doubled, and a card whose call was
// purged still takes a reply.
func TestRetentionPurgesWhileUpdatesFlow(t *testing.T) {
	n := newNetwork(t, func(c *Config) {
		c.Retention, c.RetentionEvery = time.Second, 100*time.Millisecond
	})
	h := n.h
	ent := h.person(7401, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.approved(ent, "Ескі өтініш")
	card := n.agro1.expectCard(id)

	const users, each = 20, 8
	var crowd []fake.User
	for i := range users {
		crowd = append(crowd, fake.User{ID: int64(7500 + i), FirstName: "U", LanguageCode: "en"})
	}
	for range each {
		for _, u := range crowd {
			h.tg.SendText(u, "/help")
		}
		time.Sleep(250 * time.Millisecond)
	}
	for _, u := range crowd {
		h.waitBotMessages(u.ID, each)
	}
	h.waitIdle()
	h.waitFor("the queues to be purged", 20*time.Second, func() bool {
		var inbox, outbox int
		h.query(&inbox, `SELECT count(*) FROM inbox WHERE received_at < now() - interval '2 seconds'`)
		h.query(&outbox, `SELECT count(*) FROM outbox WHERE created_at < now() - interval '2 seconds'
			AND (params <> '{}' OR file_data <> '')`)
		return inbox == 0 && outbox == 0
	})
	for _, u := range crowd {
		if got := len(h.tg.BotMessages(u.ID)); got != each {
			t.Errorf("user %d got %d replies to %d messages", u.ID, got, each)
		}
	}
	// The card's call is stripped, not gone: a reply to it still reaches its request.
	n.agro1.reply(card, "Тамшылатып суару")
	ent.expect("Тамшылатып суару")
}

// An update of something the bot does not use, a contact, is not kept
// beyond its handling; an export's bytes not beyond its delivery.
func TestUnusedDataIsNotKept(t *testing.T) {
	n := newNetwork(t, nil)
	h := n.h
	ent := h.person(7601, "Ерлан", "kk")
	ent.startIn("Қазақша")
	ent.sendMessage(fake.Message{Contact: &fake.Contact{PhoneNumber: "+77015550199", FirstName: "Ерлан"}})
	n.mod.send("/export")
	n.mod.expect("Requests, ")
	h.waitIdle()
	if where := h.rowsHolding("+77015550199"); len(where) > 0 {
		t.Errorf("the contact's phone is kept: %v", where)
	}
	var files int
	h.query(&files, `SELECT count(*) FROM outbox WHERE file_data <> ''`)
	if files != 0 {
		t.Errorf("%d files kept after they were delivered", files)
	}
}
