package bot

// privacyTexts are the privacy notice, the full text of /privacy, and
// what /mydata and /forget say.
var privacyTexts = map[string]map[string]string{
	"consent_notice": {
		"kk": "<b>Деректеріңіз туралы</b>\n\nБот сіздің Telegram-дағы атыңызды, пайдаланушы атыңызды, тіліңізді, өтініштеріңізді, олардағы хабарламалар мен файлдарды, ал егер көрсетсеңіз — компания атауы мен БСН-ді сақтайды. Бұл сарапшылар сізге жауап беруі және салалық комитеттер саланың өзекті мәселелерін көруі үшін керек.\n\nСарапшылар өтініштеріңізді көреді (атыңызды — рұқсат етсеңіз ғана), модераторлар бәрін көреді. Хабарламаларыңыздың техникалық жазбалары %d күннен кейін өшіріледі; өтініштеріңіз өзіңіз өшіргенше сақталады.\n\n/mydata — бот сіз туралы не сақтайды, /forget — бәрін өшіру, /privacy — толық мәтін.",
		"ru": "<b>О ваших данных</b>\n\nБот хранит ваше имя и имя пользователя в Telegram, язык, ваши обращения, сообщения и файлы в них, а если вы их укажете — название компании и БИН. Это нужно, чтобы эксперты могли вам ответить, а отраслевые комитеты видели актуальные проблемы отрасли.\n\nЭксперты видят ваши обращения (ваше имя — только если вы разрешите), модераторы видят всё. Технические записи ваших сообщений удаляются через %d дней; обращения хранятся, пока вы их не удалите.\n\n/mydata — что бот хранит о вас, /forget — удалить всё, /privacy — полный текст.",
		"en": "<b>About your data</b>\n\nThe bot keeps your Telegram name and username, your language, your requests with their messages and files, and your company's name and BIN if you give them. It needs them so that experts can answer you and the industry committees see the sector's pressing problems.\n\nExperts see your requests (your name only if you allow it); moderators see everything. The technical records of your messages are deleted after %d days; your requests are kept until you delete them.\n\n/mydata — what the bot keeps about you, /forget — delete it all, /privacy — the full text.",
	},
	"btn_agree": {
		"kk": "✅ Келісемін",
		"ru": "✅ Принимаю",
		"en": "✅ I agree",
	},
	"consent_saved": {
		"kk": "Рақмет, келісіміңіз сақталды.",
		"ru": "Спасибо, ваше согласие сохранено.",
		"en": "Thank you, your consent is recorded.",
	},
	"consent_needed": {
		"kk": "Жалғастыру үшін деректеріңіз туралы ескертпені оқып, келісіңіз:",
		"ru": "Чтобы продолжить, прочитайте, пожалуйста, о ваших данных и дайте согласие:",
		"en": "To go on, please read about your data and agree:",
	},
	"privacy_full": {
		"kk": "<b>Дербес деректер туралы</b>\n\n<b>Кім өңдейді.</b> «Атамекен» Қазақстан Республикасының Ұлттық кәсіпкерлер палатасы, технологиялық құзыреттілік орталықтары сарапшыларының желісі үшін, «Дербес деректер және оларды қорғау туралы» Қазақстан Республикасының Заңына (№ 94-V) сәйкес.\n\n<b>Не сақталады.</b> Telegram идентификаторыңыз, атыңыз, пайдаланушы атыңыз және тіліңіз; өтініштеріңіз, олардағы хабарламалар мен файлдар (Telegram-дағы сілтемелері), бағалауларыңыз бен пікірлеріңіз; көрсетсеңіз — компания атауы мен БСН; келісіміңіздің нұсқасы мен уақыты.\n\n<b>Не үшін.</b> Өтінішіңізді сала сарапшыларына жіберу, олардың жауаптарын сізге жеткізу, ұсынымдардың енгізілуін қадағалау және салалық комитеттерге есеп беру (есептерде атыңыз жоқ, тек сандар).\n\n<b>Кім көреді.</b> Өтініштің саласына қызмет ететін сарапшылар — өтінішті және файлдарды (атыңызды рұқсат етсеңіз ғана); модераторлар — бәрін. Деректер ешкімге сатылмайды және берілмейді.\n\n<b>Қанша уақыт.</b> Telegram-нан келген хабарламалардың техникалық жазбалары %d күннен кейін өшіріледі. Өтініштер мен олардың тарихы сіз өшіргенше сақталады. Деректер Қазақстандағы серверде сақталады.\n\n<b>Құқықтарыңыз.</b> /mydata — бот сіз туралы сақтайтынның бәрін файлмен алу; /forget — атыңызды, байланыстарыңызды және өтініштеріңіздің мәтіндерін өшіру (статистика үшін тек жасырын сандар қалады); модераторға хабарласуға болады.",
		"ru": "<b>О персональных данных</b>\n\n<b>Кто обрабатывает.</b> Национальная палата предпринимателей Республики Казахстан «Атамекен» для сети экспертов технологических центров компетенций, в соответствии с Законом Республики Казахстан «О персональных данных и их защите» (№ 94-V).\n\n<b>Что хранится.</b> Ваш идентификатор в Telegram, имя, имя пользователя и язык; ваши обращения, сообщения и файлы в них (ссылки на них в Telegram), ваши оценки и комментарии; если вы их укажете — название компании и БИН; версия и время вашего согласия.\n\n<b>Зачем.</b> Чтобы передать обращение экспертам отрасли, доставить вам их ответы, следить за внедрением рекомендаций и отчитываться перед отраслевыми комитетами (в отчётах нет имён, только числа).\n\n<b>Кто видит.</b> Эксперты центров, обслуживающих отрасль обращения, — обращение и файлы (ваше имя — только если вы разрешили); модераторы — всё. Данные никому не продаются и не передаются.\n\n<b>Сколько хранится.</b> Технические записи сообщений, пришедших из Telegram, удаляются через %d дней. Обращения и их история хранятся, пока вы их не удалите. Данные хранятся на сервере в Казахстане.\n\n<b>Ваши права.</b> /mydata — получить файлом всё, что бот хранит о вас; /forget — удалить ваше имя, контакты и тексты ваших обращений (для статистики останутся только обезличенные числа); можно обратиться к модератору.",
		"en": "<b>About personal data</b>\n\n<b>Who processes it.</b> Atameken, the National Chamber of Entrepreneurs of the Republic of Kazakhstan, for the expert network of the technological competence centres, under the Law of the Republic of Kazakhstan “On personal data and their protection” (No. 94-V).\n\n<b>What is kept.</b> Your Telegram id, name, username and language; your requests with their messages and files (Telegram's references to them), your ratings and comments; your company's name and BIN if you give them; the version and time of your consent.\n\n<b>Why.</b> To pass your request to the sector's experts, bring you their answers, follow whether recommendations are implemented, and report to the industry committees (reports hold no names, only numbers).\n\n<b>Who sees it.</b> The experts of the centres serving the request's sector see the request and its files (your name only if you allowed it); moderators see everything. The data is not sold or given to anyone.\n\n<b>For how long.</b> The technical records of messages from Telegram are deleted after %d days. Requests and their history are kept until you delete them. The data is kept on a server in Kazakhstan.\n\n<b>Your rights.</b> /mydata — get everything the bot keeps about you as a file; /forget — delete your name, contacts and the texts of your requests (only anonymous numbers stay, for statistics); you can also write to a moderator.",
	},
	"privacy_link": {
		"kk": "Толық мәтін: %s",
		"ru": "Полный текст: %s",
		"en": "The full text: %s",
	},
	"mydata_caption": {
		"kk": "Бот сіз туралы сақтайтынның бәрі.",
		"ru": "Всё, что бот хранит о вас.",
		"en": "Everything the bot keeps about you.",
	},
	"forget_confirm": {
		"kk": "Барлық деректеріңізді өшірейік пе? Атыңыз, пайдаланушы атыңыз, компанияңыз бен БСН, өтініштеріңіз бен хабарламаларыңыздың мәтіндері мен файлдары өшіріледі; сарапшылар мен модераторлар «өшірілген пайдаланушыны» көреді. Мұны қайтару мүмкін емес.",
		"ru": "Удалить все ваши данные? Будут удалены ваше имя, имя пользователя, компания и БИН, тексты и файлы ваших обращений и сообщений; эксперты и модераторы увидят «удалённого пользователя». Отменить это нельзя.",
		"en": "Delete all your data? Your name, username, company and BIN, and the texts and files of your requests and messages will be deleted; experts and moderators will see a deleted user. This cannot be undone.",
	},
	"btn_forget_yes": {
		"kk": "🗑 Иә, өшіру",
		"ru": "🗑 Да, удалить",
		"en": "🗑 Yes, delete",
	},
	"btn_forget_no": {
		"kk": "Жоқ, қалдыру",
		"ru": "Нет, оставить",
		"en": "No, keep it",
	},
	"forgotten": {
		"kk": "Деректеріңіз өшірілді. Қайта жазсаңыз, бот сізді жаңа пайдаланушы ретінде қарсы алады.",
		"ru": "Ваши данные удалены. Если вы напишете снова, бот встретит вас как нового пользователя.",
		"en": "Your data is deleted. If you write again, the bot will greet you as a new user.",
	},
	"forget_kept": {
		"kk": "Жарайды, ештеңе өшірілмеді.",
		"ru": "Хорошо, ничего не удалено.",
		"en": "All right, nothing is deleted.",
	},
	"mod_forgotten": {
		"kk": "%d пайдаланушысының деректері өшірілді.",
		"ru": "Данные пользователя %d удалены.",
		"en": "The data of user %d is deleted.",
	},
	"deleted_user": {
		"kk": "өшірілген пайдаланушы",
		"ru": "удалённый пользователь",
		"en": "deleted user",
	},
	"deleted_text": {
		"kk": "(пайдаланушының өтініші бойынша өшірілді)",
		"ru": "(удалено по просьбе пользователя)",
		"en": "(deleted at the user's request)",
	},
	"cmd_privacy": {
		"kk": "Деректеріңіз туралы",
		"ru": "О ваших данных",
		"en": "About your data",
	},
	"cmd_mydata": {
		"kk": "Бот сіз туралы не сақтайды",
		"ru": "Что бот хранит о вас",
		"en": "What the bot keeps about you",
	},
	"cmd_forget": {
		"kk": "Деректеріңізді өшіру",
		"ru": "Удалить ваши данные",
		"en": "Delete your data",
	},
}
