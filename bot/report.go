package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/atameken/expertbot/storage"
)

// Kazakhstan keeps one time zone, UTC+5, since March 2024: periods and
// report dates are days there.
var kzTime = time.FixedZone("UTC+5", 5*60*60)

// ParsePeriod reads a period of whole days, "2026-11-01 2026-11-30" (both
// days included), as the half-open interval [from, to). With no dates it is
// the last days days up to today.
func ParsePeriod(args string, days int, now time.Time) (from, to time.Time, err error) {
	f := strings.Fields(args)
	today := now.In(kzTime)
	end := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, kzTime).AddDate(0, 0, 1)
	switch len(f) {
	case 0:
		return end.AddDate(0, 0, -days), end, nil
	case 2:
		from, err1 := time.ParseInLocation("2006-01-02", f[0], kzTime)
		last, err2 := time.ParseInLocation("2006-01-02", f[1], kzTime)
		if err1 != nil || err2 != nil || last.Before(from) {
			return time.Time{}, time.Time{}, fmt.Errorf("want two dates, YYYY-MM-DD, the first not after the second")
		}
		return from, last.AddDate(0, 0, 1), nil
	}
	return time.Time{}, time.Time{}, fmt.Errorf("want two dates, YYYY-MM-DD")
}

// statsText writes the report of a period: per sector, and recommendations.
func statsText(ctx context.Context, tx *storage.Tx, from, to time.Time, lang string) (string, error) {
	stats, err := tx.Stats(ctx, from, to)
	if err != nil {
		return "", err
	}
	recs, err := tx.RecommendationStats(ctx, from, to)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(T(lang, "stats_title", from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02")))
	if len(stats) == 0 {
		b.WriteString("\n" + T(lang, "stats_none"))
	}
	for _, s := range stats {
		sector, err := tx.Sector(ctx, s.SectorID)
		if err != nil {
			return "", err
		}
		median, rating := T(lang, "none"), T(lang, "none")
		if s.MedianAnswer != nil {
			median = formatDuration(durationOf(*s.MedianAnswer), lang)
		}
		if s.AvgRating != nil {
			rating = strconv.FormatFloat(*s.AvgRating, 'f', 1, 64)
		}
		b.WriteString("\n" + T(lang, "stats_line", Escape(sector.Name(lang)), s.Received, s.Open, s.Answered, s.Resolved, median, rating))
	}
	if len(recs) > 0 {
		b.WriteString("\n\n" + T(lang, "stats_recs"))
		for _, r := range recs {
			b.WriteString("\n" + T(lang, "stats_rec_line", T(lang, "rec_"+r.Type), r.Count, r.Implemented))
		}
	}
	return b.String(), nil
}

// showStats is /stats [FROM TO].
func (b *Bot) showStats(ctx context.Context, r *req, args string) error {
	from, to, err := ParsePeriod(args, 30, b.now())
	if err != nil {
		return r.send(ctx, r.t("period_usage"), nil)
	}
	text, err := statsText(ctx, r.tx, from, to, r.lang)
	if err != nil {
		return err
	}
	return r.send(ctx, text, nil)
}

// export is /export [FROM TO]: a CSV document of the period's problems.
func (b *Bot) export(ctx context.Context, r *req, args string) error {
	from, to, err := ParsePeriod(args, 30, b.now())
	if err != nil {
		return r.send(ctx, r.t("period_usage"), nil)
	}
	rows, err := r.tx.Export(ctx, from, to)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteExport(&buf, rows, r.lang); err != nil {
		return err
	}
	first, last := from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02")
	ids, err := r.tx.EnqueueIDs(ctx, document(r.chat, fmt.Sprintf("expertbot-%s-%s.csv", first, last), buf.Bytes(), r.t("export_caption", first, last)))
	if err != nil {
		return err
	}
	authors := make([]int64, len(rows))
	for i, p := range rows {
		authors[i] = p.AuthorID
	}
	return r.tx.AddExport(ctx, ids[0], authors)
}

// WriteExport writes problems as CSV in UTF-8 with a byte order mark, so
// that Excel reads Cyrillic and Kazakh letters right, with headers and
// sector and region names in lang.
func WriteExport(w io.Writer, rows []storage.ExportRow, lang string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(strings.Split(T(lang, "csv_header"), "|")); err != nil {
		return err
	}
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(kzTime).Format("2006-01-02 15:04")
	}
	for _, p := range rows {
		rating := ""
		if p.AvgRating != nil {
			rating = strconv.FormatFloat(*p.AvgRating, 'f', 1, 64)
		}
		anonymous := map[bool]string{true: "1", false: "0"}[p.Anonymous]
		created := p.CreatedAt
		record := []string{
			strconv.FormatInt(p.ID, 10), at(&created), T(lang, "kind_"+p.Kind), p.Sector.Name(lang), p.Region.Name(lang),
			T(lang, "status_"+p.Status), p.Title, p.Body, p.AuthorName, strconv.FormatInt(p.AuthorID, 10),
			p.Company, p.BIN, anonymous, p.OwnerName, at(p.FirstAnswerAt), p.Answers, p.Recommendations, rating,
		}
		for i, cell := range record {
			record[i] = inert(cell)
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// inert keeps a spreadsheet from taking a cell for a formula: a cell that
// starts as one can (=, +, -, @, a tab or a carriage return) gets a
// leading apostrophe, which Excel and LibreOffice show as text and hide.
// See OWASP's "CSV Injection".
func inert(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// document builds a sendDocument call that uploads bytes as a file.
func document(chatID int64, name string, data []byte, caption string) storage.Call {
	return storage.Call{
		ChatID: chatID, Method: "sendDocument", Priority: storage.PriorityInteractive,
		Params:    storage.Params{"chat_id": strconv.FormatInt(chatID, 10), "caption": caption},
		FileField: "document", FileName: name, FileData: data,
	}
}

// sendDigest sends the moderators the last week's report and sets the
// next digest a week on.
func (b *Bot) sendDigest(ctx context.Context, tx *storage.Tx) error {
	from, to, _ := ParsePeriod("", 7, b.now())
	var failed error
	err := b.tellModerators(ctx, tx, func(lang string) string {
		text, err := statsText(ctx, tx, from, to, lang)
		if err != nil {
			failed = err
		}
		return T(lang, "digest_title") + "\n\n" + text
	})
	if err == nil {
		err = failed
	}
	if err != nil {
		return err
	}
	next := nextDigest(b.now())
	return tx.AddReminder(ctx, storage.ReminderDigest, nil, nil, next)
}

// nextDigest is the next Monday, 09:00 in Kazakhstan.
func nextDigest(now time.Time) time.Time {
	t := now.In(kzTime)
	d := time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, kzTime)
	for d.Weekday() != time.Monday || !d.After(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
