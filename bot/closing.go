package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// Dialogues that take an optional comment after a button.
const (
	dialogRateComment = "rate_comment"
	dialogImplComment = "impl_comment"
)

// commentDialog remembers what a comment is about.
type commentDialog struct {
	Problem        int64  `json:"problem,omitempty"`
	Expert         int64  `json:"expert,omitempty"`
	Recommendation int64  `json:"recommendation,omitempty"`
	Status         string `json:"status,omitempty"`
}

// reopenWindow is how long after marking a problem solved its author may
// reopen it.
const reopenWindow = 30 * 24 * time.Hour

// resolve is the author's "Problem solved", which asks to confirm
// ("resolve"); then ("resolved") the problem is resolved, the experts are
// told, and the author is asked to rate each expert who answered; or
// ("notyet") nothing changes.
func (b *Bot) resolve(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	p, err := authoredProblem(ctx, r, id)
	if err != nil || p == nil {
		return refuse(ctx, r, q, err)
	}
	if p.Closed() {
		return r.answer(ctx, q, r.t("status_"+p.Status))
	}
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	s := strconv.FormatInt(p.ID, 10)
	switch cb.action {
	case "resolve":
		return r.send(ctx, r.t("resolve_confirm", p.ID), keyboard(2,
			tgbotapi.NewInlineKeyboardButtonData(r.t("btn_resolve_yes"), callbackData("resolved", s)),
			tgbotapi.NewInlineKeyboardButtonData(r.t("btn_resolve_no"), callbackData("notyet", s))))
	case "notyet":
		return r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, r.t("btn_resolve_no"))...)
	}
	if err := r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, r.t("btn_resolve_yes"))...); err != nil {
		return err
	}
	if err := r.tx.SetStatus(ctx, p.ID, storage.StatusResolved, &r.user.ID, ""); err != nil {
		return err
	}
	again := keyboard(1, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_reopen_own"), callbackData("again", s)))
	if err := r.send(ctx, r.t("resolved_author", p.ID, int(reopenWindow.Hours()/24)), again); err != nil {
		return err
	}
	return tellAnswerers(ctx, r.tx, p, func(e *storage.User) error {
		if err := r.tx.Enqueue(ctx, textMessages(e.ID, T(UserLang(e), "resolved_expert", p.ID), nil, storage.PriorityBulk)...); err != nil {
			return err
		}
		who, err := expertName(ctx, r.tx, e, p.SectorID, r.lang)
		if err != nil {
			return err
		}
		var stars []tgbotapi.InlineKeyboardButton
		for s := 1; s <= 5; s++ {
			stars = append(stars, tgbotapi.NewInlineKeyboardButtonData("⭐"+strconv.Itoa(s),
				callbackData("rate", strconv.FormatInt(p.ID, 10), strconv.FormatInt(e.ID, 10), strconv.Itoa(s))))
		}
		return r.send(ctx, r.t("rate_expert", who, p.ID), keyboard(5, stars...))
	})
}

// tellAnswerers calls tell with each expert who answered a problem.
func tellAnswerers(ctx context.Context, tx *storage.Tx, p *storage.Problem, tell func(*storage.User) error) error {
	answerers, err := tx.Answerers(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, id := range answerers {
		e, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		if err := tell(e); err != nil {
			return err
		}
	}
	return nil
}

// reopenOwn is the author's Reopen of a problem they marked solved, within
// reopenWindow of that: it goes back to the experts who answered, and any
// messages the author wrote meanwhile (kept by offerReopen) are posted.
func (b *Bot) reopenOwn(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	p, err := authoredProblem(ctx, r, id)
	if err != nil || p == nil {
		return refuse(ctx, r, q, err)
	}
	if p.Status != storage.StatusResolved || p.MergedInto != nil {
		return r.answer(ctx, q, stripTags(r.t("status_"+p.Status)))
	}
	if p.ResolvedAt != nil && b.now().Sub(*p.ResolvedAt) > reopenWindow {
		return r.answer(ctx, q, stripTags(r.t("reopen_too_late", p.ID)))
	}
	status := storage.StatusOpen
	switch {
	case p.FirstAnswerAt != nil:
		status = storage.StatusAnswered
	case p.OwnerID != nil:
		status = storage.StatusTaken
	}
	if err := r.tx.SetStatus(ctx, p.ID, status, &r.user.ID, "reopened by the author"); err != nil {
		return err
	}
	p.Status = status
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	if err := r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, r.t("btn_reopen_own"))...); err != nil {
		return err
	}
	if err := r.send(ctx, r.t("reopened_by_author", p.ID), nil); err != nil {
		return err
	}
	err = tellAnswerers(ctx, r.tx, p, func(e *storage.User) error {
		return r.tx.Enqueue(ctx, textMessages(e.ID, T(UserLang(e), "reopened_expert", p.ID, Escape(p.Title)), nil, storage.PriorityBulk)...)
	})
	if err != nil {
		return err
	}
	dlg, err := r.tx.Dialog(ctx, r.user.ID)
	if errors.Is(err, storage.ErrNotFound) || err == nil && dlg.Name != dialogPick {
		return nil
	}
	if err != nil {
		return err
	}
	return b.postPicked(ctx, r, p, dlg)
}

// offerReopen answers the author's message about a problem they marked
// solved: it is kept, and sent if they reopen the problem.
func (b *Bot) offerReopen(ctx context.Context, r *req, p *storage.Problem, m *tgbotapi.Message) error {
	data, err := json.Marshal(pickDialog{Messages: []tgbotapi.Message{*m}})
	if err != nil {
		return err
	}
	if err := r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: dialogPick, Step: "reopen", Data: data}); err != nil {
		return err
	}
	s := strconv.FormatInt(p.ID, 10)
	return r.send(ctx, r.t("solved_offer_reopen", p.ID), keyboard(1,
		tgbotapi.NewInlineKeyboardButtonData(r.t("btn_reopen_send"), callbackData("again", s))))
}

// rate stores the author's rating of an expert and offers a comment.
func (b *Bot) rate(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err1 := cb.intArg(0)
	eid, err2 := cb.intArg(1)
	score, err3 := strconv.Atoi(cb.arg(2))
	if err1 != nil || err2 != nil || err3 != nil || score < 1 || score > 5 {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	p, err := authoredProblem(ctx, r, id)
	if err != nil || p == nil {
		return refuse(ctx, r, q, err)
	}
	answerers, err := r.tx.Answerers(ctx, p.ID)
	if err != nil {
		return err
	}
	if !containsID(answerers, eid) {
		return r.answer(ctx, q, r.t("not_allowed"))
	}
	if err := r.tx.Rate(ctx, p.ID, eid, r.user.ID, score); err != nil {
		return err
	}
	if q.Message != nil {
		text := Escape(q.Message.Text) + "\n→ " + strings.Repeat("⭐", score)
		if err := r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), text, nil)); err != nil {
			return err
		}
	}
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	e, err := r.tx.User(ctx, eid)
	if err != nil {
		return err
	}
	if err := r.tx.Enqueue(ctx, textMessages(e.ID, T(UserLang(e), "rated_expert", p.ID, score), nil, storage.PriorityBulk)...); err != nil {
		return err
	}
	return b.askComment(ctx, r, dialogRateComment, commentDialog{Problem: p.ID, Expert: eid}, "rate_comment")
}

// implementation stores the author's answer to "was the recommendation
// implemented?" and offers a comment.
func (b *Bot) implementation(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	recID, err := cb.intArg(0)
	status := cb.arg(1)
	if err != nil || (status != "implemented" && status != "in_progress" && status != "not_implemented") {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	rec, err := r.tx.Recommendation(ctx, recID)
	if errors.Is(err, storage.ErrNotFound) {
		return r.answer(ctx, q, r.t("not_allowed"))
	}
	if err != nil {
		return err
	}
	if p, err := authoredProblem(ctx, r, rec.ProblemID); err != nil || p == nil {
		return refuse(ctx, r, q, err)
	}
	asked, err := r.tx.SetImplementation(ctx, rec.ID, status, "")
	if err != nil {
		return err
	}
	if status == "in_progress" && asked < b.cfg.ImplementationAsks {
		// Asked again until it is done, or not, or asked enough.
		if err := r.tx.AddReminder(ctx, storage.ReminderImplementation, &rec.ProblemID, &rec.ID, b.now().Add(b.cfg.ImplementationCheck)); err != nil {
			return err
		}
	}
	if q.Message != nil {
		text := Escape(q.Message.Text) + "\n→ <b>" + Escape(r.t("impl_"+status)) + "</b>"
		if err := r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), text, nil)); err != nil {
			return err
		}
	}
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	return b.askComment(ctx, r, dialogImplComment, commentDialog{Recommendation: rec.ID, Status: status}, "impl_comment")
}

func (b *Bot) askComment(ctx context.Context, r *req, name string, d commentDialog, question string) error {
	data, _ := json.Marshal(d)
	if err := r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: name, Step: "comment", Data: data}); err != nil {
		return err
	}
	return r.send(ctx, r.t(question), keyboard(1, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_skip"), callbackData("skip", name))))
}

// commentMessage takes the comment of a rating or an implementation answer.
func (b *Bot) commentMessage(ctx context.Context, r *req, dlg *storage.Dialog, m *tgbotapi.Message) error {
	var d commentDialog
	if err := json.Unmarshal(dlg.Data, &d); err != nil {
		return err
	}
	text := strings.TrimSpace(m.Text)
	if text == "" {
		return r.send(ctx, r.t("err_need_text"), nil)
	}
	if n := len([]rune(text)); n > maxBody {
		return r.send(ctx, r.t("err_too_long", n, maxBody), nil)
	}
	var err error
	if dlg.Name == dialogRateComment {
		err = r.tx.CommentRating(ctx, d.Problem, d.Expert, text)
	} else {
		_, err = r.tx.SetImplementation(ctx, d.Recommendation, d.Status, text)
	}
	if err != nil {
		return err
	}
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return err
	}
	return r.send(ctx, r.t("rate_saved"), nil)
}

// skipComment is the Skip button under a comment question.
func (b *Bot) skipComment(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	dlg, err := r.tx.Dialog(ctx, r.user.ID)
	if err != nil || dlg.Name != cb.arg(0) {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return err
	}
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	return r.send(ctx, r.t("rate_saved"), nil)
}

// showMine is /my: the entrepreneur's problems, and for an expert what
// they took and what waits in their sectors.
func (b *Bot) showMine(ctx context.Context, r *req) error {
	line := func(p storage.Problem) string {
		return fmt.Sprintf("\n#%d · %s · %s /thread_%d", p.ID, r.t("status_"+p.Status), Escape(p.Title), p.ID)
	}
	var text string
	own, err := r.tx.ProblemsByAuthor(ctx, r.user.ID, 20)
	if err != nil {
		return err
	}
	if len(own) > 0 {
		text = r.t("my_title")
		for _, p := range own {
			text += line(p)
		}
	}
	expert, err := isExpert(ctx, r.tx, r.user.ID)
	if err != nil {
		return err
	}
	if expert {
		taken, err := r.tx.ProblemsOwnedBy(ctx, r.user.ID, 20)
		if err != nil {
			return err
		}
		waiting, err := r.tx.ProblemsWaitingFor(ctx, r.user.ID, 20)
		if err != nil {
			return err
		}
		for _, section := range []struct {
			title string
			list  []storage.Problem
		}{{"my_taken", taken}, {"my_waiting", waiting}} {
			text += "\n\n" + r.t(section.title)
			if len(section.list) == 0 {
				text += "\n" + r.t("none")
			}
			for _, p := range section.list {
				text += line(p)
			}
		}
	}
	if text == "" {
		text = r.t("my_none")
	} else {
		text += "\n\n" + r.t("my_hint")
	}
	return r.send(ctx, strings.TrimSpace(text), nil)
}

// authoredProblem loads a problem the user wrote, or returns nil when there
// is no such problem or it is someone else's.
func authoredProblem(ctx context.Context, r *req, id int64) (*storage.Problem, error) {
	p, err := r.tx.Problem(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && p.AuthorID != r.user.ID) {
		return nil, nil
	}
	return p, err
}

// refuse answers a button the user may not press, unless err says that
// something else went wrong.
func refuse(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, err error) error {
	if err != nil {
		return err
	}
	return r.answer(ctx, q, r.t("not_allowed"))
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}
