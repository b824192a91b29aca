package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// The /new dialogue: kind, sector, region, title, description, files,
// company and BIN, anonymity, then a summary to submit, edit or cancel.
const dialogNew = "new"

// Steps of the /new dialogue.
const (
	stepKind      = "kind"
	stepSector    = "sector"
	stepRegion    = "region"
	stepTitle     = "title"
	stepBody      = "body"
	stepFiles     = "files"
	stepCompany   = "company"
	stepBIN       = "bin"
	stepAnonymous = "anonymous"
	stepSummary   = "summary"
	stepEditMenu  = "editmenu"
)

// Limits of what an entrepreneur enters.
const (
	minTitle   = 10 // and two words: a title says what the problem is
	maxTitle   = 150
	minBody    = 20
	maxBody    = 4096 // all Telegram lets a message hold
	maxFiles   = 10
	maxCompany = 200
)

// draft is what the /new dialogue remembers between messages.
type draft struct {
	Kind      string               `json:"kind,omitempty"`
	SectorID  int                  `json:"sector,omitempty"`
	RegionID  int                  `json:"region,omitempty"`
	Title     string               `json:"title,omitempty"`
	Body      string               `json:"body,omitempty"`
	Files     []storage.Attachment `json:"files,omitempty"`
	Company   string               `json:"company,omitempty"`
	BIN       string               `json:"bin,omitempty"`
	Anonymous bool                 `json:"anonymous,omitempty"`
	Editing   bool                 `json:"editing,omitempty"` // back to the summary after this step
	// AllSectors asks the sector from the whole list, not the guesses.
	AllSectors bool  `json:"all_sectors,omitempty"`
	DoneAt     int64 `json:"done_at,omitempty"` // the outbox id of the message with the Done button
}

// next returns the step after s in a first pass through the dialogue.
func nextStep(s string, d *draft) string {
	if d.Editing && s != stepCompany {
		return stepSummary
	}
	// The sector comes after the title and the description, which suggest
	// it, and after the files, so that each pressed answer's next question
	// takes its place.
	switch s {
	case stepKind:
		return stepTitle
	case stepTitle:
		if d.Body != "" {
			return stepFiles // the message that started the dialogue is its description
		}
		return stepBody
	case stepBody:
		return stepFiles
	case stepFiles:
		return stepSector
	case stepSector:
		return stepRegion
	case stepRegion:
		return stepCompany
	case stepCompany:
		if d.Company == "" {
			if d.Editing {
				return stepSummary
			}
			return stepAnonymous
		}
		return stepBIN
	case stepBIN:
		return stepAnonymous
	}
	return stepSummary
}

func (b *Bot) startNew(ctx context.Context, r *req) error {
	return b.goTo(ctx, r, &draft{}, stepKind)
}

// goTo saves the dialogue at a step and asks its question.
func (b *Bot) goTo(ctx context.Context, r *req, d *draft, step string) error {
	if err := b.saveDraft(ctx, r, step, d); err != nil {
		return err
	}
	return b.ask(ctx, r, d, step)
}

// ask sends the question of a step.
func (b *Bot) ask(ctx context.Context, r *req, d *draft, step string) error {
	if step == stepFiles {
		return b.sendDone(ctx, r, d, r.t("new_files", maxFiles))
	}
	text, kb, err := b.question(ctx, r, d, step)
	if err != nil {
		return err
	}
	return r.send(ctx, text, kb)
}

// question is the text and buttons of a step other than the files step.
func (b *Bot) question(ctx context.Context, r *req, d *draft, step string) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	btn := func(key, value string) tgbotapi.InlineKeyboardButton {
		return tgbotapi.NewInlineKeyboardButtonData(r.t(key), callbackData("new", step, value))
	}
	switch step {
	case stepKind:
		return r.t("new_kind"), keyboard(1, btn("kind_problem", "problem"), btn("kind_appraisal", "appraisal")), nil
	case stepSector, stepRegion:
		if step == stepSector && !d.AllSectors {
			// The two likeliest sectors, learnt from earlier requests; the
			// whole list a press away.
			guesses, err := r.tx.GuessSectors(ctx, d.Title+" "+d.Body, 0, 2)
			if err != nil {
				return "", nil, err
			}
			var buttons []tgbotapi.InlineKeyboardButton
			for _, id := range guesses {
				sector, err := r.tx.Sector(ctx, id)
				if err != nil {
					return "", nil, err
				}
				buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(sector.Name(r.lang), callbackData("new", step, strconv.Itoa(id))))
			}
			if len(buttons) > 0 {
				buttons = append(buttons, btn("btn_other_sectors", "all"))
				return r.t("new_sector") + "\n" + r.t("new_sector_guess"), keyboard(1, buttons...), nil
			}
		}
		list, err := r.tx.Sectors(ctx)
		question := "new_sector"
		if step == stepRegion {
			list, err = r.tx.Regions(ctx)
			question = "new_region"
		}
		if err != nil {
			return "", nil, err
		}
		var buttons []tgbotapi.InlineKeyboardButton
		for _, n := range list {
			buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(n.Name(r.lang), callbackData("new", step, strconv.Itoa(n.ID))))
		}
		return r.t(question), keyboard(2, buttons...), nil
	case stepTitle:
		return r.t("new_title", maxTitle), nil, nil
	case stepBody:
		return r.t("new_body", maxBody), nil, nil
	case stepCompany:
		// The company and BIN of the author's last request, a press away.
		last, err := r.tx.LastCompany(ctx, r.user.ID)
		if err != nil {
			return "", nil, err
		}
		if last.Company == "" {
			return r.t("new_company"), keyboard(1, btn("btn_skip", "skip")), nil
		}
		label := last.Company
		if last.BIN != "" {
			label += ", " + r.t("bin_short") + " " + last.BIN
		}
		return r.t("new_company_again"), keyboard(1,
			tgbotapi.NewInlineKeyboardButtonData(clipText("↩️ "+label, 60), callbackData("new", step, "reuse")),
			btn("btn_skip", "skip")), nil
	case stepBIN:
		return r.t("new_bin"), keyboard(1, btn("btn_skip", "skip")), nil
	case stepAnonymous:
		return r.t("new_anonymous"), keyboard(2, btn("anon_no", "no"), btn("anon_yes", "yes")), nil
	case stepSummary:
		text, err := b.summary(ctx, r, d)
		if err != nil {
			return "", nil, err
		}
		kb := keyboard(3, btn("btn_submit", "submit"), btn("btn_edit", "edit"), btn("btn_cancel", "cancel"))
		// Requests like this one, each a press away: perhaps the answer is
		// there already, or a Me too says it better. Submit stays one press.
		hint, open, err := b.similar(ctx, r, d)
		if err != nil {
			return "", nil, err
		}
		if open != nil {
			kb.InlineKeyboard = append(open.InlineKeyboard, kb.InlineKeyboard...)
		}
		return text + hint, kb, nil
	case stepEditMenu:
		var buttons []tgbotapi.InlineKeyboardButton
		for _, f := range []string{stepKind, stepTitle, stepBody, stepFiles, stepSector, stepRegion, stepCompany, stepAnonymous} {
			buttons = append(buttons, btn("field_"+f, f))
		}
		return r.t("edit_which"), keyboard(2, buttons...), nil
	}
	return "", nil, fmt.Errorf("no question for step %q", step)
}

// similar finds up to three requests like the draft (see nearCopies) and
// returns them as a hint for the summary: answered ones open with a press,
// perhaps answering the question already; open ones take a Me too instead
// of the same request posted again.
func (b *Bot) similar(ctx context.Context, r *req, d *draft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	found, err := nearCopies(ctx, r.tx, d.Title+" "+d.Body, 0)
	if err != nil || len(found) == 0 {
		return "", nil, err
	}
	hint := "\n\n" + r.t("similar_found")
	var buttons []tgbotapi.InlineKeyboardButton
	for _, f := range found {
		id := strconv.FormatInt(f.ID, 10)
		hint += fmt.Sprintf("\n<b>#%d</b> %s · %s", f.ID, Escape(f.Title), r.t("status_"+f.Status))
		if f.Status == storage.StatusAnswered || f.Status == storage.StatusResolved {
			buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(clipText("#"+id+" "+f.Title, 40), callbackData("found", id)))
		} else {
			buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_metoo_n", f.ID), callbackData("metoo", id)))
		}
	}
	return hint, keyboard(1, buttons...), nil
}

// nearCopies are up to three requests, open or published, with most of the
// words of a text in some form: a near-copy, not a problem that shares a
// word or two. Before, when not 0, keeps to older requests than that.
func nearCopies(ctx context.Context, tx *storage.Tx, text string, before int64) ([]storage.Found, error) {
	found, _, err := tx.Search(ctx, storage.Query{Words: storage.SearchWords(text), Open: true, Most: true, Before: before, Limit: 3})
	if err != nil || len(found) == 0 || found[0].Of < 2 {
		return nil, err // one word makes no copy
	}
	return found, nil
}

// foundRows keeps the rows of a pressed message's keyboard that open
// published problems, as the summary's hint has them; nil when none do.
func foundRows(kb *tgbotapi.InlineKeyboardMarkup) *tgbotapi.InlineKeyboardMarkup {
	if kb == nil {
		return nil
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, row := range kb.InlineKeyboard {
		if data := row[0].CallbackData; data != nil {
			if cb, err := parseCallback(*data); err == nil && cb.action == "found" {
				rows = append(rows, row)
			}
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func (b *Bot) summary(ctx context.Context, r *req, d *draft) (string, error) {
	sector, err := r.tx.Sector(ctx, d.SectorID)
	if err != nil {
		return "", err
	}
	region, err := r.tx.Region(ctx, d.RegionID)
	if err != nil {
		return "", err
	}
	shown := r.t("shown")
	if d.Anonymous {
		shown = r.t("hidden")
	}
	text := r.t("summary", r.t("kind_"+d.Kind), Escape(sector.Name(r.lang)), Escape(region.Name(r.lang)), Escape(d.Title), Escape(d.Body),
		len(d.Files), orDash(r.lang, d.Company), orDash(r.lang, d.BIN), shown)
	if d.Anonymous && len(d.Files) > 0 {
		text += "\n\n" + r.t("anon_files_summary")
	}
	return text, nil
}

// newMessage takes a message as the answer to the current step.
func (b *Bot) newMessage(ctx context.Context, r *req, dlg *storage.Dialog, m *tgbotapi.Message) error {
	var d draft
	if err := json.Unmarshal(dlg.Data, &d); err != nil {
		return err
	}
	retry := func(key string, args ...any) error {
		if err := r.send(ctx, r.t(key, args...), nil); err != nil {
			return err
		}
		return b.ask(ctx, r, &d, dlg.Step)
	}
	if untakeable(m) {
		return retry("cannot_take")
	}
	switch dlg.Step {
	case stepTitle, stepBody, stepCompany:
		text, files := messageContent(m)
		if dlg.Step == stepBody && text != "" && len(files) > 0 && len(d.Files)+len(files) <= maxFiles {
			d.Files = append(d.Files, files...) // a photo with the description as its caption
		} else if m.Text == "" {
			return retry("err_need_text")
		}
		min, max := minTitle, maxTitle
		switch dlg.Step {
		case stepBody:
			min, max = minBody, maxBody
		case stepCompany:
			min, max = 1, maxCompany
		}
		text = strings.TrimSpace(text)
		if n := utf8.RuneCountInString(text); n < min && dlg.Step != stepTitle {
			return retry("err_too_short", min)
		} else if n > max {
			return retry("err_too_long", n, max)
		}
		if dlg.Step == stepTitle && (utf8.RuneCountInString(text) < minTitle || len(strings.Fields(text)) < 2) {
			return retry("err_title_words")
		}
		switch dlg.Step {
		case stepTitle:
			d.Title = text
		case stepBody:
			d.Body = text
		case stepCompany:
			d.Company = text
		}
		return b.goTo(ctx, r, &d, nextStep(dlg.Step, &d))
	case stepFiles:
		_, files := messageContent(m)
		if len(files) == 0 {
			return retry("err_files_only")
		}
		if len(d.Files)+len(files) > maxFiles {
			return retry("err_too_many_files", maxFiles)
		}
		album := m.MediaGroupID != "" && len(d.Files) > 0 && d.Files[len(d.Files)-1].MediaGroupID == m.MediaGroupID
		d.Files = append(d.Files, files...)
		if album && d.DoneAt != 0 {
			// The album's acknowledgement counts its photos as they come: an
			// edit that a later one replaces before it is sent is not sent.
			edit := editText(r.chat, 0, r.t("new_file_added", len(d.Files)), doneKeyboard(r.lang))
			delete(edit.Params, "message_id")
			edit.EditOf = d.DoneAt
			if err := r.tx.Enqueue(ctx, edit); err != nil {
				return err
			}
			return b.saveDraft(ctx, r, dlg.Step, &d)
		}
		return b.sendDone(ctx, r, &d, r.t("new_file_added", len(d.Files)))
	case stepBIN:
		if m.Text == "" {
			return retry("err_need_text")
		}
		bin, problem := checkBIN(m.Text)
		if problem != "" {
			if err := r.send(ctx, r.t("err_bin", r.t(problem)), nil); err != nil {
				return err
			}
			return b.ask(ctx, r, &d, dlg.Step)
		}
		d.BIN = bin
		return b.goTo(ctx, r, &d, nextStep(dlg.Step, &d))
	}
	// Steps answered with buttons.
	return retry("use_buttons")
}

// sendDone sends a message of the files step with the Done button, which
// the message that had it loses: one Done at a time. It saves the draft.
func (b *Bot) sendDone(ctx context.Context, r *req, d *draft, text string) error {
	if d.DoneAt != 0 {
		gone := editMarkup(r.chat, 0, nil)
		gone.EditOf = d.DoneAt
		if err := r.tx.Enqueue(ctx, gone); err != nil {
			return err
		}
	}
	ids, err := r.tx.EnqueueIDs(ctx, textMessages(r.chat, text, doneKeyboard(r.lang), storage.PriorityInteractive)...)
	if err != nil {
		return err
	}
	d.DoneAt = ids[len(ids)-1]
	return b.saveDraft(ctx, r, stepFiles, d)
}

func doneKeyboard(lang string) *tgbotapi.InlineKeyboardMarkup {
	return keyboard(1, tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_done"), callbackData("new", stepFiles, "done")))
}

func (b *Bot) saveDraft(ctx context.Context, r *req, step string, d *draft) error {
	if step == stepSummary {
		d.Editing = false
	}
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: dialogNew, Step: step, Data: data})
}

// newButton takes a button pressed in the /new dialogue. A button of
// another step than the current one is stale and refused.
func (b *Bot) newButton(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	step, value := cb.arg(0), cb.arg(1)
	dlg, err := r.tx.Dialog(ctx, r.user.ID)
	if err != nil || dlg.Name != dialogNew || dlg.Step != step {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	var d draft
	if err := json.Unmarshal(dlg.Data, &d); err != nil {
		return err
	}
	// The question answered, with the choice, as it stays in the chat.
	var answered string
	chosen := func(label string) error {
		if q.Message == nil {
			return r.answer(ctx, q, "")
		}
		answered = Escape(q.Message.Text)
		if step != stepFiles { // rendered again, so that it keeps its formatting
			if text, _, err := b.question(ctx, r, &d, step); err == nil && fits(text) {
				answered = text
			}
		}
		answered += "\n→ <b>" + Escape(label) + "</b>"
		return r.answer(ctx, q, "")
	}
	next := ""
	switch step {
	case stepKind:
		if value != "problem" && value != "appraisal" {
			return r.answer(ctx, q, r.t("button_expired"))
		}
		d.Kind = value
		if err := chosen(r.t("kind_" + value)); err != nil {
			return err
		}
	case stepSector, stepRegion:
		if step == stepSector && value == "all" {
			// The whole list, in place of the guesses.
			d.AllSectors = true
			if err := b.saveDraft(ctx, r, step, &d); err != nil {
				return err
			}
			_, kb, err := b.question(ctx, r, &d, step)
			if err != nil {
				return err
			}
			if err := r.answer(ctx, q, ""); err != nil || q.Message == nil {
				return err
			}
			return r.tx.Enqueue(ctx, editMarkup(r.chat, int64(q.Message.MessageID), kb))
		}
		id, err := strconv.Atoi(value)
		var n *storage.Named
		if err == nil && step == stepSector {
			n, err = r.tx.Sector(ctx, id)
			d.SectorID = id
		} else if err == nil {
			n, err = r.tx.Region(ctx, id)
			d.RegionID = id
		}
		if err != nil {
			return r.answer(ctx, q, r.t("button_expired"))
		}
		if err := chosen(n.Name(r.lang)); err != nil {
			return err
		}
	case stepFiles, stepCompany, stepBIN:
		d.DoneAt = 0 // pressed, the button goes with the choice
		if step == stepCompany && value == "skip" {
			d.Company, d.BIN = "", ""
		}
		if step == stepCompany && value == "reuse" {
			last, err := r.tx.LastCompany(ctx, r.user.ID)
			if err != nil {
				return err
			}
			if last.Company == "" {
				return r.answer(ctx, q, r.t("button_expired"))
			}
			d.Company, d.BIN = last.Company, last.BIN
			if err := chosen(last.Company); err != nil {
				return err
			}
			return b.moveOn(ctx, r, &d, stepAnonymous, q, answered)
		}
		if err := chosen(r.t(map[string]string{"done": "btn_done", "skip": "btn_skip"}[value])); err != nil {
			return err
		}
	case stepAnonymous:
		d.Anonymous = value == "yes"
		if err := chosen(r.t("anon_" + map[bool]string{true: "yes", false: "no"}[d.Anonymous])); err != nil {
			return err
		}
	case stepSummary:
		switch value {
		case "submit":
			if err := chosen(r.t("btn_submit")); err != nil {
				return err
			}
			if d.Kind == "" || d.SectorID == 0 || d.RegionID == 0 || d.Title == "" || d.Body == "" {
				return b.moveOn(ctx, r, &draft{}, stepKind, q, answered) // a draft from an older version: start over
			}
			ack, err := b.submit(ctx, r, &d)
			if err != nil {
				return err
			}
			// The hint's buttons stay: the answers may still help. After a
			// first request in a sector, its notes are offered.
			var open *tgbotapi.InlineKeyboardMarkup
			if q.Message != nil {
				open = foundRows(q.Message.ReplyMarkup)
			}
			offer, err := subscribeOffer(ctx, r, d.SectorID)
			if err != nil {
				return err
			}
			if offer != nil {
				if open == nil {
					open = offer
				} else {
					open.InlineKeyboard = append(open.InlineKeyboard, offer.InlineKeyboard...)
				}
			}
			return b.inPlace(ctx, r, q, answered, ack, open)
		case "edit":
			next = stepEditMenu
		case "cancel":
			if err := chosen(r.t("btn_cancel")); err != nil {
				return err
			}
			if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
				return err
			}
			return b.inPlace(ctx, r, q, answered, r.t("cancelled"), nil)
		}
		if err := r.answer(ctx, q, ""); err != nil {
			return err
		}
	case stepEditMenu:
		d.Editing = true
		next = value
		if err := chosen(r.t("field_" + value)); err != nil {
			return err
		}
	}
	if next == "" {
		next = nextStep(step, &d)
	}
	return b.moveOn(ctx, r, &d, next, q, answered)
}

// moveOn saves the dialogue at the next step and asks its question in the
// message whose button was pressed, under the question answered: one
// message a step, where an edit and a new message would each wait for the
// chat's pace. The files step, whose Done button has a message of its own,
// and a question too long to share a message come as a new message.
func (b *Bot) moveOn(ctx context.Context, r *req, d *draft, step string, q *tgbotapi.CallbackQuery, answered string) error {
	if answered == "" { // the pressed message is out of reach
		return b.goTo(ctx, r, d, step)
	}
	if err := b.saveDraft(ctx, r, step, d); err != nil {
		return err
	}
	if step == stepFiles {
		if err := r.tx.Enqueue(ctx, settled(r.chat, int64(q.Message.MessageID), answered)); err != nil {
			return err
		}
		return b.ask(ctx, r, d, step)
	}
	text, kb, err := b.question(ctx, r, d, step)
	if err != nil {
		return err
	}
	return b.inPlace(ctx, r, q, answered, text, kb)
}

// submit stores the problem and sends it on: to the moderators first when
// pre-moderation is on, else straight to the experts. It returns what the
// author is told.
func (b *Bot) submit(ctx context.Context, r *req, d *draft) (string, error) {
	p := &storage.Problem{
		AuthorID: r.user.ID, Kind: d.Kind, SectorID: d.SectorID, RegionID: d.RegionID,
		Title: d.Title, Body: d.Body, Company: d.Company, BIN: d.BIN, Anonymous: d.Anonymous, Language: r.lang,
	}
	status := storage.StatusOpen
	if b.cfg.Premoderation {
		status = storage.StatusPendingModeration
	}
	id, err := r.tx.CreateProblem(ctx, p, d.Files, status)
	if err != nil {
		return "", err
	}
	p.ID, p.Status = id, status
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return "", err
	}
	if b.cfg.Premoderation {
		return r.t("submitted_moderation", id), b.sendForModeration(ctx, r.tx, p)
	}
	n, err := b.route(ctx, r.tx, p)
	return routedText(r.lang, id, n), err
}

// cancel ends any dialogue.
func (b *Bot) cancel(ctx context.Context, r *req) error {
	_, err := r.tx.Dialog(ctx, r.user.ID)
	if err != nil {
		return r.send(ctx, r.t("nothing_to_cancel"), nil)
	}
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return err
	}
	return r.send(ctx, r.t("cancelled"), nil)
}
