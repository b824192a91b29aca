package bot

// searchTexts are the texts of searching the published answers.
var searchTexts = map[string]map[string]string{
	"cmd_search":   {"kk": "Жауаптардан іздеу", "ru": "Поиск по ответам", "en": "Search the answers"},
	"usage_search": {"kk": "/search тамшылатып суару — жарияланған жауаптардан іздеу", "ru": "/search капельный полив — поиск по опубликованным ответам", "en": "/search drip irrigation searches the published answers"},
	"search_what": {
		"kk": "Не іздейсіз? /search деп жазып, сөздерді қосыңыз, мысалы: /search бидай кептіргіші",
		"ru": "Что ищем? Напишите /search и слова, например: /search капельный полив",
		"en": "What are you looking for? Write /search and the words, for example: /search drip irrigation",
	},
	"search_none": {
		"kk": "🔎 «%s» бойынша жарияланған жауап табылмады. Басқа сөздермен іздеп көріңіз немесе өтініш жазыңыз: /new",
		"ru": "🔎 По запросу «%s» опубликованных ответов не нашлось. Попробуйте другие слова или напишите обращение: /new",
		"en": "🔎 No published answers for “%s”. Try other words, or post a request: /new",
	},
	"search_head":         {"kk": "🔎 «%s»: %d табылды, %d–%d:", "ru": "🔎 «%s»: найдено %d, %d–%d:", "en": "🔎 “%s”: %d found, %d–%d:"},
	"search_head_sectors": {"kk": "🔎 «%s»: саланы таңдаңыз:", "ru": "🔎 «%s»: выберите отрасль:", "en": "🔎 “%s”: choose a sector:"},
	"similar_answered": {
		"kk": "💡 Ұқсас өтініштерге жауап бар — бәлкім, сіздің сұрағыңызға да жауап сонда:",
		"ru": "💡 На похожие обращения уже есть ответы — возможно, ответ на ваш вопрос там:",
		"en": "💡 Similar requests have answers already; perhaps yours is there:",
	},
	"btn_open_in_bot": {"kk": "Боттан ашу", "ru": "Открыть в боте", "en": "Open in the bot"},
	"btn_metoo":       {"kk": "🙋 Менде де осындай", "ru": "🙋 У меня тоже", "en": "🙋 Me too"},
	"metoo_counted":   {"kk": "Есепке алынды: бұл мәселе %d кәсіпкерде бар. Сарапшылар мұны көреді.", "ru": "Учтено: эта проблема есть у предпринимателей: %d. Эксперты это видят.", "en": "Counted: %d entrepreneurs have this problem. The experts see it."},
	"metoo_already":   {"kk": "Сіз мұны бұрын айттыңыз.", "ru": "Вы уже отметили это.", "en": "You have said so already."},
	"metoo_own":       {"kk": "Бұл — өз өтінішіңіз.", "ru": "Это ваше собственное обращение.", "en": "This is your own request."},
	"card_supporters": {"kk": "🙋 Осындай мәселе тағы %d кәсіпкерде бар", "ru": "🙋 Такая же проблема ещё у предпринимателей: %d", "en": "🙋 %d more entrepreneurs have this problem"},
	"search_in":       {"kk": "Сала: %s", "ru": "Отрасль: %s", "en": "Sector: %s"},
	"search_answers":  {"kk": "жауап: %d", "ru": "ответов: %d", "en": "answers: %d"},
	"btn_sectors":     {"kk": "🗂 Сала бойынша", "ru": "🗂 По отрасли", "en": "🗂 By sector"},
	"found_answer":    {"kk": "💬 %s:", "ru": "💬 %s:", "en": "💬 %s:"},
	"found_rec":       {"kk": "Ұсыным: %s", "ru": "Рекомендация: %s", "en": "Recommendation: %s"},
	"found_gone":      {"kk": "Бұл өтініш енді жарияланбайды.", "ru": "Это обращение больше не опубликовано.", "en": "This request is no longer published."},
	"cmd_hide":        {"kk": "Өтінішті іздеуден жасыру", "ru": "Скрыть обращение из поиска", "en": "Keep a request out of search"},
	"cmd_unhide":      {"kk": "Өтінішті іздеуге қайтару", "ru": "Вернуть обращение в поиск", "en": "Let a request back into search"},
	"mod_hidden":      {"kk": "<b>#%d</b> іздеуде көрсетілмейді.", "ru": "<b>#%d</b> скрыто из поиска.", "en": "<b>#%d</b> is kept out of search."},
	"mod_unhidden":    {"kk": "<b>#%d</b> қайтадан іздеуде табылады.", "ru": "<b>#%d</b> снова находится поиском.", "en": "<b>#%d</b> can be found by search again."},
	"audit_hide":      {"kk": "Іздеуден жасыру", "ru": "Скрытие из поиска", "en": "Kept out of search"},
	"audit_unhide":    {"kk": "Іздеуге қайтару", "ru": "Возврат в поиск", "en": "Let back into search"},
}
