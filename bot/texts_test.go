package bot

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*[a-zA-Z%]`)

func TestEveryTextHasEveryLanguage(t *testing.T) {
	for key, byLang := range texts {
		en := verb.FindAllString(byLang["en"], -1)
		for _, lang := range Languages {
			s, ok := byLang[lang]
			if !ok || s == "" {
				t.Errorf("text %q has no %s version", key, lang)
				continue
			}
			if got := verb.FindAllString(s, -1); !slices.Equal(got, en) {
				t.Errorf("text %q in %s has verbs %v, in English %v", key, lang, got, en)
			}
		}
		for lang := range byLang {
			if !slices.Contains(Languages, lang) {
				t.Errorf("text %q has a version in %q, which the bot does not offer", key, lang)
			}
		}
	}
}

func TestLanguageFor(t *testing.T) {
	tests := []struct{ chosen, telegram, want string }{
		{"en", "kk", "en"},
		{"", "kk", "kk"},
		{"", "ru-RU", "ru"},
		{"", "EN", "en"},
		{"", "de", defaultLanguage},
		{"", "", defaultLanguage},
	}
	for _, tt := range tests {
		if got := languageFor(tt.chosen, tt.telegram); got != tt.want {
			t.Errorf("languageFor(%q, %q) = %q, want %q", tt.chosen, tt.telegram, got, tt.want)
		}
	}
}

func TestEveryTextSplitsAsItIs(t *testing.T) {
	for key, byLang := range texts {
		for lang, s := range byLang {
			if got, whole := SplitMessage(s, MaxMessageLength), splitTokens(s, MaxMessageLength); !slices.Equal(got, whole) {
				t.Errorf("text %q in %s: SplitMessage = %q, token by token %q", key, lang, got, whole)
			}
		}
	}
}

// The bot's words follow the glossary (../shared/GLOSSARY.md): one term,
// one translation, and no form that guesses a person's gender.
func TestTextsFollowTheGlossary(t *testing.T) {
	for key, byLang := range texts {
		for _, gendered := range []string{"(а)", "(на)", "(ла)"} {
			if strings.Contains(byLang["ru"], gendered) {
				t.Errorf("text %q in Russian guesses a gender: %q", key, byLang["ru"])
			}
		}
	}
	for key, want := range map[string][3]string{ // kk, ru, en, case aside
		"status_draft":              {"қаралама", "черновик", "draft"},
		"status_pending_moderation": {"модерацияда", "на модерации", "awaiting moderation"},
		"status_open":               {"сарапшыларда", "у экспертов", "with experts"},
		"status_taken":              {"жұмыста", "в работе", "in progress"},
		"status_answered":           {"жауап берілді", "есть ответ", "answered"},
		"status_resolved":           {"шешілді", "решено", "solved"},
		"status_closed":             {"жабылды", "закрыто", "closed"},
		"status_rejected":           {"қабылданбады", "отклонено", "rejected"},
		"rec_technology":            {"технология немесе шешім", "технология или решение", "technology or solution"},
		"rec_partner":               {"халықаралық серіктес", "международный партнёр", "international partner"},
		"rec_standard":              {"нормативтік құжат немесе техникалық стандарт", "нормативный документ или технический стандарт", "regulation or technical standard"},
		"rec_training":              {"оқу бағдарламасы немесе кәсіптік стандарт", "программа обучения или профессиональный стандарт", "training programme or professional standard"},
		"rec_appraisal":             {"жобаны сараптау", "экспертиза проекта", "project appraisal"},
		"rec_scenario":              {"даму сценарийі немесе үрдіс", "сценарий развития или тренд", "development scenario or trend"},
		"impl_implemented":          {"енгізілді", "внедрено", "implemented"},
		"impl_in_progress":          {"енгізілуде", "внедряется", "in progress"},
		"impl_not_implemented":      {"енгізілмеді", "не внедрено", "not implemented"},
		"btn_take":                  {"🙋 алу", "🙋 взять", "🙋 take"},
		"btn_decline":               {"🚫 менің салам емес", "🚫 не мой профиль", "🚫 not my area"},
		"btn_done":                  {"дайын", "готово", "done"},
	} {
		for i, lang := range Languages {
			if got := strings.ToLower(T(lang, key)); got != want[i] {
				t.Errorf("%s in %s is %q, the glossary says %q", key, lang, got, want[i])
			}
		}
	}
	for _, c := range []struct{ key, lang, has string }{
		{"cancelled", "kk", "Өтініш жазу тоқтатылды."},
		{"cancelled", "ru", "Создание обращения отменено."},
		{"new_bin", "kk", "12 цифр"},
		{"bin_check", "kk", "бақылау цифры"},
		{"welcome", "kk", "«Атамекен» Ұлттық кәсіпкерлер палатасының технологиялық құзыреттілік орталықтары сарапшыларының желісі"},
		{"welcome", "kk", "/new"},
		{"welcome", "ru", "/new"},
		{"welcome", "en", "/new"},
		{"new_kind", "kk", "Жаңа өтініш. Түрін таңдаңыз:"},
		{"new_files", "kk", "файлға дейін, альбоммен де жіберуге болады"},
		{"unknown", "kk", "Кешіріңіз, түсінбедім. Өтініш жазу үшін /new басыңыз."},
		{"anonymous", "kk", "жасырын"},
	} {
		if !strings.Contains(T(c.lang, c.key), c.has) {
			t.Errorf("%s in %s is %q, want it to hold %q", c.key, c.lang, T(c.lang, c.key), c.has)
		}
	}
}

// Authors read what each type of recommendation means to them, not the
// taxonomy the expert chose it from.
func TestRecommendationTypesInAuthorsWords(t *testing.T) {
	for _, typ := range recommendationTypes {
		for _, lang := range []string{"kk", "ru", "en"} {
			text := T(lang, "rec_author_"+typ, 5)
			if !strings.Contains(text, "#5") || strings.Contains(strings.ToLower(text), strings.ToLower(T(lang, "rec_"+typ))) {
				t.Errorf("%s %s: %q, want the problem number and plain words", typ, lang, text)
			}
		}
	}
}
