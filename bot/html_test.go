package bot

import (
	"strings"
	"testing"
	"unicode/utf16"
)

// visible is the text a user sees of an HTML message, measured as Telegram does.
func visible(t *testing.T, html string) int {
	t.Helper()
	n, depth := 0, 0
	for _, tok := range tokenizeHTML(html) {
		switch {
		case tok.tag != "" && tok.closing:
			depth--
		case tok.tag != "":
			depth++
		}
		if depth < 0 {
			t.Fatalf("%q closes a tag it did not open", html)
		}
		n += tok.visible
	}
	if depth != 0 {
		t.Fatalf("%q leaves a tag open", html)
	}
	return n
}

func TestSplitMessage(t *testing.T) {
	para := strings.Repeat("word ", 100) // 500 characters
	tests := []struct {
		name  string
		html  string
		limit int
		parts int
	}{
		{"Short", "hello", 4096, 1},
		{"Paragraphs", strings.Repeat(para+"\n\n", 20), 4096, 3},
		{"Lines", strings.Repeat(strings.Repeat("x", 99)+"\n", 100), 4096, 3},
		{"NoBreaks", strings.Repeat("ы", 10000), 4096, 3},
		{"Emoji", strings.Repeat("😀", 3000), 4096, 2},
		{"TagAcrossBreak", "<b>" + strings.Repeat("bold text\n", 1000) + "</b>", 4096, 3},
		{"Entities", strings.Repeat("&lt;&amp;&gt; ", 2000), 4096, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := SplitMessage(tt.html, tt.limit)
			if len(parts) != tt.parts {
				t.Fatalf("got %d parts, want %d", len(parts), tt.parts)
			}
			total := ""
			for i, p := range parts {
				n := visible(t, p)
				if n > tt.limit || n == 0 {
					t.Errorf("part %d has %d visible characters, want 1 to %d", i, n, tt.limit)
				}
				total += p
			}
			if got, want := strings.Join(strings.Fields(total), ""), strings.Join(strings.Fields(tt.html), ""); tt.name != "TagAcrossBreak" && got != want {
				t.Errorf("the parts' text differs from the message's beyond white space")
			}
		})
	}
}

func TestSplitMessageBreaksAtParagraph(t *testing.T) {
	first := strings.Repeat("a", 3000)
	second := strings.Repeat("b", 3000)
	parts := SplitMessage(first+"\n\n"+second, 4096)
	if len(parts) != 2 || parts[0] != first || parts[1] != second {
		t.Fatalf("got %d parts, want the two paragraphs whole", len(parts))
	}
}

func TestSplitMessageNeverSplitsSurrogates(t *testing.T) {
	parts := SplitMessage(strings.Repeat("😀", 2049), 4096)
	for _, p := range parts {
		if strings.ContainsRune(p, '\uFFFD') || len(utf16.Encode([]rune(p)))%2 != 0 {
			t.Fatalf("part %q split an emoji", p[:8])
		}
	}
}

func TestEscape(t *testing.T) {
	if got, want := Escape(`<b>"Tom & Jerry"</b>`), "&lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;"; got != want {
		t.Fatalf("Escape = %q, want %q", got, want)
	}
}
