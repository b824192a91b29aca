package bot

import (
	"context"
	"encoding/json"
	"errors"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

const dialogLanguage = "language"

// languageDialog is what the language dialogue remembers.
type languageDialog struct {
	Welcome bool `json:"welcome"` // came from /start: greet after the choice
}

// askLanguage asks the user to pick a language, with the one we would
// guess marked.
func (b *Bot) askLanguage(ctx context.Context, r *req, welcome bool) error {
	data, _ := json.Marshal(languageDialog{Welcome: welcome})
	if err := r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: dialogLanguage, Step: "choose", Data: data}); err != nil {
		return err
	}
	return r.send(ctx, r.t("choose_language"), languageKeyboard(r.lang))
}

func languageKeyboard(current string) *tgbotapi.InlineKeyboardMarkup {
	return languageButtons("lang", func(lang string) bool { return lang == current })
}

// languageButtons is a row of the languages, each named in itself, those
// marked with a ✅, pressing one the action with its code.
func languageButtons(action string, marked func(lang string) bool) *tgbotapi.InlineKeyboardMarkup {
	var row []tgbotapi.InlineKeyboardButton
	for _, lang := range Languages {
		label := languageNames[lang]
		if marked(lang) {
			label = "✅ " + label
		}
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(label, callbackData(action, lang)))
	}
	return keyboard(len(row), row...)
}

// chooseLanguage stores the language the user pressed. Any user may set
// their own language at any time, so the button needs no other check.
func (b *Bot) chooseLanguage(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	lang := cb.arg(0)
	if _, ok := languageNames[lang]; !ok {
		return r.tx.Enqueue(ctx, answerCallback(r.chat, q.ID, r.t("button_expired")))
	}
	if err := r.tx.SetLanguage(ctx, r.user.ID, lang); err != nil {
		return err
	}
	r.lang, r.user.Language = lang, lang
	if err := registerUserCommands(ctx, r.tx, r.user); err != nil {
		return err
	}
	if r.user.IsModerator() {
		if err := b.setMenuButton(ctx, r.tx, r.user); err != nil {
			return err
		}
	}

	var welcome bool
	d, err := r.tx.Dialog(ctx, r.user.ID)
	switch {
	case err == nil && d.Name == dialogLanguage:
		var data languageDialog
		json.Unmarshal(d.Data, &data)
		welcome = data.Welcome
		if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
			return err
		}
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return err
	}

	if err := r.answer(ctx, q, r.t("language_set")); err != nil {
		return err
	}
	// What comes next is asked in the message of the choice, in the new
	// language: one message, where an edit and a new one would each wait
	// for the chat's pace.
	var set string
	if q.Message != nil {
		set = r.t("language_set")
	}
	switch {
	case !b.consented(r.user):
		text, kb := b.consentNotice(r)
		return b.inPlace(ctx, r, q, set, text, kb)
	case welcome:
		return b.inPlace(ctx, r, q, set, r.t("welcome"), nil)
	case set != "":
		return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), set, nil))
	}
	return nil
}
