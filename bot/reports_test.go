package bot

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// goDuration is Go's notation of a duration, which no reader should see.
var goDuration = regexp.MustCompile(`\b\d+(\.\d+)?(h|m|s|ms)\b|\dh\d+m`)

// dateTime is the one date format, 06.12.2026 12:37.
var dateTime = regexp.MustCompile(`\b\d\d\.\d\d\.\d{4} \d\d:\d\d\b`)

// checkTimes fails unless text has a time and every time in it is of the
// last few minutes in Kazakhstan's zone: none in UTC, none in another
// format.
func checkTimes(t *testing.T, what, text string) {
	t.Helper()
	found := dateTime.FindAllString(text, -1)
	if len(found) == 0 {
		t.Errorf("%s has no time as DD.MM.YYYY HH:MM: %q", what, text)
	}
	for _, s := range found {
		at, err := time.ParseInLocation(dateTimeLayout, s, Kazakhstan)
		if err != nil || time.Since(at) > 10*time.Minute || time.Until(at) > time.Minute {
			t.Errorf("%s: time %s is not now in UTC+5 (%s)", what, s, time.Now().In(Kazakhstan).Format(dateTimeLayout))
		}
	}
	if iso := regexp.MustCompile(`\d{4}-\d\d-\d\d|\b\d\d-\d\d \d\d:\d\d`).FindString(text); iso != "" {
		t.Errorf("%s has a date in another format, %q: %q", what, iso, text)
	}
	if d := goDuration.FindString(text); d != "" {
		t.Errorf("%s has Go's duration %q: %q", what, d, text)
	}
}

// A Russian-speaking moderator reads /stats, /audit, /queue, /thread and
// the CSV in Russian words, every time in UTC+5 as 06.12.2026 12:37, with
// no internal code, and opens items with a tap.
func TestModeratorReportsReadAsWords(t *testing.T) {
	n := newNetwork(t, func(c *Config) { c.ModeratorIDs = []int64{2001} })
	h := n.h
	mod := h.person(2001, "Асель", "ru")
	mod.startIn("Русский")
	ent := h.person(2301, "Ерлан", "kk")
	ent.startIn("Қазақша")
	id := n.post(ent, "Суару жүйесі тозды")
	n.mod.pressT(n.mod.expect(fmt.Sprintf("Moderation: #%d", id)), "btn_approve")
	card := n.agro1.expectCard(id)
	n.agro1.pressT(card, "btn_take")
	n.agro1.reply(card, "Тамшылатып суару жүйесін орнатыңыз.")
	n.agro1.pressT(n.agro1.expectT("answer_sent", id), "rec_technology")
	answer := ent.expect("Тамшылатып суару")
	ent.markSolved(answer, id)
	ent.press(ent.expect("жауаптарын бағалаңыз"), "⭐5")
	ent.expectT("rate_comment")
	ent.send("Пайдалы, рақмет!")
	ent.expectT("rate_saved")
	pending := n.post(ent, "Жем дайындау желісі")

	mod.send("/stats")
	stats := mod.expect("Статистика")
	for _, want := range []string{"(UTC+5)", "Все отрасли", "на модерации 1", "у экспертов", "решено 1", "оценка 5,0", "медиана до первого ответа меньше минуты"} {
		if !strings.Contains(stats.Text, want) {
			t.Errorf("/stats lacks %q: %q", want, stats.Text)
		}
	}
	if d := goDuration.FindString(stats.Text); d != "" {
		t.Errorf("/stats has Go's duration %q: %q", d, stats.Text)
	}
	if !regexp.MustCompile(`\d\d\.\d\d\.\d{4} — \d\d\.\d\d\.\d{4}`).MatchString(stats.Text) {
		t.Errorf("/stats period not as DD.MM.YYYY — DD.MM.YYYY: %q", stats.Text)
	}
	mod.send("/stats 01.01.2020 31.01.2020")
	mod.expectT("stats_none")
	mod.send("/stats 2020-01-31")
	mod.expectT("period_usage")

	mod.send("/help")
	mod.expect("/stats 01.11.2026 30.11.2026")

	mod.send("/audit")
	audit := mod.expect("Последние действия")
	checkTimes(t, "/audit", audit.Text)
	for _, want := range []string{"Одобрение", "Назначение экспертом", "Aigerim", fmt.Sprintf("/thread_%d", id)} {
		if !strings.Contains(audit.Text, want) {
			t.Errorf("/audit lacks %q: %q", want, audit.Text)
		}
	}
	for _, code := range []string{"approve", "add_expert", "agrotech"} {
		if strings.Contains(audit.Text, " "+code) {
			t.Errorf("/audit shows the code %q: %q", code, audit.Text)
		}
	}

	mod.send("/queue")
	queue := mod.expect("Очередь модерации")
	checkTimes(t, "/queue", queue.Text)
	if !strings.Contains(queue.Text, fmt.Sprintf("/thread_%d", pending)) {
		t.Errorf("/queue item is not a tap away: %q", queue.Text)
	}

	mod.send(fmt.Sprintf("/thread_%d", id)) // as Telegram sends the tapped link
	thread := mod.expect("Тамшылатып суару")
	checkTimes(t, "/thread", thread.Text)
	if !strings.Contains(thread.Text, "(эксперт)") || strings.Contains(thread.Text, "(expert)") {
		t.Errorf("/thread does not name the role in Russian: %q", thread.Text)
	}

	mod.send("/export")
	doc := mod.expectDocument("expertbot-")
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(doc.Data, []byte("\uFEFF"))))
	r.Comma = ';' // Excel with Russian regional settings
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse with ';': %v", err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, name := range []string{"Дата (UTC+5)", "Первый ответ (UTC+5)", "Внедрение", "Комментарии к оценкам", "Файлы", "У кого такая же проблема"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("the CSV has no column %q: %q", name, rows[0])
		}
	}
	if len(rows) != 3 {
		t.Fatalf("the CSV has %d rows, want a header and 2 requests", len(rows))
	}
	row := rows[1]
	checkTimes(t, "the CSV row", strings.Join(row, " | "))
	for name, want := range map[string]string{
		"Рекомендации":             "Технология или решение: Тамшылатып",
		"Внедрение":                "Технология или решение: ответа пока нет",
		"Комментарии к оценкам":    "Aigerim: 5/5 Пайдалы, рақмет!",
		"Файлы":                    "фото; фото; фото",
		"Средняя оценка":           "5,0",
		"Анонимно":                 "нет",
		"Статус":                   "решено",
		"Сообщения":                "(эксперт, ",
		"У кого такая же проблема": "0",
	} {
		if !strings.Contains(row[col[name]], want) {
			t.Errorf("CSV column %s = %q, want it to contain %q", name, row[col[name]], want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		en, ru string
	}{
		{20 * time.Second, "under a minute", "меньше минуты"},
		{12 * time.Minute, "12 min", "12 мин"},
		{5*time.Hour + 12*time.Minute + 20*time.Second, "5 h 12 min", "5 ч 12 мин"},
		{24 * time.Hour, "24 h", "24 ч"},
		{30*time.Hour + 5*time.Minute, "30 h 5 min", "30 ч 5 мин"},
		{51*time.Hour + 10*time.Minute, "2 d 3 h", "2 дн. 3 ч"},
		{72 * time.Hour, "3 d", "3 дн."},
	} {
		if got := formatDuration(c.d, "en"); got != c.en {
			t.Errorf("formatDuration(%v, en) = %q, want %q", c.d, got, c.en)
		}
		if got := formatDuration(c.d, "ru"); got != c.ru {
			t.Errorf("formatDuration(%v, ru) = %q, want %q", c.d, got, c.ru)
		}
	}
}
