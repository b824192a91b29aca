package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// The user's rights over their data, as Kazakhstan's law on personal data
// (No. 94-V) has them: nothing they post is kept before they agree to the
// notice of what is kept, why, for how long and who sees it (asked again
// when the notice changes); /privacy is the full text, /mydata everything
// kept about them, /forget the deletion of their identity and of what
// they wrote.

// PrivacyVersion is the version of the notice the bot has built in; a
// change of its texts bumps it, and users are asked again.
const PrivacyVersion = "2026-12-07"

// withoutConsent are the commands and buttons a user may use before they
// agree: those that keep nothing they post.
var (
	commandsWithoutConsent = map[string]bool{"start": true, "language": true, "help": true, "cancel": true,
		"privacy": true, "mydata": true, "forget": true}
	buttonsWithoutConsent = map[string]bool{"lang": true, "consent": true, "forget": true, "noop": true}
)

// consented reports whether a user agreed to the current notice.
func (b *Bot) consented(u *storage.User) bool {
	return u.ConsentVersion == b.cfg.PrivacyVersion
}

// askConsent shows the notice with its Agree button, after lead if any.
func (b *Bot) askConsent(ctx context.Context, r *req, lead string) error {
	text, kb := b.consentNotice(r)
	if lead != "" {
		text = lead + "\n\n" + text
	}
	return r.send(ctx, text, kb)
}

// consentNotice is the privacy notice with its Agree button.
func (b *Bot) consentNotice(r *req) (string, *tgbotapi.InlineKeyboardMarkup) {
	return r.t("consent_notice", b.retentionDays()),
		keyboard(1, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_agree"), callbackData("consent")))
}

// agree records that the presser agreed to the current notice, whatever
// the button says, and greets them.
func (b *Bot) agree(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, _ callback) error {
	if err := r.tx.SetConsent(ctx, r.user.ID, b.cfg.PrivacyVersion, b.now()); err != nil {
		return err
	}
	r.user.ConsentVersion = b.cfg.PrivacyVersion
	if err := r.answer(ctx, q, r.t("consent_saved")); err != nil {
		return err
	}
	// The notice stays in the chat, without its button, the welcome under it.
	var notice string
	if q.Message != nil {
		notice, _ = b.consentNotice(r)
	}
	return b.inPlace(ctx, r, q, notice, r.t("welcome"), nil)
}

// showPrivacy is /privacy: the full text, and the operator's own page
// when PRIVACY_URL is set.
func (b *Bot) showPrivacy(ctx context.Context, r *req) error {
	text := r.t("privacy_full", b.retentionDays())
	if b.cfg.PrivacyURL != "" {
		text += "\n\n" + r.t("privacy_link", Escape(b.cfg.PrivacyURL))
	}
	return r.send(ctx, text, nil)
}

// sendMyData is /mydata: everything kept about the user, as a JSON file.
func (b *Bot) sendMyData(ctx context.Context, r *req) error {
	raw, err := r.tx.PersonalData(ctx, r.user.ID)
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		return err
	}
	return r.tx.Enqueue(ctx, document(r.chat, "my-data.json", pretty.Bytes(), r.t("mydata_caption")))
}

// askForget is /forget, and a moderator's /forget USER for a request
// received elsewhere: both confirmed with a button first.
func (b *Bot) askForget(ctx context.Context, r *req, args string) error {
	who := r.user
	if args = strings.TrimSpace(args); args != "" {
		if !r.user.IsModerator() {
			return r.send(ctx, r.t("moderators_only"), nil)
		}
		u, err := b.findUser(ctx, r, args)
		if err != nil || u == nil {
			return err
		}
		who = u
	}
	id := strconv.FormatInt(who.ID, 10)
	text := r.t("forget_confirm")
	if who.ID != r.user.ID {
		text = fmt.Sprintf("%s (%d)\n\n%s", Escape(displayName(who, r.lang)), who.ID, text)
	}
	return r.send(ctx, text, keyboard(2,
		tgbotapi.NewInlineKeyboardButtonData(r.t("btn_forget_yes"), callbackData("forget", "yes", id)),
		tgbotapi.NewInlineKeyboardButtonData(r.t("btn_forget_no"), callbackData("forget", "no", id))))
}

// forgetButton carries out /forget once confirmed. The button names whom:
// the presser themselves, or anyone for a moderator, as the database says.
func (b *Bot) forgetButton(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(1)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	self := id == r.user.ID
	if !self && !r.user.IsModerator() {
		return r.answer(ctx, q, r.t("not_allowed"))
	}
	done := func(text string) error {
		if err := r.answer(ctx, q, ""); err != nil {
			return err
		}
		if q.Message == nil {
			return r.send(ctx, text, nil)
		}
		return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), text, nil))
	}
	if cb.arg(0) != "yes" {
		return done(r.t("forget_kept"))
	}
	if _, err := r.tx.User(ctx, id); errors.Is(err, storage.ErrNotFound) {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	anon, err := b.forget(ctx, r.tx, id)
	if err != nil {
		return err
	}
	if self {
		return done(r.t("forgotten"))
	}
	if err := r.tx.Audit(ctx, r.user.ID, "forget_user", nil, strconv.FormatInt(anon, 10), ""); err != nil {
		return err
	}
	return done(r.t("mod_forgotten", id))
}

// forget forgets a user (storage.Forget) and takes what showed their data
// out of others' chats: a text becomes a note that it was deleted, a file
// or a picture is deleted, where Telegram still lets the bot.
func (b *Bot) forget(ctx context.Context, tx *storage.Tx, id int64) (int64, error) {
	anon, shown, err := tx.Forget(ctx, id)
	if err != nil {
		return 0, err
	}
	var calls []storage.Call
	for _, m := range shown {
		lang := languageFor(m.Lang, "")
		if m.Text {
			text := T(lang, "deleted_text")
			if m.ProblemID != 0 {
				text = fmt.Sprintf("<b>#%d</b> · %s\n%s", m.ProblemID, T(lang, "deleted_user"), text)
			}
			calls = append(calls, editText(m.ChatID, m.MessageID, text, nil))
		} else {
			calls = append(calls, deleteMessage(m.ChatID, m.MessageID))
		}
	}
	b.log.Info("privacy: user forgotten", "messages_redone", len(calls))
	return anon, tx.Enqueue(ctx, calls...)
}

// retentionDays is how long the technical records of updates are kept,
// in whole days, as the notice says.
func (b *Bot) retentionDays() int {
	return max(1, int(b.cfg.Retention.Hours()/24))
}
