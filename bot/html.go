package bot

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxMessageLength is Telegram's limit on a message's text after entities
// are parsed, in UTF-16 code units.
const MaxMessageLength = 4096

var (
	htmlEscaper   = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	htmlUnescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`)
)

// Escape makes user text safe to show inside a parse_mode=HTML message.
func Escape(s string) string { return htmlEscaper.Replace(s) }

// htmlToken is a piece of an HTML message: a tag, an entity, or one
// character of text.
type htmlToken struct {
	raw     string
	visible int    // length the user sees, in UTF-16 code units
	tag     string // tag name, for tags
	closing bool
}

func tokenizeHTML(s string) []htmlToken {
	var out []htmlToken
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			if end := strings.IndexByte(s[i:], '>'); end > 0 {
				raw := s[i : i+end+1]
				name := strings.TrimPrefix(raw[1:len(raw)-1], "/")
				name, _, _ = strings.Cut(name, " ")
				out = append(out, htmlToken{raw: raw, tag: name, closing: raw[1] == '/'})
				i += end + 1
				continue
			}
		case '&':
			if end := strings.IndexByte(s[i:], ';'); end > 0 && end < 10 {
				out = append(out, htmlToken{raw: s[i : i+end+1], visible: 1})
				i += end + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		out = append(out, htmlToken{raw: s[i : i+size], visible: len(utf16.Encode([]rune{r}))})
		i += size
	}
	return out
}

// SplitMessage splits an HTML message into parts of at most limit visible
// characters, breaking at a paragraph if it can, else at a line, else at a
// space, else anywhere between characters. Tags open at a break are closed
// at the end of one part and opened again at the start of the next, so
// each part is valid HTML on its own.
func SplitMessage(html string, limit int) []string {
	if len(html) <= limit && html != "" && html == strings.TrimSpace(html) {
		// No longer in bytes than the limit, so no longer in what the user
		// sees, and nothing to trim: as it is, as most messages are.
		return []string{html}
	}
	return splitTokens(html, limit)
}

// splitTokens is SplitMessage for a message that may need a break.
func splitTokens(html string, limit int) []string {
	toks := tokenizeHTML(html)
	var parts []string
	var open []htmlToken // start tags open at the current position
	reopen := ""         // start tags to open again at the start of the part
	start := 0
	for start < len(toks) {
		// Skip white space at the start of a part.
		for start < len(toks) && toks[start].tag == "" && strings.TrimSpace(toks[start].raw) == "" {
			start++
		}
		if start == len(toks) {
			break
		}
		n, end := 0, start
		var para, line, space int // best break positions: a part ends before these tokens
		stack := append([]htmlToken(nil), open...)
		stacks := map[int][]htmlToken{}
		for end < len(toks) && n+toks[end].visible <= limit {
			t := toks[end]
			n += t.visible
			end++
			switch {
			case t.tag != "" && t.closing && len(stack) > 0:
				stack = stack[:len(stack)-1]
			case t.tag != "":
				stack = append(stack, t)
			case t.raw == "\n" && end > start+1 && toks[end-2].raw == "\n":
				para = end
			case t.raw == "\n":
				line = end
			case t.raw == " ":
				space = end
			}
			if t.tag == "" && (end == para || end == line || end == space) {
				stacks[end] = append([]htmlToken(nil), stack...)
			}
		}
		if end < len(toks) {
			// Take the tags that close right here into the part.
			for end < len(toks) && toks[end].tag != "" && toks[end].closing && len(stack) > 0 {
				stack = stack[:len(stack)-1]
				end++
			}
		}
		cut := end
		if end < len(toks) {
			for _, b := range []int{para, line, space} {
				if b > start {
					cut, stack = b, stacks[b]
					break
				}
			}
		}
		var part strings.Builder
		part.WriteString(reopen)
		for _, t := range toks[start:cut] {
			part.WriteString(t.raw)
		}
		for i := len(stack) - 1; i >= 0; i-- {
			part.WriteString("</" + stack[i].tag + ">")
		}
		if text := strings.TrimSpace(part.String()); text != "" {
			parts = append(parts, text)
		}
		reopen = ""
		for _, t := range stack {
			reopen += t.raw
		}
		open, start = stack, cut
	}
	return parts
}

// stripTags turns a one-line HTML text into plain text, for the short
// notices of answerCallbackQuery.
func stripTags(s string) string {
	var out []rune
	in := false
	for _, c := range s {
		switch {
		case c == '<':
			in = true
		case c == '>':
			in = false
		case !in:
			out = append(out, c)
		}
	}
	return unescape(string(out))
}

func unescape(s string) string {
	return htmlUnescaper.Replace(s)
}
