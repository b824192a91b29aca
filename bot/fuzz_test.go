package bot

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{"v1:take:42", "v1:rate:42:7:5", "v1:new:sector:3", "v1:", "v2:take:1", ":::", "v1:take:-1", "v1:take:99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		cb, err := parseCallback(data)
		if err != nil {
			return
		}
		if cb.action == "" {
			t.Fatalf("%q parsed with no action", data)
		}
		if got := callbackData(cb.action, cb.args...); got != data {
			t.Fatalf("%q parsed and built again is %q", data, got)
		}
		if n, err := cb.intArg(0); err == nil && n <= 0 {
			t.Fatalf("%q: intArg gave %d", data, n)
		}
	})
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "<b>", "Tom & Jerry", `"quoted"`, "&amp;", "Қазақ <тілі>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		if strings.ContainsAny(e, "<>\"") {
			t.Fatalf("Escape(%q) = %q keeps a character HTML reads", s, e)
		}
		if got := unescape(e); got != s {
			t.Fatalf("Escape(%q) = %q, which reads back as %q", s, e, got)
		}
	})
}

func FuzzSplitMessage(f *testing.F) {
	f.Add("hello", 4096, false)
	f.Add(strings.Repeat("word ", 3000), 4096, false)
	f.Add(strings.Repeat("абв\n", 2000), 100, true)
	f.Add(strings.Repeat("😀", 300), 7, true)
	f.Fuzz(func(t *testing.T, text string, limit int, bold bool) {
		if limit < 2 || limit > 5000 || !utf8.ValidString(text) {
			return
		}
		html := Escape(text)
		if bold {
			html = "<b>" + html + "</b> <i>" + html + "</i>"
		}
		parts := SplitMessage(html, limit)
		if whole := splitTokens(html, limit); !slices.Equal(parts, whole) {
			t.Fatalf("SplitMessage = %q, splitting it token by token gives %q", parts, whole)
		}
		for i, part := range parts {
			n := visible(t, part)
			if n > limit {
				t.Fatalf("part %d has %d visible characters, limit %d", i, n, limit)
			}
			if strings.TrimSpace(part) == "" {
				t.Fatalf("part %d is empty", i)
			}
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"", "2026-11-01 2026-11-30", "2026-11-30 2026-11-01", "yesterday", "2026-02-30 2026-03-01", "1 2 3"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		from, to, err := ParsePeriod(s, 30, now, Kazakhstan)
		if err == nil && !from.Before(to) {
			t.Fatalf("ParsePeriod(%q) = [%v, %v): empty", s, from, to)
		}
	})
}

func FuzzCheckBIN(f *testing.F) {
	for _, s := range []string{"040340002192", "000740001307", "12345", "", "0403 4000 2192", "ааааааааааааа"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bin, problem := checkBIN(s)
		if problem == "" && (len(bin) != 12 || strings.Trim(bin, "0123456789") != "") {
			t.Fatalf("checkBIN(%q) accepted %q", s, bin)
		}
	})
}

func FuzzProblemNumber(f *testing.F) {
	for _, s := range []string{"42", "#42 spam", "  #7   duplicate of #3 ", "-1", "#", "", "9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, args string) {
		id, rest, ok := problemNumber(args)
		if ok && (id <= 0 || strings.TrimSpace(rest) != rest) {
			t.Fatalf("problemNumber(%q) = %d, %q", args, id, rest)
		}
	})
}
