package bot

import (
	"context"
	"encoding/json"
	"errors"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

const dialogAnswer = "answer"

// answerDialog is what the answer dialogue remembers.
type answerDialog struct {
	Problem int64 `json:"problem"`
}

// mayAnswer reports whether a user may act on a problem as an expert: it
// is theirs and they are an expert of a centre in use (a moderator may
// give a problem to an expert of any centre), or they serve its sector
// through a centre and it was sent to them and they did not decline it.
func mayAnswer(ctx context.Context, tx *storage.Tx, userID int64, p *storage.Problem) (bool, error) {
	if p.OwnerID != nil && *p.OwnerID == userID {
		return isExpert(ctx, tx, userID)
	}
	if _, err := tx.ExpertCentreFor(ctx, userID, p.SectorID); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	a, err := tx.Assignment(ctx, p.ID, userID)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return a.DeclinedAt == nil, nil
}

// mayWrite reports whether an expert may write in a problem's thread, a
// reply or an edit: they may answer it, or, having been written to in it
// (a follow-up addressed to them, a message of theirs), they are still an
// expert of a centre in use and have not declined it, as after the
// problem moved to a sector they do not serve. An expert taken out of
// every centre writes no more.
func mayWrite(ctx context.Context, tx *storage.Tx, userID int64, p *storage.Problem, writtenTo bool) (bool, error) {
	if ok, err := mayAnswer(ctx, tx, userID, p); ok || err != nil || !writtenTo {
		return ok, err
	}
	if expert, err := isExpert(ctx, tx, userID); err != nil || !expert {
		return false, err
	}
	a, err := tx.Assignment(ctx, p.ID, userID)
	if errors.Is(err, storage.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return a.DeclinedAt == nil, nil
}

// answerableProblem loads a problem the user may act on as an expert, or
// returns nil when there is no such problem or they may not.
func answerableProblem(ctx context.Context, r *req, id int64) (*storage.Problem, error) {
	p, err := r.tx.Problem(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ok, err := mayAnswer(ctx, r.tx, r.user.ID, p)
	if err != nil || !ok {
		return nil, err
	}
	return p, nil
}

// expertButton handles Take, Answer and Not my area. The problem number in
// the button is not trusted: the problem is loaded and the presser's right
// to act on it checked.
func (b *Bot) expertButton(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	p, err := r.tx.Problem(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if err != nil {
		return err
	}
	// A press on a card that went stale says what happened since.
	if a, err := r.tx.Assignment(ctx, p.ID, r.user.ID); err == nil {
		state, err := cardState(ctx, r.tx, p, r.user.ID, a.DeclinedAt != nil)
		if err != nil {
			return err
		}
		switch kind, _ := splitState(state); kind {
		case cardSolved, cardClosed, cardMerged, cardMoved, cardDeclined:
			note, err := cardNote(ctx, r.tx, r.lang, p, state)
			if err != nil {
				return err
			}
			return r.answer(ctx, q, stripTags(note))
		}
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if ok, err := mayAnswer(ctx, r.tx, r.user.ID, p); err != nil || !ok {
		return refuse(ctx, r, q, err)
	}
	if p.Closed() || p.Status == storage.StatusPendingModeration {
		return r.answer(ctx, q, stripTags(r.t("card_closed")))
	}
	switch cb.action {
	case "take":
		return b.take(ctx, r, q, p)
	case "answer":
		data, _ := json.Marshal(answerDialog{Problem: p.ID})
		if err := r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: dialogAnswer, Step: "text", Data: data}); err != nil {
			return err
		}
		if err := r.answer(ctx, q, ""); err != nil {
			return err
		}
		return r.send(ctx, r.t("answer_prompt", p.ID), nil)
	case "decline":
		return b.decline(ctx, r, q, p)
	}
	return r.answer(ctx, q, r.t("button_expired"))
}

func (b *Bot) take(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem) error {
	took, err := r.tx.TakeProblem(ctx, p.ID, r.user.ID)
	if err != nil {
		return err
	}
	if !took {
		owner := r.t("anonymous")
		if p.OwnerID != nil {
			if u, err := r.tx.User(ctx, *p.OwnerID); err == nil {
				owner = displayName(u, r.lang)
			}
		}
		// The card says so too, as it is refreshed: the press is answered
		// in a notice that costs the chat no message.
		return r.answer(ctx, q, stripTags(r.t("already_taken", p.ID, Escape(owner))))
	}
	if err := r.answer(ctx, q, stripTags(r.t("took", p.ID))); err != nil {
		return err
	}
	author, err := r.tx.User(ctx, p.AuthorID)
	if err != nil {
		return err
	}
	lang := UserLang(author)
	who, err := expertName(ctx, r.tx, r.user, p.SectorID, lang)
	if err != nil {
		return err
	}
	return r.tx.Enqueue(ctx, textMessages(author.ID, T(lang, "taken_author", p.ID, who), nil, storage.PriorityInteractive)...)
}

// expertName names an expert with the centre through which they serve a
// sector, or their first centre when a moderator gave them a problem of
// another sector, as HTML.
func expertName(ctx context.Context, tx *storage.Tx, u *storage.User, sectorID int, lang string) (string, error) {
	name := "<b>" + Escape(displayName(u, lang)) + "</b>"
	centre, err := tx.ExpertCentreFor(ctx, u.ID, sectorID)
	if errors.Is(err, storage.ErrNotFound) {
		centres, err := tx.ExpertCentres(ctx, u.ID)
		if err != nil || len(centres) == 0 {
			return name, err
		}
		centre = &centres[0]
	} else if err != nil {
		return "", err
	}
	return name + ", " + Escape(centre.Name(lang)), nil
}

func (b *Bot) decline(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem) error {
	if err := r.tx.Decline(ctx, p.ID, r.user.ID); err != nil {
		return err
	}
	if err := r.tx.ReleaseProblem(ctx, p.ID, r.user.ID); err != nil {
		return err
	}
	// The card says it too, as it is refreshed.
	if err := r.answer(ctx, q, stripTags(r.t("declined", p.ID))); err != nil {
		return err
	}
	as, err := r.tx.Assignments(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.DeclinedAt == nil && a.ExpertID != r.user.ID {
			return nil // someone is still on it
		}
	}
	if err := b.tellAuthor(ctx, r.tx, p, "all_declined_author", p.ID); err != nil {
		return err
	}
	return b.warnModerators(ctx, r.tx, p.ID, func(lang string) string { return T(lang, "mod_nobody_left", p.ID) })
}

// setAway turns an expert's new problems off or on.
func (b *Bot) setAway(ctx context.Context, r *req, away bool) error {
	if err := r.tx.SetAway(ctx, r.user.ID, away); err != nil {
		return err
	}
	if away {
		return r.send(ctx, r.t("away_set"), nil)
	}
	return r.send(ctx, r.t("back_set"), nil)
}
