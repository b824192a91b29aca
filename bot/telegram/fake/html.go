package fake

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// htmlTags are the tags Telegram accepts with parse_mode=HTML
// (https://core.telegram.org/bots/api#html-style).
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "tg-emoji": true, "code": true, "pre": true, "blockquote": true,
	"tg-time": true,
}

// parseHTML checks text the way Telegram does for parse_mode=HTML and
// returns the text as the user sees it, with tags removed and entities
// decoded. Its errors read like Telegram's.
func parseHTML(s string) (string, error) {
	var out strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("Bad Request: can't parse entities: unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+end]
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				name = strings.TrimSpace(name)
				if len(open) == 0 || open[len(open)-1] != name {
					return "", fmt.Errorf("Bad Request: can't parse entities: unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, last(open), name)
				}
				open = open[:len(open)-1]
			} else {
				name, _, _ := strings.Cut(tag, " ")
				if !htmlTags[name] {
					return "", fmt.Errorf("Bad Request: can't parse entities: unsupported start tag \"%s\" at byte offset %d", name, i)
				}
				open = append(open, name)
			}
			i += end + 1
		case '&':
			end := strings.IndexByte(s[i:], ';')
			if end < 0 {
				return "", fmt.Errorf("Bad Request: can't parse entities: character '&' at byte offset %d is not escaped", i)
			}
			r, ok := htmlEntity(s[i+1 : i+end])
			if !ok {
				return "", fmt.Errorf("Bad Request: can't parse entities: unsupported HTML entity %q at byte offset %d", s[i:i+end+1], i)
			}
			out.WriteString(r)
			i += end + 1
		case '>':
			return "", fmt.Errorf("Bad Request: can't parse entities: character '>' at byte offset %d is not escaped", i)
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("Bad Request: can't parse entities: can't find end tag corresponding to start tag \"%s\"", last(open))
	}
	return out.String(), nil
}

func htmlEntity(name string) (string, bool) {
	switch name {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "quot":
		return `"`, true
	}
	if num, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if hex, ok := strings.CutPrefix(num, "x"); ok {
			num, base = hex, 16
		}
		n, err := strconv.ParseInt(num, base, 32)
		if err == nil && n > 0 {
			return string(rune(n)), true
		}
	}
	return "", false
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

// textLength is how Telegram measures text: in UTF-16 code units.
func textLength(s string) int { return len(utf16.Encode([]rune(s))) }
