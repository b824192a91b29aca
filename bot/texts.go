package bot

import (
	"fmt"
	"strings"

	"github.com/atameken/expertbot/storage"
)

// Languages the bot speaks, in the order it offers them.
var Languages = []string{"kk", "ru", "en"}

// languageNames are the languages as their speakers name them.
var languageNames = map[string]string{"kk": "Қазақша", "ru": "Русский", "en": "English"}

// defaultLanguage is used until a user chooses and when Telegram's
// language_code is none of ours: most users in Kazakhstan read Russian.
const defaultLanguage = "ru"

// texts holds every text the bot shows, by key and language. Values are
// HTML (parse_mode=HTML) with fmt verbs; arguments that come from users
// must be escaped by the caller. A test checks that every key has every
// language with the same verbs.
var texts = mergeTexts(baseTexts, problemTexts, expertTexts, moderationTexts, privacyTexts, searchTexts, noteTexts, catalogueTexts, consoleTexts)

func mergeTexts(sets ...map[string]map[string]string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, set := range sets {
		for k, v := range set {
			if _, dup := out[k]; dup {
				panic("bot: text " + k + " defined twice")
			}
			out[k] = v
		}
	}
	return out
}

var baseTexts = map[string]map[string]string{
	"choose_language": {
		"kk": "Тілді таңдаңыз:",
		"ru": "Выберите язык:",
		"en": "Choose your language:",
	},
	"language_set": {
		"kk": "Тіл: қазақша.",
		"ru": "Язык: русский.",
		"en": "Language: English.",
	},
	"welcome": {
		"kk": "Сәлеметсіз бе! Бұл — «Атамекен» Ұлттық кәсіпкерлер палатасының технологиялық құзыреттілік орталықтары сарапшыларының желісі. Мұнда салаңыздың өзекті технологиялық мәселесін жазып, сарапшылардан жауап ала аласыз.\n\n/new — жаңа өтініш жазу, /help — барлық командалар.",
		"ru": "Здравствуйте! Это сеть экспертов технологических центров компетенций Национальной палаты предпринимателей «Атамекен». Здесь можно описать актуальную технологическую проблему вашей отрасли и получить ответы экспертов.\n\n/new — написать обращение, /help — все команды.",
		"en": "Hello! This is the expert network of the technological competence centres of Atameken, the National Chamber of Entrepreneurs of Kazakhstan. Here you can describe a pressing technological problem of your industry and get answers from experts.\n\n/new — post a request, /help — all commands.",
	},
	"help_title": {
		"kk": "<b>Командалар</b>",
		"ru": "<b>Команды</b>",
		"en": "<b>Commands</b>",
	},
	"use_buttons": {
		"kk": "Төмендегі батырмалардың бірін басыңыз.",
		"ru": "Пожалуйста, нажмите одну из кнопок ниже.",
		"en": "Please press one of the buttons below.",
	},
	"unknown": {
		"kk": "Кешіріңіз, түсінбедім. Өтініш жазу үшін /new басыңыз.",
		"ru": "Извините, не удалось понять сообщение. Чтобы написать обращение, нажмите /new.",
		"en": "Sorry, I did not understand that. To post a request, send /new.",
	},
	"error": {
		"kk": "Кешіріңіз, бізде қате шықты. Бір минуттан кейін қайталап көріңіз.",
		"ru": "Извините, у нас произошла ошибка. Попробуйте ещё раз через минуту.",
		"en": "Sorry, something went wrong on our side. Please try again in a minute.",
	},
	"button_expired": {
		"kk": "Бұл батырма енді жарамсыз.",
		"ru": "Эта кнопка больше не действует.",
		"en": "This button is no longer valid.",
	},
	"moderators_only": {
		"kk": "Бұл команда тек модераторларға арналған.",
		"ru": "Эта команда только для модераторов.",
		"en": "This command is for moderators only.",
	},
	"parked_none": {
		"kk": "Өңделмеген жаңартулар жоқ.",
		"ru": "Необработанных обновлений нет.",
		"en": "No updates are parked.",
	},
	"parked_title": {
		"kk": "<b>Өңделмеген жаңартулар</b> (соңғылары):",
		"ru": "<b>Необработанные обновления</b> (последние):",
		"en": "<b>Parked updates</b> (latest first):",
	},
	"parked_item": {
		"kk": "#%d · %s · чат %d · %d рет · %s\n<code>%s</code>",
		"ru": "#%d · %s · чат %d · попыток: %d · %s\n<code>%s</code>",
		"en": "#%d · %s · chat %d · %d attempts · %s\n<code>%s</code>",
	},
	"cmd_start": {
		"kk": "Бастау",
		"ru": "Начать",
		"en": "Start",
	},
	"cmd_help": {
		"kk": "Анықтама",
		"ru": "Справка",
		"en": "Help",
	},
	"cmd_language": {
		"kk": "Тілді ауыстыру",
		"ru": "Сменить язык",
		"en": "Change the language",
	},
	"cmd_parked": {
		"kk": "Өңделмеген жаңартулар",
		"ru": "Необработанные обновления",
		"en": "Updates that could not be handled",
	},
}

// T returns the text for key in lang, formatted with args. A key or
// language that does not exist is a programming error that the texts test
// catches; at run time it falls back to the default language and then to
// the key itself, so a user is never shown nothing.
func T(lang, key string, args ...any) string {
	byLang := texts[key]
	s, ok := byLang[lang]
	if !ok {
		s, ok = byLang[defaultLanguage]
	}
	if !ok {
		s = key
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// languageFor picks the language to speak to a user: theirs if they chose
// one, else the one their Telegram app uses if we speak it.
func languageFor(chosen, telegram string) string {
	if chosen != "" {
		return chosen
	}
	code, _, _ := strings.Cut(strings.ToLower(telegram), "-")
	if _, ok := languageNames[code]; ok {
		return code
	}
	return defaultLanguage
}

// userLang is the language to speak to a user in.
func UserLang(u *storage.User) string { return languageFor(u.Language, u.TelegramLanguage) }
