package bot

// noteTexts are the texts of trend notes and of subscribing to them.
var noteTexts = map[string]map[string]string{
	"cmd_note":      {"kk": "Сала үшін үрдіс туралы жазба жазу", "ru": "Написать заметку о тренде для отрасли", "en": "Write a trend note for a sector"},
	"cmd_subscribe": {"kk": "Сала жазбаларына жазылу", "ru": "Подписка на заметки отраслей", "en": "Subscribe to sectors' notes"},
	"note_sector":   {"kk": "Жазба қай салаға арналған?", "ru": "Для какой отрасли заметка?", "en": "Which sector is the note for?"},
	"note_write": {
		"kk": "«%s» саласына жазба: технология, стандарт немесе нарықтағы үрдіс туралы. Бір хабарламамен жазыңыз; сипаттамасы бар фото немесе құжат та болады. Модератор мақұлдаған соң ол саланың жазылушы кәсіпкерлеріне жетеді. /cancel — тоқтату.",
		"ru": "Заметка для отрасли «%s»: о технологии, стандарте или тренде рынка. Напишите одним сообщением; можно фото или документ с подписью. После одобрения модератором её получат предприниматели, подписанные на отрасль. /cancel — отменить.",
		"en": "A note for the “%s” sector: on a technology, a standard or a market trend. Write it in one message; a photo or a document with a caption will do too. Once a moderator approves it, the entrepreneurs subscribed to the sector receive it. /cancel stops.",
	},
	"note_need_text": {
		"kk": "Жазбаның мәтіні керек: мәтін жазыңыз немесе файлға сипаттама қосыңыз.",
		"ru": "Нужен текст заметки: напишите текст или добавьте подпись к файлу.",
		"en": "The note needs text: write it, or add a caption to the file.",
	},
	"note_sent": {
		"kk": "✅ #%d жазба модераторларға жіберілді. Мақұлданған соң жазылушыларға жетеді.",
		"ru": "✅ Заметка #%d отправлена модераторам. После одобрения её получат подписчики.",
		"en": "✅ Note #%d has gone to the moderators. Once approved, the subscribers receive it.",
	},
	"note_card": {
		"kk": "📰 Үрдіс туралы жазба #%d · %s\nАвторы: %s\n\n%s",
		"ru": "📰 Заметка о тренде #%d · %s\nАвтор: %s\n\n%s",
		"en": "📰 Trend note #%d · %s\nFrom: %s\n\n%s",
	},
	"note_decided":         {"kk": "#%d жазба бойынша шешім қабылданған.", "ru": "По заметке #%d уже есть решение.", "en": "Note #%d has been decided on already."},
	"note_approved_by":     {"kk": "✅ Мақұлдады: %s · жазылушыларға: %d", "ru": "✅ Одобрено: %s · подписчикам: %d", "en": "✅ Approved by %s · to subscribers: %d"},
	"note_rejected_by":     {"kk": "❌ Қабылданбады: %s", "ru": "❌ Отклонено: %s", "en": "❌ Rejected by %s"},
	"note_approved_author": {"kk": "✅ #%d жазбаңыз мақұлданды, ол %d жазылушыға жіберіледі.", "ru": "✅ Ваша заметка #%d одобрена, её получат подписчики: %d.", "en": "✅ Your note #%d is approved and goes to %d subscribers."},
	"note_rejected_author": {"kk": "#%d жазбаңызды модератор қабылдамады.", "ru": "Вашу заметку #%d модератор отклонил.", "en": "A moderator rejected your note #%d."},
	"note_head":            {"kk": "📰 <b>%s</b>: үрдіс туралы жазба\nАвторы: %s", "ru": "📰 <b>%s</b>: заметка о тренде\nАвтор: %s", "en": "📰 <b>%s</b>: a trend note\nFrom: %s"},
	"btn_unsubscribe":      {"kk": "🔕 Жазылудан бас тарту: %s", "ru": "🔕 Отписаться: %s", "en": "🔕 Unsubscribe: %s"},
	"btn_subscribe":        {"kk": "🔔 «%s» жазбаларына жазылу", "ru": "🔔 Подписаться на заметки: %s", "en": "🔔 Subscribe to notes: %s"},
	"subscribed":           {"kk": "🔔 «%s» жазбалары сізге келеді.", "ru": "🔔 Заметки отрасли «%s» будут приходить вам.", "en": "🔔 Notes on “%s” will come to you."},
	"unsubscribed":         {"kk": "🔕 «%s» жазбалары енді келмейді.", "ru": "🔕 Заметки отрасли «%s» больше не придут.", "en": "🔕 No more notes on “%s”."},
	"audit_note_approved":  {"kk": "Жазба мақұлданды", "ru": "Заметка одобрена", "en": "Note approved"},
	"audit_note_rejected":  {"kk": "Жазба қабылданбады", "ru": "Заметка отклонена", "en": "Note rejected"},
	"subscribe_text": {
		"kk": "Сарапшылардың технологиялар, стандарттар және үрдістер туралы жазбалары сіз таңдаған салалар бойынша осында келеді. Жазылу немесе бас тарту үшін саланы басыңыз (✅ — жазылғансыз):",
		"ru": "Заметки экспертов о технологиях, стандартах и трендах выбранных вами отраслей приходят сюда. Нажмите отрасль, чтобы подписаться или отписаться (✅ — вы подписаны):",
		"en": "The experts' notes on technologies, standards and trends of the sectors you choose come here. Press a sector to subscribe or unsubscribe (✅: subscribed):",
	},
}
