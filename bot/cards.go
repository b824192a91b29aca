package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// What an expert's card says of its problem, and so which buttons it has.
const (
	cardOpen     = "open"     // nobody took it: Take, Answer, Not my area
	cardYours    = "yours"    // this expert took it: Answer, Not my area
	cardTaken    = "taken"    // another expert took it: Answer
	cardDeclined = "declined" // this expert said it is not their area
	cardSolved   = "solved"
	cardClosed   = "closed"
	cardMerged   = "merged"
	cardMoved    = "moved" // to a sector this expert does not serve
)

// cardState is what an expert's card of p should say. A taken card names
// its owner, so that the card changes when the owner does.
func cardState(ctx context.Context, tx *storage.Tx, p *storage.Problem, expertID int64, declined bool) (string, error) {
	switch {
	case p.MergedInto != nil:
		return cardMerged, nil
	case p.Status == storage.StatusResolved:
		return cardSolved, nil
	case p.Closed():
		return cardClosed, nil
	case declined:
		return cardDeclined, nil
	}
	if p.OwnerID != nil && *p.OwnerID == expertID {
		return cardYours, nil // perhaps given by a moderator beyond their sector
	}
	if _, err := tx.ExpertCentreFor(ctx, expertID, p.SectorID); errors.Is(err, storage.ErrNotFound) {
		return cardMoved, nil
	} else if err != nil {
		return "", err
	}
	if p.OwnerID == nil {
		return cardOpen, nil
	}
	return cardTaken + ":" + strconv.FormatInt(*p.OwnerID, 10), nil
}

// cardKeyboard is the buttons of a card in a state; nil for none.
func cardKeyboard(lang string, p *storage.Problem, state string) *tgbotapi.InlineKeyboardMarkup {
	id := strconv.FormatInt(p.ID, 10)
	take := tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_take"), callbackData("take", id))
	answer := tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_answer"), callbackData("answer", id))
	decline := tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_decline"), callbackData("decline", id))
	switch kind, _ := splitState(state); kind {
	case cardOpen:
		return keyboard(2, take, answer, decline)
	case cardYours:
		return keyboard(2, answer, decline)
	case cardTaken:
		return keyboard(1, answer)
	}
	return nil
}

// cardNote is the line a card ends with in a state, "" for an open one.
func cardNote(ctx context.Context, tx *storage.Tx, lang string, p *storage.Problem, state string) (string, error) {
	kind, owner := splitState(state)
	switch kind {
	case cardOpen:
		return "", nil
	case cardTaken:
		name := T(lang, "deleted_user")
		if u, err := tx.User(ctx, owner); err == nil {
			name = displayName(u, lang)
		} else if !errors.Is(err, storage.ErrNotFound) {
			return "", err
		}
		return T(lang, "card_taken", Escape(name)), nil
	case cardMerged:
		return T(lang, "card_merged", *p.MergedInto), nil
	}
	return T(lang, "card_"+kind), nil
}

func splitState(state string) (kind string, owner int64) {
	kind, id, _ := strings.Cut(state, ":")
	owner, _ = strconv.ParseInt(id, 10, 64)
	return kind, owner
}

// refreshCards brings the experts' cards of the problems changed in tx up
// to date: each card whose state changed is edited to say what happened
// and loses the buttons that no longer apply.
func (b *Bot) refreshCards(ctx context.Context, tx *storage.Tx) error {
	for _, id := range tx.TakeChanged() {
		p, err := tx.Problem(ctx, id)
		if err != nil {
			return err
		}
		as, err := tx.Assignments(ctx, id)
		if err != nil {
			return err
		}
		for _, a := range as {
			if a.CardID == nil {
				continue
			}
			state, err := cardState(ctx, tx, p, a.ExpertID, a.DeclinedAt != nil)
			if err != nil {
				return err
			}
			if changed, err := tx.SetCardState(ctx, id, a.ExpertID, state); err != nil || !changed {
				return err
			}
			expert, err := tx.User(ctx, a.ExpertID)
			if err != nil {
				return err
			}
			edit, err := b.cardEdit(ctx, tx, p, expert, *a.CardID, state)
			if err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, edit); err != nil {
				return err
			}
		}
	}
	return nil
}

// cardEdit rewrites the last message of an expert's card, the one with the
// buttons, to say state.
func (b *Bot) cardEdit(ctx context.Context, tx *storage.Tx, p *storage.Problem, expert *storage.User, cardID int64, state string) (storage.Call, error) {
	lang := UserLang(expert)
	text, _, err := b.cardText(ctx, tx, p, lang)
	if err != nil {
		return storage.Call{}, err
	}
	note, err := cardNote(ctx, tx, lang, p, state)
	if err != nil {
		return storage.Call{}, err
	}
	parts := SplitMessage(text, MaxMessageLength)
	last := parts[len(parts)-1]
	if note != "" && len(last)+len(note)+2 <= MaxMessageLength {
		last += "\n\n" + note
	}
	edit := editText(expert.ID, 0, last, cardKeyboard(lang, p, state))
	delete(edit.Params, "message_id")
	edit.EditOf = cardID
	return edit, nil
}
