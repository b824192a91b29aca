package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// threadPage is how many messages of a thread one page of /thread shows.
const threadPage = 8

// showThread is /thread N: a problem's whole thread for a moderator, in
// pages, with buttons to close, reopen, reassign or change its sector.
func (b *Bot) showThread(ctx context.Context, r *req, args string) error {
	id, _, ok := problemNumber(args)
	if !ok {
		return r.send(ctx, r.t("usage", "/thread N"), nil)
	}
	if !r.user.IsModerator() {
		return b.showOwnThread(ctx, r, id)
	}
	text, kb, err := b.threadPage(ctx, r, id, 0)
	if err != nil || text == "" {
		return err
	}
	return r.send(ctx, text, kb)
}

// showOwnThread shows a problem to its author or to an expert it went to:
// its card, status and latest messages, an anonymous author's name hidden
// from experts. To anyone else the problem does not exist.
func (b *Bot) showOwnThread(ctx context.Context, r *req, id int64) error {
	p, err := r.tx.Problem(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return r.send(ctx, r.t("not_found", id), nil)
	}
	if err != nil {
		return err
	}
	isAuthor := p.AuthorID == r.user.ID
	if !isAuthor {
		if ok, err := mayWrite(ctx, r.tx, r.user.ID, p, true); err != nil {
			return err
		} else if !ok {
			return r.send(ctx, r.t("not_found", id), nil)
		}
	}
	card, _, err := b.cardText(ctx, r.tx, p, r.lang)
	if err != nil {
		return err
	}
	var t strings.Builder
	t.WriteString(card + "\n\n" + r.t("own_thread_status", r.t("status_"+p.Status)))
	msgs, err := r.tx.ThreadMessages(ctx, p.ID)
	if err != nil {
		return err
	}
	files, err := filesByMessage(ctx, r.tx, p.ID)
	if err != nil {
		return err
	}
	if line := filesLine(r.lang, files[0]); line != "" {
		t.WriteString("\n" + line)
	}
	if len(msgs) == 0 {
		t.WriteString("\n\n" + r.t("own_thread_empty"))
	}
	if first := len(msgs) - threadPage; first > 0 {
		t.WriteString("\n\n" + r.t("own_thread_earlier", first))
		msgs = msgs[first:]
	}
	for _, m := range msgs {
		name := r.t("anonymous")
		if !p.Anonymous || isAuthor || m.AuthorRole != "entrepreneur" {
			if u, err := r.tx.User(ctx, m.AuthorID); err == nil {
				name = displayName(u, r.lang)
			}
		}
		fmt.Fprintf(&t, "\n\n<b>%s</b> (%s) · %s\n%s", Escape(name), r.t("role_"+m.AuthorRole), b.at(m.CreatedAt), Escape(clipText(m.Text, 1000)))
		if line := filesLine(r.lang, files[m.ID]); line != "" {
			t.WriteString("\n" + line)
		}
	}
	return r.send(ctx, t.String(), nil)
}

// filesByMessage groups a problem's files by the thread message they came
// with; 0 holds those posted with the problem.
func filesByMessage(ctx context.Context, tx *storage.Tx, problemID int64) (map[int64][]storage.Attachment, error) {
	atts, err := tx.ThreadAttachments(ctx, problemID)
	if err != nil {
		return nil, err
	}
	out := map[int64][]storage.Attachment{}
	for _, a := range atts {
		var id int64
		if a.MessageID != nil {
			id = *a.MessageID
		}
		out[id] = append(out[id], a)
	}
	return out, nil
}

// threadPage renders one page of a thread; "" when there is no problem
// (having said so).
func (b *Bot) threadPage(ctx context.Context, r *req, id int64, page int) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	p, err := r.tx.Problem(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil, r.send(ctx, r.t("not_found", id), nil)
	}
	if err != nil {
		return "", nil, err
	}
	author, err := r.tx.User(ctx, p.AuthorID)
	if err != nil {
		return "", nil, err
	}
	sector, err := r.tx.Sector(ctx, p.SectorID)
	if err != nil {
		return "", nil, err
	}
	region, err := r.tx.Region(ctx, p.RegionID)
	if err != nil {
		return "", nil, err
	}
	owner := r.t("none")
	if p.OwnerID != nil {
		if o, err := r.tx.User(ctx, *p.OwnerID); err == nil {
			owner = Escape(displayName(o, r.lang))
		}
	}
	anon := ""
	if p.Anonymous {
		anon = r.t("mod_anonymous_mark")
	}
	var t strings.Builder
	t.WriteString(r.t("thread_title", p.ID, r.t("kind_"+p.Kind), r.t("status_"+p.Status), Escape(sector.Name(r.lang)), Escape(region.Name(r.lang)),
		Escape(p.Title), Escape(clipText(p.Body, 1000)), Escape(displayName(author, r.lang)), author.ID, anon,
		orDash(r.lang, p.Company), orDash(r.lang, p.BIN), owner))
	files, err := filesByMessage(ctx, r.tx, p.ID)
	if err != nil {
		return "", nil, err
	}
	if line := filesLine(r.lang, files[0]); line != "" {
		t.WriteString("\n" + line)
	}
	if author.Unreachable() {
		t.WriteString("\n" + r.t("thread_unreachable"))
	}
	if p.MergedInto != nil {
		t.WriteString(fmt.Sprintf("\n→ #%d", *p.MergedInto))
	}
	supporters, err := r.tx.ProblemSupporters(ctx, p.ID)
	if err != nil {
		return "", nil, err
	}
	if len(supporters) > 0 {
		t.WriteString("\n" + r.t("card_supporters", len(supporters)))
		shown := 0
		for _, s := range supporters {
			if s.Line != "" && shown < 5 { // the first few; the count says the rest
				t.WriteString("\n  · <i>" + Escape(clipText(s.Line, 200)) + "</i>")
				shown++
			}
		}
	}

	names := map[int64]string{}
	name := func(id *int64) string {
		if id == nil {
			return r.t("the_bot")
		}
		if n, ok := names[*id]; ok {
			return n
		}
		n := strconv.FormatInt(*id, 10)
		if u, err := r.tx.User(ctx, *id); err == nil {
			n = displayName(u, r.lang)
		}
		names[*id] = n
		return n
	}
	if page == 0 {
		events, err := r.tx.Events(ctx, p.ID)
		if err != nil {
			return "", nil, err
		}
		t.WriteString("\n\n" + r.t("thread_history", b.zoneLabel()))
		for _, e := range events {
			note := ""
			if e.Note != "" {
				note = " (" + Escape(e.Note) + ")"
			}
			fmt.Fprintf(&t, "\n%s · %s · %s%s", b.at(e.At), Escape(name(e.ActorID)), r.t("status_"+e.To), note)
		}
		ratings, err := r.tx.Ratings(ctx, p.ID)
		if err != nil {
			return "", nil, err
		}
		if len(ratings) > 0 {
			t.WriteString("\n\n" + r.t("thread_ratings"))
			for _, rt := range ratings {
				fmt.Fprintf(&t, "\n%s: %d/5 %s", Escape(name(&rt.ExpertID)), rt.Score, Escape(rt.Comment))
			}
		}
	}
	msgs, err := r.tx.ThreadMessages(ctx, p.ID)
	if err != nil {
		return "", nil, err
	}
	pages := max(1, (len(msgs)+threadPage-1)/threadPage)
	page = min(max(page, 0), pages-1)
	if len(msgs) > 0 {
		first, last := page*threadPage, min((page+1)*threadPage, len(msgs))
		t.WriteString("\n\n" + r.t("thread_messages", first+1, last, len(msgs)))
		for _, m := range msgs[first:last] {
			edited := ""
			if m.OriginalText != nil {
				edited = " ✏️"
			}
			fmt.Fprintf(&t, "\n\n<b>%s</b> (%s) · %s%s\n%s", Escape(name(&m.AuthorID)), r.t("role_"+m.AuthorRole),
				b.at(m.CreatedAt), edited, Escape(clipText(m.Text, 1500)))
			if line := filesLine(r.lang, files[m.ID]); line != "" {
				t.WriteString("\n" + line)
			}
		}
	}

	s := strconv.FormatInt(p.ID, 10)
	var nav, actions []tgbotapi.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_prev"), callbackData("thr", s, strconv.Itoa(page-1))))
	}
	if page < pages-1 {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_next"), callbackData("thr", s, strconv.Itoa(page+1))))
	}
	if p.Closed() {
		actions = append(actions, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_reopen"), callbackData("reopen", s)))
	} else if p.Status != storage.StatusPendingModeration {
		actions = append(actions,
			tgbotapi.NewInlineKeyboardButtonData(r.t("btn_close"), callbackData("close", s)),
			tgbotapi.NewInlineKeyboardButtonData(r.t("btn_reassign"), callbackData("reassign", s)),
			tgbotapi.NewInlineKeyboardButtonData(r.t("btn_change_sector"), callbackData("modsec", s)))
	}
	rows := [][]tgbotapi.InlineKeyboardButton{}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	for len(actions) > 0 {
		n := min(2, len(actions))
		rows = append(rows, actions[:n])
		actions = actions[n:]
	}
	var kb *tgbotapi.InlineKeyboardMarkup
	if len(rows) > 0 {
		k := tgbotapi.NewInlineKeyboardMarkup(rows...)
		kb = &k
	}
	// A page is one message: long texts are cut rather than split, so that
	// the buttons stay under the page they turn.
	return clipHTMLPage(t.String()), kb, nil
}

// clipHTMLPage keeps the first part of a long page.
func clipHTMLPage(html string) string {
	parts := SplitMessage(html, MaxMessageLength-10)
	if len(parts) <= 1 {
		return html
	}
	return parts[0] + "\n…"
}

// threadButton handles the buttons under /thread: turning pages, close,
// reopen and reassign. Only moderators may press them.
func (b *Bot) threadButton(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	p, err := moderatedProblem(ctx, r, q, cb)
	if err != nil || p == nil {
		return err
	}
	id := p.ID
	switch cb.action {
	case "thr":
		page, _ := strconv.Atoi(cb.arg(1))
		text, kb, err := b.threadPage(ctx, r, id, page)
		if err != nil || text == "" {
			return err
		}
		if err := r.answer(ctx, q, ""); err != nil {
			return err
		}
		if q.Message == nil {
			return r.send(ctx, text, kb)
		}
		return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), text, kb))
	case "close":
		return b.closeProblem(ctx, r, q, p)
	case "reopen":
		return b.reopenProblem(ctx, r, q, p)
	case "reassign", "reassc":
		return b.reassignPicker(ctx, r, q, p, cb)
	case "assignto":
		eid, err := cb.intArg(1)
		if err != nil {
			return r.answer(ctx, q, r.t("button_expired"))
		}
		return b.reassign(ctx, r, q, p, eid)
	}
	return r.answer(ctx, q, r.t("button_expired"))
}

func (b *Bot) closeProblem(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem) error {
	if p.Closed() || p.Status == storage.StatusPendingModeration {
		return b.notPending(ctx, r, q, p)
	}
	if err := r.tx.SetStatus(ctx, p.ID, storage.StatusClosed, &r.user.ID, ""); err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, "close", &p.ID, "", ""); err != nil {
		return err
	}
	if err := b.tellAuthor(ctx, r.tx, p, "closed_author", p.ID); err != nil {
		return err
	}
	return b.done(ctx, r, q, r.t("mod_closed", p.ID))
}

func (b *Bot) reopenProblem(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem) error {
	if !p.Closed() {
		return b.notPending(ctx, r, q, p)
	}
	if err := r.tx.SetStatus(ctx, p.ID, storage.StatusOpen, &r.user.ID, "reopened"); err != nil {
		return err
	}
	p.Status = storage.StatusOpen
	if p.OwnerID != nil {
		if err := r.tx.ReleaseProblem(ctx, p.ID, *p.OwnerID); err != nil {
			return err
		}
		p.OwnerID = nil
	}
	n, err := b.route(ctx, r.tx, p)
	if err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, "reopen", &p.ID, "", ""); err != nil {
		return err
	}
	if err := b.tellAuthor(ctx, r.tx, p, "reopened_author", p.ID); err != nil {
		return err
	}
	return b.done(ctx, r, q, r.t("mod_reopened", p.ID, n))
}

// reassignPicker shows whom a problem can be given to: the experts of its
// sector, each with what they have in progress, then every centre, whose
// experts a press lists in the same message. An expert of any centre may
// be given any problem: a moderator knows who can help beyond the sector.
func (b *Bot) reassignPicker(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem, cb callback) error {
	s := strconv.FormatInt(p.ID, 10)
	var text string
	var experts []storage.User
	var busy map[int64]int                   // what each has in progress
	var more []tgbotapi.InlineKeyboardButton // after the experts, one a row
	if cb.action == "reassc" {
		centreID, err := cb.intArg(1)
		if err != nil {
			return r.answer(ctx, q, r.t("button_expired"))
		}
		centres, err := r.tx.Centres(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(centres, func(c storage.Named) bool { return int64(c.ID) == centreID })
		if i < 0 {
			return r.answer(ctx, q, r.t("button_expired"))
		}
		loads, err := r.tx.CentreExperts(ctx, centres[i].ID)
		if err != nil {
			return err
		}
		busy = map[int64]int{}
		for _, e := range loads {
			experts, busy[e.ID] = append(experts, e.User), e.Open
		}
		text = r.t("reassign_centre", p.ID, Escape(centres[i].Name(r.lang)))
		more = append(more, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_back"), callbackData("reassign", s, "in")))
	} else {
		var err error
		if experts, err = r.tx.SectorExperts(ctx, p.SectorID); err != nil {
			return err
		}
		centres, err := r.tx.Centres(ctx)
		if err != nil {
			return err
		}
		for _, c := range centres {
			more = append(more, tgbotapi.NewInlineKeyboardButtonData("🏢 "+c.Name(r.lang), callbackData("reassc", s, strconv.Itoa(c.ID))))
		}
		text = r.t("reassign_whom", p.ID)
		if len(experts) == 0 {
			text += "\n" + r.t("no_experts_to_assign")
		}
		text += "\n\n" + r.t("reassign_other")
	}
	experts = slices.DeleteFunc(experts, func(u storage.User) bool { return u.BannedAt != nil || u.ID == p.AuthorID })
	if cb.action == "reassc" && len(experts) == 0 {
		text += "\n" + r.t("reassign_none")
	}
	if busy == nil {
		ids := make([]int64, len(experts))
		for i, e := range experts {
			ids[i] = e.ID
		}
		var err error
		if busy, err = r.tx.InProgress(ctx, ids); err != nil {
			return err
		}
	}
	var picks []tgbotapi.InlineKeyboardButton
	for _, e := range experts {
		label := r.t("expert_load", displayName(&e, r.lang), busy[e.ID])
		picks = append(picks, tgbotapi.NewInlineKeyboardButtonData(label, callbackData("assignto", s, strconv.FormatInt(e.ID, 10))))
	}
	kb := keyboard(2, picks...)
	kb.InlineKeyboard = append(kb.InlineKeyboard, keyboard(1, more...).InlineKeyboard...)
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	if q.Message != nil && (cb.action == "reassc" || cb.arg(1) == "in") {
		return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), text, kb))
	}
	return r.send(ctx, text, kb)
}

// reassign gives a problem to an expert of any centre, who gets its card.
func (b *Bot) reassign(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem, expertID int64) error {
	if p.Closed() {
		return b.notPending(ctx, r, q, p)
	}
	expert, err := r.tx.User(ctx, expertID)
	if err != nil || expert.BannedAt != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if ok, err := isExpert(ctx, r.tx, expertID); err != nil || !ok {
		return refuse(ctx, r, q, err)
	}
	if p.OwnerID != nil {
		if err := r.tx.ReleaseProblem(ctx, p.ID, *p.OwnerID); err != nil {
			return err
		}
	}
	if p.Status == storage.StatusTaken {
		p.Status = storage.StatusOpen
	}
	if _, err := r.tx.TakeProblem(ctx, p.ID, expertID); err != nil {
		return err
	}
	if err := b.sendCard(ctx, r.tx, p, expert, T(UserLang(expert), "assigned_expert", p.ID)); err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, "reassign", &p.ID, strconv.FormatInt(expertID, 10), ""); err != nil {
		return err
	}
	return b.done(ctx, r, q, r.t("mod_reassigned", p.ID, Escape(displayName(expert, r.lang))))
}

// merge is /merge N M: problem N duplicates the earlier M; N is closed and
// its author told where the answers are.
func (b *Bot) merge(ctx context.Context, r *req, args string) error {
	f := strings.Fields(strings.ReplaceAll(args, "#", ""))
	var ids [2]int64
	var err error
	if len(f) == 2 {
		if ids[0], err = strconv.ParseInt(f[0], 10, 64); err == nil {
			ids[1], err = strconv.ParseInt(f[1], 10, 64)
		}
	}
	if len(f) != 2 || err != nil || ids[0] == ids[1] {
		return r.send(ctx, r.t("usage", "/merge N M"), nil)
	}
	var ps [2]*storage.Problem
	for i, id := range ids {
		if ps[i], err = r.tx.Problem(ctx, id); errors.Is(err, storage.ErrNotFound) {
			return r.send(ctx, r.t("not_found", id), nil)
		} else if err != nil {
			return err
		}
	}
	if err := b.mergeInto(ctx, r, ps[0], ps[1]); err != nil {
		return err
	}
	return r.send(ctx, r.t("mod_merged", ps[0].ID, ps[1].ID), nil)
}

// mergeInto closes a request as a duplicate of another, whose answers its
// author then receives as a supporter, and tells them so.
func (b *Bot) mergeInto(ctx context.Context, r *req, dup, into *storage.Problem) error {
	if err := r.tx.Merge(ctx, dup.ID, into.ID); err != nil {
		return err
	}
	if !dup.Closed() {
		if err := r.tx.SetStatus(ctx, dup.ID, storage.StatusClosed, &r.user.ID, fmt.Sprintf("merged into #%d", into.ID)); err != nil {
			return err
		}
	}
	if dup.AuthorID != into.AuthorID {
		if _, _, err := r.tx.Support(ctx, into.ID, dup.AuthorID); err != nil {
			return err
		}
	}
	if err := r.tx.Audit(ctx, r.user.ID, "merge", &dup.ID, "#"+strconv.FormatInt(into.ID, 10), ""); err != nil {
		return err
	}
	who := Escape(displayName(r.user, r.lang))
	if err := b.showOutcome(ctx, r.tx, dup, func(lang string) string { return T(lang, "outcome_merged", into.ID, who) }); err != nil {
		return err
	}
	return b.tellAuthor(ctx, r.tx, dup, "merged_author", dup.ID, into.ID)
}

// tellAuthor sends a problem's author a text in their language.
func (b *Bot) tellAuthor(ctx context.Context, tx *storage.Tx, p *storage.Problem, key string, args ...any) error {
	author, err := tx.User(ctx, p.AuthorID)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, textMessages(author.ID, T(UserLang(author), key, args...), nil, storage.PriorityInteractive)...)
}

func ignoreNotFound(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	return err
}
