package bot

import (
	"context"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// readsIn is the languages an expert reads requests in: as they said with
// /languages, else the bot's language they chose and their Telegram app's.
func readsIn(u *storage.User) []string {
	if u.Languages != "" {
		return strings.Fields(u.Languages)
	}
	langs := []string{UserLang(u)}
	app, _, _ := strings.Cut(strings.ToLower(u.TelegramLanguage), "-")
	if _, ok := languageNames[app]; ok && app != langs[0] {
		langs = append(langs, app)
	}
	return langs
}

// firstReaders narrows the experts a request goes to first to those who
// read its language; all of them when none does or its language is not
// known. The rest get it when nobody took it in time.
func firstReaders(experts []storage.User, lang string) []storage.User {
	if lang == "" {
		return experts
	}
	var readers []storage.User
	for _, e := range experts {
		if slices.Contains(readsIn(&e), lang) {
			readers = append(readers, e)
		}
	}
	if len(readers) == 0 {
		return experts
	}
	return readers
}

// languageName is a language's name in another language, "—" if unknown.
func languageName(code, lang string) string {
	if _, ok := languageNames[code]; !ok {
		return "—"
	}
	return T(lang, "langname_"+code)
}

// showLanguages is /languages: the languages an expert reads requests in,
// each a button that adds or removes it.
func (b *Bot) showLanguages(ctx context.Context, r *req, _ string) error {
	text, kb := readerLanguages(r)
	return r.send(ctx, text, kb)
}

func readerLanguages(r *req) (string, *tgbotapi.InlineKeyboardMarkup) {
	langs := readsIn(r.user)
	var names []string
	for _, code := range Languages {
		if slices.Contains(langs, code) {
			names = append(names, languageName(code, r.lang))
		}
	}
	return r.t("reads_in", strings.Join(names, ", ")), languageButtons("reads", func(code string) bool { return slices.Contains(langs, code) })
}

// toggleLanguage adds a language to those an expert reads, or removes it;
// one at least stays.
func (b *Bot) toggleLanguage(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	code := cb.arg(0)
	if _, ok := languageNames[code]; !ok {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	langs := readsIn(r.user)
	if i := slices.Index(langs, code); i >= 0 {
		if len(langs) == 1 {
			return r.answer(ctx, q, r.t("reads_one_at_least"))
		}
		langs = slices.Delete(langs, i, i+1)
	} else {
		langs = append(langs, code)
	}
	// In the order of the menu, so that the text reads the same each time.
	slices.SortFunc(langs, func(a, b string) int { return slices.Index(Languages, a) - slices.Index(Languages, b) })
	if err := r.tx.SetLanguages(ctx, r.user.ID, langs); err != nil {
		return err
	}
	r.user.Languages = strings.Join(langs, " ")
	if err := r.answer(ctx, q, ""); err != nil || q.Message == nil {
		return err
	}
	text, kb := readerLanguages(r)
	return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), text, kb))
}
