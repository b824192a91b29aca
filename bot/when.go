package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kazakhstan keeps one time zone, UTC+5, since March 2024: the bot shows
// times in it and counts report periods in its days unless configured
// otherwise (Config.Zone).
var Kazakhstan = time.FixedZone("UTC+5", 5*60*60)

// The one date format of every text and file, the glossary's ДД.ММ.ГГГГ.
const (
	dateLayout     = "02.01.2006"
	dateTimeLayout = "02.01.2006 15:04"
)

// at writes a moment in the bot's zone, as 06.12.2026 12:37.
func (b *Bot) at(t time.Time) string { return t.In(b.cfg.Zone).Format(dateTimeLayout) }

// clock is a time of day in the bot's zone, "15:04".
func (b *Bot) clock(t time.Time) string { return t.In(b.cfg.Zone).Format("15:04") }

// zoneLabel names the bot's zone where times are listed, as "UTC+5".
func (b *Bot) zoneLabel() string { return b.cfg.Zone.String() }

// durationUnits are days, hours and minutes, short, in each language, and
// what is said of under a minute.
var durationUnits = map[string][4]string{
	"kk": {"күн", "сағ", "мин", "1 минуттан аз"},
	"ru": {"дн.", "ч", "мин", "меньше минуты"},
	"en": {"d", "h", "min", "under a minute"},
}

// formatDuration writes a length of time in words to the minute, the two
// largest units only: "under a minute", "45 min", "5 h 12 min", "2 d 3 h". Under two days it
// counts hours, as timers are set ("24 h", not "1 d").
func formatDuration(d time.Duration, lang string) string {
	u, ok := durationUnits[lang]
	if !ok {
		u = durationUnits[defaultLanguage]
	}
	d = d.Round(time.Minute)
	if d < time.Minute {
		return u[3]
	}
	days, hours, mins := int64(d/(24*time.Hour)), int64(d%(24*time.Hour)/time.Hour), int64(d%time.Hour/time.Minute)
	part := func(n int64, unit string) string { return strconv.FormatInt(n, 10) + " " + unit }
	switch {
	case d >= 48*time.Hour && hours == 0:
		return part(days, u[0])
	case d >= 48*time.Hour:
		return part(days, u[0]) + " " + part(hours, u[1])
	case d >= time.Hour && mins == 0:
		return part(days*24+hours, u[1])
	case d >= time.Hour:
		return part(days*24+hours, u[1]) + " " + part(mins, u[2])
	}
	return part(mins, u[2])
}

// formatDecimal writes a number with one decimal, with a comma in Kazakh
// and Russian and a point in English.
func formatDecimal(f float64, lang string) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// ParsePeriod reads a period of whole days in zone, "01.11.2026 30.11.2026"
// or "2026-11-01 2026-11-30" (both days included), as the half-open
// interval [from, to). With no dates it is the last days days up to today.
func ParsePeriod(args string, days int, now time.Time, zone *time.Location) (from, to time.Time, err error) {
	f := strings.Fields(args)
	today := now.In(zone)
	end := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, zone).AddDate(0, 0, 1)
	switch len(f) {
	case 0:
		return end.AddDate(0, 0, -days), end, nil
	case 2:
		from, err1 := parseDay(f[0], zone)
		last, err2 := parseDay(f[1], zone)
		if err1 != nil || err2 != nil || last.Before(from) {
			return time.Time{}, time.Time{}, fmt.Errorf("want two dates, DD.MM.YYYY, the first not after the second")
		}
		return from, last.AddDate(0, 0, 1), nil
	}
	return time.Time{}, time.Time{}, fmt.Errorf("want two dates, DD.MM.YYYY")
}

func parseDay(s string, zone *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(dateLayout, s, zone); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02", s, zone)
}
