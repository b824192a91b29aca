package bot

import (
	"regexp"
	"slices"
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
