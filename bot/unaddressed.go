package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// dialogPick holds messages written without a reply while the user
// chooses the problem they are about.
const dialogPick = "pick"

// pickDialog is what the pick dialogue remembers: the messages to post.
type pickDialog struct {
	Messages []tgbotapi.Message `json:"messages"`
}

// maxPicks is how many problems the question "which?" offers.
const maxPicks = 8

// unaddressed takes a message that is no reply to the bot and no part of a
// dialogue. With one problem in hand (the author's with the experts, or
// the one an expert took) it goes to that thread; with several the bot
// asks which; with none it is answered as before.
func (b *Bot) unaddressed(ctx context.Context, r *req, m *tgbotapi.Message) error {
	if untakeable(m) {
		return r.send(ctx, r.t("cannot_take"), nil)
	}
	ps, err := r.tx.ProblemsInHand(ctx, r.user.ID, maxPicks)
	if err != nil {
		return err
	}
	switch {
	case len(ps) == 1:
		return b.postUnaddressed(ctx, r, &ps[0], m)
	case len(ps) > 1:
		data, err := json.Marshal(pickDialog{Messages: []tgbotapi.Message{*m}})
		if err != nil {
			return err
		}
		if err := r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: dialogPick, Step: "which", Data: data}); err != nil {
			return err
		}
		var buttons []tgbotapi.InlineKeyboardButton
		for _, p := range ps {
			label := fmt.Sprintf("#%d · %s", p.ID, clipText(p.Title, 40))
			buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(label, callbackData("to", strconv.FormatInt(p.ID, 10))))
		}
		return r.send(ctx, r.t("which_problem"), keyboard(1, buttons...))
	}
	// A description of a problem, typed without /new, is offered as the
	// start of one.
	if text, files := messageContent(m); utf8.RuneCountInString(strings.TrimSpace(text)) >= minBody && len(files) == 0 {
		data, err := json.Marshal(pickDialog{Messages: []tgbotapi.Message{*m}})
		if err != nil {
			return err
		}
		if err := r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: dialogPick, Step: "new", Data: data}); err != nil {
			return err
		}
		return r.send(ctx, r.t("offer_new"), keyboard(1,
			tgbotapi.NewInlineKeyboardButtonData(r.t("btn_offer_new"), callbackData("newfrom"))))
	}
	own, err := r.tx.ProblemsByAuthor(ctx, r.user.ID, 1)
	if err != nil {
		return err
	}
	if len(own) > 0 {
		return r.send(ctx, r.t("followup_need_reply"), nil)
	}
	return r.send(ctx, r.t("unknown"), nil)
}

// newFrom starts /new with the kept message as the description.
func (b *Bot) newFrom(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, _ callback) error {
	dlg, err := r.tx.Dialog(ctx, r.user.ID)
	if errors.Is(err, storage.ErrNotFound) || err == nil && (dlg.Name != dialogPick || dlg.Step != "new") {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if err != nil {
		return err
	}
	var d pickDialog
	if err := json.Unmarshal(dlg.Data, &d); err != nil || len(d.Messages) == 0 {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	text, _ := messageContent(&d.Messages[0])
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	if err := r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, r.t("btn_offer_new"))...); err != nil {
		return err
	}
	return b.goTo(ctx, r, &draft{Body: clipText(strings.TrimSpace(text), maxBody)}, stepKind)
}

// pickMessage keeps a message written while the question "which?" is
// open: a part of the same album, or more to post with it.
func (b *Bot) pickMessage(ctx context.Context, r *req, dlg *storage.Dialog, m *tgbotapi.Message) error {
	var d pickDialog
	if err := json.Unmarshal(dlg.Data, &d); err != nil {
		return err
	}
	album := m.MediaGroupID != "" && len(d.Messages) > 0 && d.Messages[len(d.Messages)-1].MediaGroupID == m.MediaGroupID
	d.Messages = append(d.Messages, *m)
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	dlg.Data = data
	if err := r.tx.SaveDialog(ctx, dlg); err != nil {
		return err
	}
	if album {
		return nil
	}
	return r.send(ctx, r.t("use_buttons"), nil)
}

// pickProblem is the answer to "which?": the kept messages go to the
// chosen problem's thread, if it is still one the user may write in.
func (b *Bot) pickProblem(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	dlg, err := r.tx.Dialog(ctx, r.user.ID)
	if errors.Is(err, storage.ErrNotFound) || err == nil && dlg.Name != dialogPick {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if err != nil {
		return err
	}
	ps, err := r.tx.ProblemsInHand(ctx, r.user.ID, 50)
	if err != nil {
		return err
	}
	var p *storage.Problem
	for i := range ps {
		if ps[i].ID == id {
			p = &ps[i]
		}
	}
	if p == nil {
		return r.answer(ctx, q, stripTags(r.t("problem_closed", id)))
	}
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	if err := r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, fmt.Sprintf("#%d · %s", p.ID, p.Title))...); err != nil {
		return err
	}
	return b.postPicked(ctx, r, p, dlg)
}

// postPicked ends the pick dialogue and posts the messages it kept to a
// problem's thread.
func (b *Bot) postPicked(ctx context.Context, r *req, p *storage.Problem, dlg *storage.Dialog) error {
	var d pickDialog
	if err := json.Unmarshal(dlg.Data, &d); err != nil {
		return err
	}
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return err
	}
	for i := range d.Messages {
		if err := b.postUnaddressed(ctx, r, p, &d.Messages[i]); err != nil {
			return err
		}
	}
	return nil
}

// postUnaddressed posts a message to a problem's thread: the author's to
// the expert on it (the owner, else the last to answer, else every expert
// it went to), an expert's to the author.
func (b *Bot) postUnaddressed(ctx context.Context, r *req, p *storage.Problem, m *tgbotapi.Message) error {
	if p.AuthorID != r.user.ID {
		ok, err := mayWrite(ctx, r.tx, r.user.ID, p, false)
		if err != nil {
			return err
		}
		if !ok {
			return r.send(ctx, r.t("not_allowed"), nil)
		}
		return b.postToThread(ctx, r, p, m, "expert", []int64{p.AuthorID}, nil)
	}
	var to []int64
	if p.OwnerID != nil {
		to = []int64{*p.OwnerID}
	} else if id, err := r.tx.LastAnswerer(ctx, p.ID); err == nil {
		to = []int64{id}
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	} else {
		as, err := r.tx.Assignments(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, a := range as {
			if a.DeclinedAt == nil {
				to = append(to, a.ExpertID)
			}
		}
	}
	if len(to) == 0 {
		return r.send(ctx, r.t("no_expert_yet", p.ID), nil)
	}
	return b.postToThread(ctx, r, p, m, "entrepreneur", to, nil)
}
