package bot

// consoleTexts are the texts of the web console and of /web.
var consoleTexts = map[string]map[string]string{
	"cmd_web":  {"kk": "Веб-консольге кіру сілтемесі", "ru": "Ссылка для входа в веб-консоль", "en": "A link to sign in to the web console"},
	"web_link": {"kk": "🔐 Консольге кіру сілтемеңіз (10 минут жарамды, бір рет қана ашылады):\n%s", "ru": "🔐 Ваша ссылка для входа в консоль (действует 10 минут, открывается один раз):\n%s", "en": "🔐 Your link to the console (valid for 10 minutes, opens once):\n%s"},
	"web_off":  {"kk": "Веб-консоль бапталмаған (CONSOLE_URL).", "ru": "Веб-консоль не настроена (CONSOLE_URL).", "en": "The web console is not set up (CONSOLE_URL)."},

	"console_title":        {"kk": "Сарапшылар желісі — консоль", "ru": "Сеть экспертов — консоль", "en": "Expert network console"},
	"console_signin":       {"kk": "Кіру үшін Telegram-дағы ботқа /web деп жазыңыз: ол 10 минут жарамды сілтеме жібереді.", "ru": "Чтобы войти, напишите боту в Telegram /web: он пришлёт ссылку, которая действует 10 минут.", "en": "To sign in, send /web to the bot in Telegram: it sends a link valid for 10 minutes."},
	"console_link_bad":     {"kk": "Бұл сілтеме пайдаланылған немесе мерзімі өткен.", "ru": "Эта ссылка уже использована или устарела.", "en": "This link has been used or is out of date."},
	"console_signed_out":   {"kk": "Сіз консольден шықтыңыз.", "ru": "Вы вышли из консоли.", "en": "You have signed out."},
	"console_signed_in":    {"kk": "Кірдіңіз.", "ru": "Вход выполнен.", "en": "Signed in."},
	"console_continue":     {"kk": "Консольді ашу", "ru": "Открыть консоль", "en": "Open the console"},
	"console_logout":       {"kk": "Шығу", "ru": "Выйти", "en": "Sign out"},
	"console_forbidden":    {"kk": "Бұл бет модераторларға арналған.", "ru": "Эта страница — для модераторов.", "en": "This page is for moderators."},
	"console_notfound":     {"kk": "Мұндай бет жоқ.", "ru": "Такой страницы нет.", "en": "There is no such page."},
	"console_queue_title":  {"kk": "Модерацияда: %d", "ru": "На модерации: %d", "en": "Awaiting moderation: %d"},
	"console_queue_empty":  {"kk": "Модерация күтіп тұрған өтініш жоқ.", "ru": "Обращений на модерации нет.", "en": "No request is awaiting moderation."},
	"console_col_received": {"kk": "Түсті", "ru": "Поступило", "en": "Received"},
	"console_col_sector":   {"kk": "Сала", "ru": "Отрасль", "en": "Sector"},
	"console_col_title":    {"kk": "Атауы", "ru": "Название", "en": "Title"},
	"console_col_author":   {"kk": "Авторы", "ru": "Автор", "en": "Author"},
}
