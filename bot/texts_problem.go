package bot

// problemTexts are the texts of posting a problem and following it.
var problemTexts = map[string]map[string]string{
	"new_kind": {
		"kk": "Жаңа өтініш. Түрін таңдаңыз:",
		"ru": "Новое обращение. Выберите вид:",
		"en": "New request. Choose its kind:",
	},
	"kind_problem": {
		"kk": "Технологиялық мәселе",
		"ru": "Технологическая проблема",
		"en": "Technological problem",
	},
	"kind_appraisal": {
		"kk": "Жобаны сараптау",
		"ru": "Экспертиза проекта",
		"en": "Project appraisal",
	},
	"new_sector_guess": {
		"kk": "Сипаттамаңызға қарағанда, мыналардың бірі болуы мүмкін:",
		"ru": "Судя по описанию, это может быть одна из этих:",
		"en": "From your description it may be one of these:",
	},
	"btn_other_sectors": {"kk": "🗂 Басқа сала", "ru": "🗂 Другая отрасль", "en": "🗂 Another sector"},
	"new_sector": {
		"kk": "Салаңызды таңдаңыз:",
		"ru": "Выберите отрасль:",
		"en": "Choose the industry sector:",
	},
	"new_region": {
		"kk": "Өңірді таңдаңыз:",
		"ru": "Выберите регион:",
		"en": "Choose the region:",
	},
	"new_title": {
		"kk": "Мәселенің атауын бірнеше сөзбен жазыңыз (%d таңбаға дейін):",
		"ru": "Напишите заголовок проблемы в нескольких словах (до %d символов):",
		"en": "Write a title of a few words for the problem (up to %d characters):",
	},
	"new_body": {
		"kk": "Мәселені толық сипаттаңыз: не болып жатыр, не істеп көрдіңіз, қандай нәтиже керек (%d таңбаға дейін).",
		"ru": "Опишите проблему подробно: что происходит, что уже пробовали, какой нужен результат (до %d символов).",
		"en": "Describe the problem in full: what happens, what you have tried, what result you need (up to %d characters).",
	},
	"new_files": {
		"kk": "Фото, видео, құжат немесе дауыстық хабарлама жіберіңіз (%d файлға дейін, альбоммен де жіберуге болады). Болған соң «Дайын» батырмасын басыңыз.",
		"ru": "Пришлите фото, видео, документы или голосовые сообщения (до %d, можно альбомом). Когда закончите, нажмите «Готово».",
		"en": "Send photos, videos, documents or voice messages (up to %d, an album is fine). Press Done when you have finished.",
	},
	"new_file_added": {
		"kk": "Қосылды: %d файл. Тағы жіберіңіз немесе «Дайын» басыңыз.",
		"ru": "Добавлено файлов: %d. Пришлите ещё или нажмите «Готово».",
		"en": "Files added: %d. Send more or press Done.",
	},
	"new_company_again": {
		"kk": "Компанияңыздың атауы (міндетті емес). Алдыңғы өтініштегідей болса, батырманы басыңыз:",
		"ru": "Название вашей компании (необязательно). Если как в прошлом обращении, нажмите кнопку:",
		"en": "Your company's name (optional). If it is as in your last request, press the button:",
	},
	"bin_short": {
		"kk": "БСН",
		"ru": "БИН",
		"en": "BIN",
	},
	"err_title_words": {
		"kk": "Атауы бірнеше сөзбен мәселенің не екенін айтсын, мысалы: «Бидай алқабында топырақ ылғалы тез азаяды».",
		"ru": "Заголовок должен в нескольких словах сказать, в чём проблема, например: «Быстро падает влажность почвы на пшеничном поле».",
		"en": "Please say in a few words what the problem is, for example: “Soil moisture drops fast in wheat fields”.",
	},
	"new_company": {
		"kk": "Компанияңыздың атауы (міндетті емес):",
		"ru": "Название вашей компании (необязательно):",
		"en": "Your company's name (optional):",
	},
	"new_bin": {
		"kk": "Компанияның БСН-і (12 цифр, міндетті емес):",
		"ru": "БИН компании (12 цифр, необязательно):",
		"en": "The company's BIN (12 digits, optional):",
	},
	"new_anonymous": {
		"kk": "Сарапшыларға атыңызды көрсетейік пе? Модераторлар әрқашан көреді.",
		"ru": "Показывать экспертам ваше имя? Модераторы видят его всегда.",
		"en": "Show your name to the experts? Moderators always see it.",
	},
	"anon_no": {
		"kk": "Иә, көрсету",
		"ru": "Да, показывать",
		"en": "Yes, show it",
	},
	"anon_yes": {
		"kk": "Жоқ, жасырын болсын",
		"ru": "Нет, анонимно",
		"en": "No, stay anonymous",
	},
	"btn_done": {
		"kk": "Дайын",
		"ru": "Готово",
		"en": "Done",
	},
	"btn_skip": {
		"kk": "Өткізу",
		"ru": "Пропустить",
		"en": "Skip",
	},
	"btn_submit": {
		"kk": "✅ Жіберу",
		"ru": "✅ Отправить",
		"en": "✅ Submit",
	},
	"btn_edit": {
		"kk": "✏️ Өзгерту",
		"ru": "✏️ Изменить",
		"en": "✏️ Edit",
	},
	"btn_cancel": {
		"kk": "✖️ Болдырмау",
		"ru": "✖️ Отменить",
		"en": "✖️ Cancel",
	},
	"anon_files_summary": {
		"kk": "⚠️ Сарапшылар файлдарыңызды көреді: файл атауы мен құжаттың ішіндегі деректер сізді көрсетуі мүмкін.",
		"ru": "⚠️ Эксперты увидят ваши файлы: имя файла и данные внутри документа могут вас раскрыть.",
		"en": "⚠️ Experts will see your files: their names and the data inside documents may reveal who you are.",
	},
	"summary": {
		"kk": "<b>Тексеріңіз</b>\n\nТүрі: %s\nСала: %s\nӨңір: %s\nАтауы: <b>%s</b>\nСипаттама:\n%s\n\nФайлдар: %d\nКомпания: %s\nБСН: %s\nСарапшыларға атыңыз: %s",
		"ru": "<b>Проверьте</b>\n\nВид: %s\nОтрасль: %s\nРегион: %s\nЗаголовок: <b>%s</b>\nОписание:\n%s\n\nФайлов: %d\nКомпания: %s\nБИН: %s\nИмя экспертам: %s",
		"en": "<b>Please check</b>\n\nKind: %s\nSector: %s\nRegion: %s\nTitle: <b>%s</b>\nDescription:\n%s\n\nFiles: %d\nCompany: %s\nBIN: %s\nName shown to experts: %s",
	},
	"none": {
		"kk": "—",
		"ru": "—",
		"en": "—",
	},
	"no_data": {
		"kk": "— (дерек жоқ)",
		"ru": "— (нет данных)",
		"en": "— (no data)",
	},
	"shown": {
		"kk": "көрсетіледі",
		"ru": "показывается",
		"en": "shown",
	},
	"hidden": {
		"kk": "жасырылады",
		"ru": "скрыто",
		"en": "hidden",
	},
	"edit_which": {
		"kk": "Нені өзгертеміз?",
		"ru": "Что изменить?",
		"en": "What would you like to change?",
	},
	"field_kind": {
		"kk": "Түрі",
		"ru": "Вид",
		"en": "Kind",
	},
	"field_sector": {
		"kk": "Сала",
		"ru": "Отрасль",
		"en": "Sector",
	},
	"field_region": {
		"kk": "Өңір",
		"ru": "Регион",
		"en": "Region",
	},
	"field_title": {
		"kk": "Атауы",
		"ru": "Заголовок",
		"en": "Title",
	},
	"field_body": {
		"kk": "Сипаттама",
		"ru": "Описание",
		"en": "Description",
	},
	"field_files": {
		"kk": "Файлдар",
		"ru": "Файлы",
		"en": "Files",
	},
	"field_company": {
		"kk": "Компания мен БСН",
		"ru": "Компания и БИН",
		"en": "Company and BIN",
	},
	"field_anonymous": {
		"kk": "Аты көрсетілуі",
		"ru": "Показ имени",
		"en": "Name shown",
	},
	"cancelled": {
		"kk": "Өтініш жазу тоқтатылды. /new — жаңа өтініш.",
		"ru": "Создание обращения отменено. /new — новое обращение.",
		"en": "Cancelled. /new starts a new request.",
	},
	"nothing_to_cancel": {
		"kk": "Болдырмайтын ештеңе жоқ.",
		"ru": "Отменять нечего.",
		"en": "There is nothing to cancel.",
	},
	"err_need_text": {
		"kk": "Мұнда мәтін керек. Қайталап көріңіз.",
		"ru": "Здесь нужен текст. Попробуйте ещё раз.",
		"en": "I need text here. Please try again.",
	},
	"err_too_short": {
		"kk": "Тым қысқа: кемінде %d таңба керек.",
		"ru": "Слишком коротко: нужно хотя бы %d символов.",
		"en": "Too short: at least %d characters, please.",
	},
	"err_too_long": {
		"kk": "Тым ұзын: %d таңба, ең көбі %d.",
		"ru": "Слишком длинно: %d символов, можно не больше %d.",
		"en": "Too long: %d characters, at most %d.",
	},
	"err_files_only": {
		"kk": "Мұнда фото, видео, құжат және дауыстық хабарлама қабылданады. Болған соң «Дайын» басыңыз.",
		"ru": "Здесь принимаются фото, видео, документы и голосовые сообщения. Когда закончите, нажмите «Готово».",
		"en": "Photos, videos, documents and voice messages are taken here. Press Done when you have finished.",
	},
	"err_too_many_files": {
		"kk": "Ең көбі %d файл. Артығы қосылмады.",
		"ru": "Не больше %d файлов. Лишние не добавлены.",
		"en": "At most %d files. The extra ones were not added.",
	},
	"err_bin": {
		"kk": "Бұл БСН жарамсыз: %s. 12 цифрды тексеріп, қайта жіберіңіз немесе «Өткізу» басыңыз.",
		"ru": "Этот БИН неверен: %s. Проверьте 12 цифр и пришлите снова или нажмите «Пропустить».",
		"en": "This BIN is not valid: %s. Check the 12 digits and send it again, or press Skip.",
	},
	"bin_not_12": {
		"kk": "12 цифр болуы керек",
		"ru": "должно быть 12 цифр",
		"en": "it must be 12 digits",
	},
	"bin_check": {
		"kk": "бақылау цифры сәйкес келмейді",
		"ru": "не сходится контрольная цифра",
		"en": "the check digit does not match",
	},
	"submitted_moderation": {
		"kk": "Өтініш <b>#%d</b> жіберілді. Модератор тексерген соң ол сарапшыларға жетеді.",
		"ru": "Обращение <b>#%d</b> отправлено. После проверки модератором оно уйдёт экспертам.",
		"en": "Request <b>#%d</b> is submitted. A moderator will check it, then it goes to the experts.",
	},
	"routed": {
		"kk": "Өтініш <b>#%d</b> %d сарапшыға жіберілді. Жауаптар осы чатқа келеді.",
		"ru": "Обращение <b>#%d</b> отправлено экспертам: %d. Ответы придут в этот чат.",
		"en": "Request <b>#%d</b> went to %d experts. Their answers will come to this chat.",
	},
	"all_declined_author": {
		"kk": "Өтініш <b>#%d</b> жіберілген сарапшылар оны өз салаларына жатпайды деп белгіледі. Модераторлар басқа сарапшыны табады; жауап осы чатқа келеді.",
		"ru": "Эксперты, которым ушло обращение <b>#%d</b>, отметили, что оно не их профиля. Модераторы подберут другого эксперта; ответ придёт в этот чат.",
		"en": "The experts request <b>#%d</b> went to said it is not their area. The moderators will find another expert; the answer will come to this chat.",
	},
	"routed_to_moderators": {
		"kk": "Өтініш <b>#%d</b> қабылданды. Қазір бұл салада бос сарапшы жоқ: модераторлар лайықты сарапшыны табады.",
		"ru": "Обращение <b>#%d</b> принято. Сейчас в этой отрасли нет свободных экспертов: модераторы подберут эксперта.",
		"en": "Request <b>#%d</b> is accepted. No expert of this sector is available now: the moderators will find one.",
	},
	"rejected_author": {
		"kk": "Өкінішке орай, өтініш <b>#%d</b> модерациядан өтпеді.",
		"ru": "К сожалению, обращение <b>#%d</b> не прошло модерацию.",
		"en": "Sorry, request <b>#%d</b> did not pass moderation.",
	},
	"taken_author": {
		"kk": "Өтініш <b>#%d</b> бойынша сарапшы жұмысқа кірісті: %s.",
		"ru": "Над обращением <b>#%d</b> работает эксперт: %s.",
		"en": "An expert is working on request <b>#%d</b>: %s.",
	},
	"answer_to_author": {
		"kk": "💬 <b>#%d</b> «%s» бойынша жауап — %s:",
		"ru": "💬 Ответ по <b>#%d</b> «%s» — %s:",
		"en": "💬 Answer on <b>#%d</b> “%s” from %s:",
	},
	"reply_hint_author": {
		"kk": "Сұрақ қою үшін осы хабарламаға жауап беріңіз.",
		"ru": "Чтобы задать уточняющий вопрос, ответьте на это сообщение.",
		"en": "To ask a follow-up, reply to this message.",
	},
	// What a recommendation of each type means to the author, in plain words.
	"rec_author_technology": {
		"kk": "<b>#%d</b>: сарапшы мәселеңізді шешуге арналған технологияны немесе дайын шешімді ұсынады — жауабы жоғарыда.",
		"ru": "<b>#%d</b>: эксперт советует технологию или готовое решение вашей проблемы — его ответ выше.",
		"en": "<b>#%d</b>: the expert recommends a technology or a ready solution for your problem; their answer is above.",
	},
	"rec_author_partner": {
		"kk": "<b>#%d</b>: сарапшы бірлесіп жұмыс істеуге болатын шетелдік компанияны немесе ұйымды ұсынады — жауабы жоғарыда.",
		"ru": "<b>#%d</b>: эксперт советует зарубежную компанию или организацию, с которой стоит работать, — его ответ выше.",
		"en": "<b>#%d</b>: the expert suggests a company or organisation abroad to work with; their answer is above.",
	},
	"rec_author_standard": {
		"kk": "<b>#%d</b>: сарапшы мәселеңізге қатысты ережелер мен стандарттарды көрсетеді — жауабы жоғарыда.",
		"ru": "<b>#%d</b>: эксперт указывает правила и стандарты, которые касаются вашей проблемы, — его ответ выше.",
		"en": "<b>#%d</b>: the expert points out the rules and standards that apply to your problem; their answer is above.",
	},
	"rec_author_training": {
		"kk": "<b>#%d</b>: сарапшы қызметкерлеріңізді оқытуды немесе кәсіптік стандартты ұсынады — жауабы жоғарыда.",
		"ru": "<b>#%d</b>: эксперт советует обучение ваших сотрудников или профессиональный стандарт — его ответ выше.",
		"en": "<b>#%d</b>: the expert recommends training for your staff or a professional standard; their answer is above.",
	},
	"rec_author_appraisal": {
		"kk": "<b>#%d</b>: сарапшы жобаңызға баға берді — жауабы жоғарыда.",
		"ru": "<b>#%d</b>: эксперт дал оценку вашему проекту — его ответ выше.",
		"en": "<b>#%d</b>: the expert has appraised your project; their answer is above.",
	},
	"rec_author_scenario": {
		"kk": "<b>#%d</b>: сарапшы салаңыз қалай дамитынын және неге дайындалу керегін айтады — жауабы жоғарыда.",
		"ru": "<b>#%d</b>: эксперт рассказывает, куда движется ваша отрасль и к чему готовиться, — его ответ выше.",
		"en": "<b>#%d</b>: the expert describes where your industry is heading and what to prepare for; their answer is above.",
	},
	"rec_author_later": {
		"kk": "Кейін бот мұны іске асырдыңыз ба деп сұрайды.",
		"ru": "Позже бот спросит, удалось ли это применить.",
		"en": "Later the bot will ask whether you have put it into practice.",
	},
	"btn_resolved": {
		"kk": "✅ Мәселе шешілді",
		"ru": "✅ Проблема решена",
		"en": "✅ Problem solved",
	},
	"resolved_author": {
		"kk": "Өтініш <b>#%d</b> шешілді деп белгіленді. Рақмет! Мәселе қайталанса, %d күн ішінде өтінішті қайта аша аласыз.",
		"ru": "Обращение <b>#%d</b> отмечено решённым. Спасибо! Если проблема вернётся, обращение можно открыть снова в течение %d дней.",
		"en": "Request <b>#%d</b> is marked solved. Thank you! If the problem comes back, you can reopen it within %d days.",
	},
	"resolve_confirm": {
		"kk": "<b>#%d</b> өтінішін шешілді деп белгілейміз бе? Сарапшыларға хабарланады, ал сізден олардың жауаптарын бағалау сұралады.",
		"ru": "Отметить обращение <b>#%d</b> решённым? Эксперты получат уведомление, а вас попросят оценить их ответы.",
		"en": "Mark request <b>#%d</b> solved? The experts will be told, and you will be asked to rate their answers.",
	},
	"btn_resolve_yes": {
		"kk": "✅ Иә, шешілді",
		"ru": "✅ Да, решено",
		"en": "✅ Yes, solved",
	},
	"btn_resolve_no": {
		"kk": "Жоқ, әлі емес",
		"ru": "Нет, ещё нет",
		"en": "No, not yet",
	},
	"btn_reopen_own": {
		"kk": "↩️ Қайта ашу",
		"ru": "↩️ Открыть снова",
		"en": "↩️ Reopen",
	},
	"btn_reopen_send": {
		"kk": "↩️ Қайта ашып, жіберу",
		"ru": "↩️ Открыть снова и отправить",
		"en": "↩️ Reopen and send",
	},
	"reopened_by_author": {
		"kk": "Өтініш <b>#%d</b> қайта ашылды, сарапшыларға хабарланды.",
		"ru": "Обращение <b>#%d</b> снова открыто, эксперты получили уведомление.",
		"en": "Request <b>#%d</b> is open again; the experts were told.",
	},
	"reopened_expert": {
		"kk": "↩️ Автор <b>#%d</b> «%s» өтінішін қайта ашты: мәселе әлі шешілмеген.",
		"ru": "↩️ Автор снова открыл обращение <b>#%d</b> «%s»: проблема ещё не решена.",
		"en": "↩️ The author reopened request <b>#%d</b> “%s”: the problem is not solved yet.",
	},
	"reopen_too_late": {
		"kk": "#%d өтінішін қайта ашу мерзімі өтті. Жаңа өтініш жазыңыз: /new",
		"ru": "Срок, когда обращение #%d можно открыть снова, прошёл. Напишите новое: /new",
		"en": "Request #%d can no longer be reopened. Please post a new one: /new",
	},
	"solved_offer_reopen": {
		"kk": "Өтініш <b>#%d</b> шешілді деп белгіленген, хабарлама әзірге жіберілмеді. Мәселе шешілмесе, өтінішті қайта ашыңыз — хабарлама сарапшыға жіберіледі.",
		"ru": "Обращение <b>#%d</b> отмечено решённым, сообщение пока не отправлено. Если проблема не решена, откройте обращение снова — сообщение уйдёт эксперту.",
		"en": "Request <b>#%d</b> is marked solved, so the message was not sent yet. If the problem is not solved, reopen the request and the message goes to the expert.",
	},
	"rate_expert": {
		"kk": "Сарапшы %s — <b>#%d</b> бойынша жауаптарын бағалаңыз:",
		"ru": "Оцените ответы эксперта %s по <b>#%d</b>:",
		"en": "Please rate the answers of %s on <b>#%d</b>:",
	},
	"rate_comment": {
		"kk": "Рақмет! Пікір жазыңыз немесе «Өткізу» басыңыз.",
		"ru": "Спасибо! Напишите комментарий или нажмите «Пропустить».",
		"en": "Thank you! Write a comment or press Skip.",
	},
	"rate_saved": {
		"kk": "Бағаңыз сақталды.",
		"ru": "Оценка сохранена.",
		"en": "Your rating is saved.",
	},
	"followup_need_reply": {
		"kk": "Сарапшыға жазу үшін оның жауабына жауап беріңіз (хабарламаны солға сырғытыңыз). /new — жаңа өтініш, /my — өтініштеріңіз.",
		"ru": "Чтобы написать эксперту, ответьте на его сообщение (смахните его влево). /new — новое обращение, /my — ваши обращения.",
		"en": "To write to an expert, reply to their message (swipe it left). /new starts a new request, /my lists yours.",
	},
	"problem_closed": {
		"kk": "Өтініш <b>#%d</b> жабық, хабарлама жіберілмеді.",
		"ru": "Обращение <b>#%d</b> закрыто, сообщение не отправлено.",
		"en": "Request <b>#%d</b> is closed; the message was not sent.",
	},
	"offer_new": {
		"kk": "Бұл мәтіннен жаңа өтініш жазайық па? Ол өтініштің сипаттамасы болады; түрін, саласын, өңірін және атауын сұраймын.",
		"ru": "Создать из этого текста новое обращение? Он станет описанием; я спрошу вид, отрасль, регион и заголовок.",
		"en": "Post this as a new request? It becomes the description; I will ask for the kind, sector, region and title.",
	},
	"btn_offer_new": {
		"kk": "📝 Өтініш жазу",
		"ru": "📝 Создать обращение",
		"en": "📝 Post a request",
	},
	"cannot_take": {
		"kk": "Кешіріңіз, бот стикер, геолокация және контактіні қабылдамайды. Мәтін, фото, видео, құжат немесе дауыстық хабарлама жіберіңіз.",
		"ru": "Извините, бот не принимает стикеры, геолокацию и контакты. Пришлите текст, фото, видео, документ или голосовое сообщение.",
		"en": "Sorry, the bot does not take stickers, locations or contacts. Please send text, a photo, a video, a document or a voice message.",
	},
	"which_problem": {
		"kk": "Бұл хабарлама қай өтініш туралы? Таңдаңыз:",
		"ru": "К какому обращению относится сообщение? Выберите:",
		"en": "Which request is this message about? Choose:",
	},
	"no_expert_yet": {
		"kk": "<b>#%d</b> өтінішін әзірге қабылдаған сарапшы жоқ, хабарлама жіберілмеді. Модераторлар өтінішті басқа сарапшыға береді; жауап осы чатқа келеді.",
		"ru": "Обращение <b>#%d</b> пока не принял ни один эксперт, сообщение не отправлено. Модераторы передадут обращение другому эксперту; ответ придёт в этот чат.",
		"en": "No expert has request <b>#%d</b> yet, so the message was not sent. The moderators will pass it to another expert; the answer will come to this chat.",
	},
	"edited_note": {
		"kk": "✏️ <b>#%d</b> бойынша хабарлама өзгертілді:\n%s",
		"ru": "✏️ Сообщение по <b>#%d</b> изменено:\n%s",
		"en": "✏️ A message on <b>#%d</b> was edited:\n%s",
	},
	"my_none": {
		"kk": "Сізде өтініш жоқ. /new — жаңа өтініш.",
		"ru": "У вас нет обращений. /new — новое обращение.",
		"en": "You have no requests. /new starts one.",
	},
	"my_hint": {
		"kk": "Өтінішті ашу үшін /thread_N басыңыз.",
		"ru": "Чтобы открыть обращение, нажмите /thread_N.",
		"en": "Tap /thread_N to open a request.",
	},
	"my_title": {
		"kk": "<b>Сіздің өтініштеріңіз</b>",
		"ru": "<b>Ваши обращения</b>",
		"en": "<b>Your requests</b>",
	},
	"impl_question": {
		"kk": "<b>#%d</b>: сарапшының осы ұсынымын іске асырдыңыз ба?\n\n%s",
		"ru": "<b>#%d</b>: удалось ли применить эту рекомендацию эксперта?\n\n%s",
		"en": "<b>#%d</b>: have you put this recommendation of the expert into practice?\n\n%s",
	},
	"impl_implemented": {
		"kk": "Енгізілді",
		"ru": "Внедрено",
		"en": "Implemented",
	},
	"impl_in_progress": {
		"kk": "Енгізілуде",
		"ru": "Внедряется",
		"en": "In progress",
	},
	"impl_not_implemented": {
		"kk": "Енгізілмеді",
		"ru": "Не внедрено",
		"en": "Not implemented",
	},
	"impl_comment": {
		"kk": "Рақмет! Қысқа пікір жазыңыз немесе «Өткізу» басыңыз.",
		"ru": "Спасибо! Напишите короткий комментарий или нажмите «Пропустить».",
		"en": "Thank you! Write a short comment or press Skip.",
	},
	"status_draft": {
		"kk": "қаралама",
		"ru": "черновик",
		"en": "draft",
	},
	"status_pending_moderation": {
		"kk": "модерацияда",
		"ru": "на модерации",
		"en": "awaiting moderation",
	},
	"status_open": {
		"kk": "сарапшыларда",
		"ru": "у экспертов",
		"en": "with experts",
	},
	"status_taken": {
		"kk": "жұмыста",
		"ru": "в работе",
		"en": "in progress",
	},
	"status_answered": {
		"kk": "жауап берілді",
		"ru": "есть ответ",
		"en": "answered",
	},
	"status_resolved": {
		"kk": "шешілді",
		"ru": "решено",
		"en": "solved",
	},
	"status_closed": {
		"kk": "жабылды",
		"ru": "закрыто",
		"en": "closed",
	},
	"status_rejected": {
		"kk": "қабылданбады",
		"ru": "отклонено",
		"en": "rejected",
	},
}
