package bot

// expertTexts are the texts experts and moderators see.
var expertTexts = map[string]map[string]string{
	"card_files": {"kk": "📎 Файлдар: %d", "ru": "📎 Файлов: %d", "en": "📎 Files: %d"},
	"card": {
		"kk": "<b>#%d</b> · %s\nСала: %s\nӨңір: %s\n\n<b>%s</b>\n%s\n\nАвторы: %s\nАвтордың тілі: %s%s\n\nЖауап беру үшін осы хабарламаға жауап беріңіз немесе «Жауап беру» басыңыз.",
		"ru": "<b>#%d</b> · %s\nОтрасль: %s\nРегион: %s\n\n<b>%s</b>\n%s\n\nАвтор: %s\nЯзык автора: %s%s\n\nЧтобы ответить, ответьте на это сообщение или нажмите «Ответить».",
		"en": "<b>#%d</b> · %s\nSector: %s\nRegion: %s\n\n<b>%s</b>\n%s\n\nFrom: %s\nThe author writes in: %s%s\n\nTo answer, reply to this message or press Answer.",
	},
	"anon_files_card": {
		"kk": "⚠️ Автор жасырын, бірақ файлдары оны көрсетуі мүмкін (файл атауы, құжаттың ішіндегі деректер).",
		"ru": "⚠️ Автор анонимен, но его файлы могут его раскрыть (имя файла, данные внутри документа).",
		"en": "⚠️ The author is anonymous, but their files may reveal who they are (file names, data inside documents).",
	},
	"anonymous": {
		"kk": "жасырын",
		"ru": "аноним",
		"en": "anonymous",
	},
	"btn_take": {
		"kk": "🙋 Алу",
		"ru": "🙋 Взять",
		"en": "🙋 Take",
	},
	"btn_answer": {
		"kk": "💬 Жауап беру",
		"ru": "💬 Ответить",
		"en": "💬 Answer",
	},
	"btn_decline": {
		"kk": "🚫 Менің салам емес",
		"ru": "🚫 Не мой профиль",
		"en": "🚫 Not my area",
	},
	"took": {
		"kk": "Сіз <b>#%d</b> өтінішін алдыңыз. Жауап беру үшін карточкаға жауап беріңіз немесе «Жауап беру» басыңыз.",
		"ru": "Вы взяли обращение <b>#%d</b>. Чтобы ответить, ответьте на карточку или нажмите «Ответить».",
		"en": "You took request <b>#%d</b>. To answer, reply to its card or press Answer.",
	},
	"card_yours": {
		"kk": "✅ Өтінішті жұмысқа алдыңыз. Жауап беру үшін осы хабарламаға жауап беріңіз.",
		"ru": "✅ Вы взяли обращение в работу. Чтобы ответить, ответьте на это сообщение.",
		"en": "✅ You took this request. To answer, reply to this message.",
	},
	"card_taken": {
		"kk": "👤 Жұмыста: %s. Өз жауабыңызды да жаза аласыз.",
		"ru": "👤 Взято в работу: %s. Вы тоже можете ответить.",
		"en": "👤 In progress with %s. You may answer too.",
	},
	"card_declined": {
		"kk": "Сіз бұл өтінішті «Менің салам емес» деп белгіледіңіз.",
		"ru": "Вы отметили это обращение: «Не мой профиль».",
		"en": "You marked this request as not your area.",
	},
	"card_solved": {
		"kk": "✅ Автор өтінішті шешілді деп белгіледі.",
		"ru": "✅ Автор отметил обращение как решённое.",
		"en": "✅ The author marked this request solved.",
	},
	"card_closed": {
		"kk": "🔒 Өтініш жабылды.",
		"ru": "🔒 Обращение закрыто.",
		"en": "🔒 This request is closed.",
	},
	"card_merged": {
		"kk": "🔗 Өтініш #%d өтінішімен біріктірілді.",
		"ru": "🔗 Обращение объединено с обращением #%d.",
		"en": "🔗 This request was merged into request #%d.",
	},
	"card_moved": {
		"kk": "↪️ Өтініш басқа салаға берілді.",
		"ru": "↪️ Обращение передано в другую отрасль.",
		"en": "↪️ This request was moved to another sector.",
	},
	"already_taken": {
		"kk": "<b>#%d</b> өтініші жұмыста: %s.",
		"ru": "Обращение <b>#%d</b> уже в работе: %s.",
		"en": "Request <b>#%d</b> is already in progress: %s.",
	},
	"not_allowed": {
		"kk": "Бұл әрекетке рұқсатыңыз жоқ.",
		"ru": "У вас нет прав на это действие.",
		"en": "You may not do this.",
	},
	"answer_prompt": {
		"kk": "<b>#%d</b> бойынша жауабыңызды жіберіңіз (мәтін, фото немесе құжат). /cancel — болдырмау.",
		"ru": "Пришлите ответ по <b>#%d</b> (текст, фото или документ). /cancel — отмена.",
		"en": "Send your answer on <b>#%d</b> (text, photo or document). /cancel stops.",
	},
	"err_answer_content": {
		"kk": "Жауап мәтін, фото немесе құжат болуы керек. Қайталап көріңіз.",
		"ru": "Ответ должен быть текстом, фото или документом. Попробуйте ещё раз.",
		"en": "An answer must be text, a photo or a document. Please try again.",
	},
	"answer_sent": {
		"kk": "Жауабыңыз <b>#%d</b> өтінішінің авторына жіберілді. Оны ұсыным деп белгілейсіз бе?",
		"ru": "Ваш ответ отправлен автору обращения <b>#%d</b>. Отметить его как рекомендацию?",
		"en": "Your answer went to the author of <b>#%d</b>. Mark it as a recommendation?",
	},
	"recommendation_saved": {
		"kk": "Ұсыным түрі сақталды: %s.",
		"ru": "Тип рекомендации сохранён: %s.",
		"en": "Recommendation type saved: %s.",
	},
	"rec_none": {
		"kk": "Ұсыным емес",
		"ru": "Не рекомендация",
		"en": "Not a recommendation",
	},
	"rec_technology": {
		"kk": "Технология немесе шешім",
		"ru": "Технология или решение",
		"en": "Technology or solution",
	},
	"rec_partner": {
		"kk": "Халықаралық серіктес",
		"ru": "Международный партнёр",
		"en": "International partner",
	},
	"rec_standard": {
		"kk": "Нормативтік құжат немесе техникалық стандарт",
		"ru": "Нормативный документ или технический стандарт",
		"en": "Regulation or technical standard",
	},
	"rec_training": {
		"kk": "Оқу бағдарламасы немесе кәсіптік стандарт",
		"ru": "Программа обучения или профессиональный стандарт",
		"en": "Training programme or professional standard",
	},
	"rec_appraisal": {
		"kk": "Жобаны сараптау",
		"ru": "Экспертиза проекта",
		"en": "Project appraisal",
	},
	"rec_scenario": {
		"kk": "Даму сценарийі немесе үрдіс",
		"ru": "Сценарий развития или тренд",
		"en": "Development scenario or trend",
	},
	"followup_to_expert": {
		"kk": "↩️ <b>#%d</b> «%s» авторының сұрағы:",
		"ru": "↩️ Вопрос автора <b>#%d</b> «%s»:",
		"en": "↩️ Follow-up from the author of <b>#%d</b> “%s”:",
	},
	"reply_hint_expert": {
		"kk": "Жауап беру үшін осы хабарламаға жауап беріңіз.",
		"ru": "Чтобы ответить, ответьте на это сообщение.",
		"en": "To answer, reply to this message.",
	},
	"declined": {
		"kk": "Жарайды, <b>#%d</b> өтініші сізге енді келмейді.",
		"ru": "Хорошо, обращение <b>#%d</b> вам больше не придёт.",
		"en": "All right, request <b>#%d</b> will not come to you again.",
	},
	"resolved_expert": {
		"kk": "Автор <b>#%d</b> өтінішін шешілді деп белгіледі.",
		"ru": "Автор отметил обращение <b>#%d</b> решённым.",
		"en": "The author marked request <b>#%d</b> as solved.",
	},
	"rated_expert": {
		"kk": "Автор <b>#%d</b> бойынша жауаптарыңызды бағалады: %d/5.",
		"ru": "Автор оценил ваши ответы по <b>#%d</b>: %d/5.",
		"en": "The author rated your answers on <b>#%d</b>: %d/5.",
	},
	"away_set": {
		"kk": "Жаңа өтініштер сізге жіберілмейді. /back — қайта қосу.",
		"ru": "Новые обращения вам не приходят. /back — снова получать.",
		"en": "You will get no new requests. /back turns them on again.",
	},
	"back_set": {
		"kk": "Жаңа өтініштер сізге қайта жіберіледі.",
		"ru": "Новые обращения снова приходят вам.",
		"en": "You will get new requests again.",
	},
	"experts_only": {
		"kk": "Бұл команда тек сарапшыларға арналған.",
		"ru": "Эта команда только для экспертов.",
		"en": "This command is for experts only.",
	},
	"my_taken": {
		"kk": "<b>Сіз алған өтініштер</b>",
		"ru": "<b>Взятые вами обращения</b>",
		"en": "<b>Requests you took</b>",
	},
	"my_waiting": {
		"kk": "<b>Салаларыңызда күтіп тұр</b>",
		"ru": "<b>Ждут в ваших отраслях</b>",
		"en": "<b>Waiting in your sectors</b>",
	},
	"mod_card": {
		"kk": "🛡 Модерация: <b>#%d</b> · %s\nСала: %s · Өңір: %s\n\n<b>%s</b>\n%s\n\nАвторы: %s (id %d)%s\nКомпания: %s · БСН: %s%s",
		"ru": "🛡 Модерация: <b>#%d</b> · %s\nОтрасль: %s · Регион: %s\n\n<b>%s</b>\n%s\n\nАвтор: %s (id %d)%s\nКомпания: %s · БИН: %s%s",
		"en": "🛡 Moderation: <b>#%d</b> · %s\nSector: %s · Region: %s\n\n<b>%s</b>\n%s\n\nFrom: %s (id %d)%s\nCompany: %s · BIN: %s%s",
	},
	"mod_anonymous_mark": {
		"kk": ", сарапшыларға жасырын",
		"ru": ", анонимно для экспертов",
		"en": ", anonymous to experts",
	},
	"btn_approve": {
		"kk": "✅ Мақұлдау",
		"ru": "✅ Одобрить",
		"en": "✅ Approve",
	},
	"btn_reject": {
		"kk": "⛔ Қабылдамау",
		"ru": "⛔ Отклонить",
		"en": "⛔ Reject",
	},
	"mod_approved": {
		"kk": "<b>#%d</b> мақұлданды, сарапшыларға жіберілді: %d.",
		"ru": "<b>#%d</b> одобрено и отправлено экспертам: %d.",
		"en": "<b>#%d</b> approved and sent to %d experts.",
	},
	"mod_rejected": {
		"kk": "<b>#%d</b> қабылданбады.",
		"ru": "<b>#%d</b> отклонено.",
		"en": "<b>#%d</b> rejected.",
	},
	"mod_not_pending": {
		"kk": "<b>#%d</b> модерацияны күтіп тұрған жоқ (күйі: %s).",
		"ru": "<b>#%d</b> не ждёт модерации (статус: %s).",
		"en": "<b>#%d</b> is not waiting for moderation (status: %s).",
	},
	"mod_no_experts": {
		"kk": "⚠️ <b>#%d</b> (%s): бұл салада бос сарапшы жоқ. Сарапшы тағайындаңыз.",
		"ru": "⚠️ <b>#%d</b> (%s): в этой отрасли нет свободных экспертов. Назначьте эксперта.",
		"en": "⚠️ <b>#%d</b> (%s): no expert of this sector is available. Please assign one.",
	},
	"mod_nobody_left": {
		"kk": "⚠️ <b>#%d</b>: барлық сарапшылар бас тартты. Басқа сарапшы тағайындаңыз.",
		"ru": "⚠️ <b>#%d</b>: все эксперты отказались. Назначьте другого эксперта.",
		"en": "⚠️ <b>#%d</b>: every expert declined it. Please assign another.",
	},
	"mod_untaken": {
		"kk": "⏰ <b>#%d</b>: %s ішінде ешкім алмады. Сарапшыларға қайта жіберілді.",
		"ru": "⏰ <b>#%d</b>: за %s никто не взял. Отправлено экспертам повторно.",
		"en": "⏰ <b>#%d</b>: nobody took it within %s. Sent to the experts again.",
	},
	"mod_unanswered": {
		"kk": "⏰ <b>#%d</b>: %s ішінде жауап жоқ. Назар аударыңыз.",
		"ru": "⏰ <b>#%d</b>: за %s нет ответа. Требуется внимание.",
		"en": "⏰ <b>#%d</b>: no answer within %s. Please look into it.",
	},
	"reminder_card": {
		"kk": "⏰ Еске салу: бұл өтінішті әлі ешкім алмады.",
		"ru": "⏰ Напоминание: это обращение пока никто не взял.",
		"en": "⏰ Reminder: nobody has taken this request yet.",
	},
	"not_found": {
		"kk": "<b>#%d</b> өтініші табылмады.",
		"ru": "Обращение <b>#%d</b> не найдено.",
		"en": "Request <b>#%d</b> was not found.",
	},
	"usage": {
		"kk": "Қолданылуы: %s",
		"ru": "Использование: %s",
		"en": "Usage: %s",
	},
	"expert_added": {
		"kk": "%d пайдаланушысы «%s» орталығына сарапшы болып қосылды.",
		"ru": "Пользователь %d добавлен экспертом центра «%s».",
		"en": "User %d is now an expert of “%s”.",
	},
	"expert_removed": {
		"kk": "%d пайдаланушысы «%s» орталығынан шығарылды.",
		"ru": "Пользователь %d исключён из центра «%s».",
		"en": "User %d is no longer an expert of “%s”.",
	},
	"unknown_centre": {
		"kk": "Мұндай орталық жоқ. Кодтар: %s",
		"ru": "Такого центра нет. Коды: %s",
		"en": "No such centre. Codes: %s",
	},
	"cmd_new": {
		"kk": "Жаңа өтініш",
		"ru": "Новое обращение",
		"en": "New request",
	},
	"cmd_my": {
		"kk": "Менің өтініштерім",
		"ru": "Мои обращения",
		"en": "My requests",
	},
	"cmd_cancel": {
		"kk": "Болдырмау",
		"ru": "Отменить",
		"en": "Cancel",
	},
	"cmd_languages": {
		"kk": "Өтініштерді қай тілдерде оқисыз",
		"ru": "На каких языках вы читаете обращения",
		"en": "Languages you read requests in",
	},
	"reads_in": {
		"kk": "Сізге алдымен мына тілдердегі өтініштер келеді: %s. Тілді қосу не алып тастау үшін батырманы басыңыз.\n\nБасқа тілдегі өтінішті уақытында ешкім алмаса, ол сізге де келеді.",
		"ru": "Вам в первую очередь приходят обращения на языках: %s. Чтобы добавить или убрать язык, нажмите кнопку.\n\nОбращение на другом языке придёт и вам, если его вовремя никто не возьмёт.",
		"en": "Requests in these languages come to you first: %s. Press a language to add or remove it.\n\nA request in another language comes to you too if nobody takes it in time.",
	},
	"reads_one_at_least": {
		"kk": "Кемінде бір тіл қалуы керек.",
		"ru": "Должен остаться хотя бы один язык.",
		"en": "Keep one language at least.",
	},
	"langname_kk": {"kk": "қазақша", "ru": "казахский", "en": "Kazakh"},
	"langname_ru": {"kk": "орысша", "ru": "русский", "en": "Russian"},
	"langname_en": {"kk": "ағылшынша", "ru": "английский", "en": "English"},
	"cmd_away": {
		"kk": "Жаңа өтініштерді уақытша тоқтату",
		"ru": "Временно не получать обращения",
		"en": "Pause new requests",
	},
	"cmd_back": {
		"kk": "Өтініштерді қайта алу",
		"ru": "Снова получать обращения",
		"en": "Receive requests again",
	},
	"cmd_approve": {
		"kk": "Өтінішті мақұлдау: /approve N",
		"ru": "Одобрить обращение: /approve N",
		"en": "Approve a request: /approve N",
	},
	"cmd_reject": {
		"kk": "Өтінішті қабылдамау: /reject N",
		"ru": "Отклонить обращение: /reject N",
		"en": "Reject a request: /reject N",
	},
	"cmd_addexpert": {
		"kk": "Сарапшы қосу: /addexpert ID орталық",
		"ru": "Добавить эксперта: /addexpert ID центр",
		"en": "Add an expert: /addexpert ID centre",
	},
	"cmd_removeexpert": {
		"kk": "Сарапшыны шығару: /removeexpert ID орталық",
		"ru": "Исключить эксперта: /removeexpert ID центр",
		"en": "Remove an expert: /removeexpert ID centre",
	},
}
