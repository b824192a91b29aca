package bot

// catalogueTexts are the texts of the catalogue of partners, technologies
// and standards the experts recommend.
var catalogueTexts = map[string]map[string]string{
	"cmd_partners":     {"kk": "Ұсынылған халықаралық серіктестер", "ru": "Рекомендованные международные партнёры", "en": "International partners recommended"},
	"cmd_technologies": {"kk": "Ұсынылған технологиялар мен шешімдер", "ru": "Рекомендованные технологии и решения", "en": "Technologies and solutions recommended"},
	"cmd_standards":    {"kk": "Ұсынылған нормативтік құжаттар мен стандарттар", "ru": "Рекомендованные нормативные документы и стандарты", "en": "Regulations and standards recommended"},
	"cat_ask_partner": {
		"kk": "Қай серіктес? Компанияны, елін және сайтын үтір арқылы жазыңыз, мысалы: Bühler AG, Швейцария, buhlergroup.com",
		"ru": "Какой партнёр? Напишите компанию, страну и сайт через запятую, например: Bühler AG, Швейцария, buhlergroup.com",
		"en": "Which partner? Write the company, its country and site, separated by commas, for example: Bühler AG, Switzerland, buhlergroup.com",
	},
	"cat_ask_technology": {
		"kk": "Қай технология немесе шешім? Атауын жазыңыз, мысалы: тамшылатып суару",
		"ru": "Какая технология или решение? Напишите название, например: капельное орошение",
		"en": "Which technology or solution? Write its name, for example: drip irrigation",
	},
	"cat_ask_standard": {
		"kk": "Қай нормативтік құжат немесе стандарт? Кодын және атауын жазыңыз, мысалы: ҚР СТ 1234-2020 Астық кептіргіштер",
		"ru": "Какой нормативный документ или стандарт? Напишите код и название, например: СТ РК 1234-2020 Зерносушилки",
		"en": "Which regulation or standard? Write its code and title, for example: ISO 17025 Testing laboratories",
	},
	"cat_same": {
		"kk": "Каталогта ұқсас жазба бар. «%s» — солардың бірі ме?",
		"ru": "В каталоге есть похожие. «%s» — одно из них?",
		"en": "The catalogue has similar ones. Is “%s” one of them?",
	},
	"btn_cat_new":     {"kk": "➕ Жоқ, жаңасы", "ru": "➕ Нет, новое", "en": "➕ No, a new one"},
	"cat_linked":      {"kk": "✅ Каталогқа жазылды: %s. Тізім: %s", "ru": "✅ Записано в каталог: %s. Список: %s", "en": "✅ In the catalogue: %s. The list: %s"},
	"cat_all_sectors": {"kk": "барлық салалар", "ru": "все отрасли", "en": "all sectors"},
	"cat_title_partner": {
		"kk": "🤝 Сарапшылар ұсынған халықаралық серіктестер (%s):",
		"ru": "🤝 Международные партнёры, которых рекомендовали эксперты (%s):",
		"en": "🤝 International partners the experts recommended (%s):",
	},
	"cat_title_technology": {
		"kk": "⚙️ Сарапшылар ұсынған технологиялар мен шешімдер (%s):",
		"ru": "⚙️ Технологии и решения, которые рекомендовали эксперты (%s):",
		"en": "⚙️ Technologies and solutions the experts recommended (%s):",
	},
	"cat_title_standard": {
		"kk": "📜 Сарапшылар ұсынған нормативтік құжаттар мен техникалық стандарттар (%s):",
		"ru": "📜 Нормативные документы и технические стандарты, которые рекомендовали эксперты (%s):",
		"en": "📜 Regulations and technical standards the experts recommended (%s):",
	},
	"cat_empty": {"kk": "Әзірге ештеңе жоқ.", "ru": "Пока ничего нет.", "en": "Nothing yet."},
	"cat_line": {
		"kk": "Өтініштер: %d (%s) · енгізілді: %d, енгізілуде: %d, енгізілмеді: %d",
		"ru": "Обращений: %d (%s) · внедрено: %d, внедряется: %d, не внедрено: %d",
		"en": "Requests: %d (%s) · implemented: %d, in progress: %d, not implemented: %d",
	},
}
