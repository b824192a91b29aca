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

// statsText writes the report of a period: per sector, all sectors
// together, and recommendations.
func (b *Bot) statsText(ctx context.Context, tx *storage.Tx, from, to time.Time, lang string) (string, error) {
	stats, err := tx.Stats(ctx, from, to)
	if err != nil {
		return "", err
	}
	recs, err := tx.RecommendationStats(ctx, from, to)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	out.WriteString(T(lang, "stats_title", from.Format(dateLayout), to.AddDate(0, 0, -1).Format(dateLayout), b.zoneLabel()))
	if len(stats) == 0 || stats[0].Total {
		out.WriteString("\n\n" + T(lang, "stats_none"))
	}
	for _, s := range stats {
		if s.Total && len(stats) == 1 {
			break
		}
		name := T(lang, "stats_total")
		if !s.Total {
			sector, err := tx.Sector(ctx, s.SectorID)
			if err != nil {
				return "", err
			}
			name = Escape(sector.Name(lang))
		}
		median, rating := T(lang, "no_data"), T(lang, "no_data")
		if s.MedianAnswer != nil {
			median = formatDuration(durationOf(*s.MedianAnswer), lang)
		}
		if s.AvgRating != nil {
			rating = formatDecimal(*s.AvgRating, lang)
		}
		out.WriteString("\n\n" + T(lang, "stats_line", name, s.Received, s.Pending, s.Open, s.Answered, s.Resolved, median, rating))
	}
	pressing, err := tx.MostPressing(ctx, from, to, 3)
	if err != nil {
		return "", err
	}
	if len(pressing) > 0 {
		out.WriteString("\n\n" + T(lang, "stats_pressing"))
		sector := 0
		for _, p := range pressing {
			if p.SectorID != sector {
				s, err := tx.Sector(ctx, p.SectorID)
				if err != nil {
					return "", err
				}
				sector = p.SectorID
				out.WriteString("\n<b>" + Escape(s.Name(lang)) + "</b>")
			}
			out.WriteString("\n" + T(lang, "stats_pressing_line", p.ID, Escape(clipText(p.Title, 60)), p.Supporters))
		}
	}
	if len(recs) > 0 {
		out.WriteString("\n\n" + T(lang, "stats_recs"))
		for _, r := range recs {
			out.WriteString("\n" + T(lang, "stats_rec_line", T(lang, "rec_"+r.Type), r.Count, r.Implemented))
		}
	}
	return out.String(), nil
}

// showStats is /stats [FROM TO].
func (b *Bot) showStats(ctx context.Context, r *req, args string) error {
	from, to, err := ParsePeriod(args, 30, b.now(), b.cfg.Zone)
	if err != nil {
		return r.send(ctx, r.t("period_usage"), nil)
	}
	text, err := b.statsText(ctx, r.tx, from, to, r.lang)
	if err != nil {
		return err
	}
	return r.send(ctx, text, nil)
}

// export is /export [FROM TO] [; or ,]: a CSV document of the period's
// problems, separated as the reader's Excel expects unless they say.
func (b *Bot) export(ctx context.Context, r *req, args string) error {
	f := ExportFormat{Lang: r.lang, Zone: b.cfg.Zone, Comma: DefaultComma(r.lang)}
	fields := strings.Fields(args)
	if n := len(fields); n > 0 && (fields[n-1] == ";" || fields[n-1] == ",") {
		f.Comma, args = rune(fields[n-1][0]), strings.Join(fields[:n-1], " ")
	}
	pressing := len(fields) > 0 && fields[0] == "pressing"
	if pressing {
		args = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(args), "pressing"))
	}
	from, to, err := ParsePeriod(args, 30, b.now(), b.cfg.Zone)
	if err != nil {
		return r.send(ctx, r.t("period_usage"), nil)
	}
	if pressing {
		return b.exportPressing(ctx, r, from, to, f)
	}
	rows, err := r.tx.Export(ctx, from, to)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteExport(&buf, rows, f); err != nil {
		return err
	}
	first, last := from.Format(dateLayout), to.AddDate(0, 0, -1).Format(dateLayout)
	name := fmt.Sprintf("expertbot-%s-%s.csv", from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02"))
	ids, err := r.tx.EnqueueIDs(ctx, document(r.chat, name, buf.Bytes(), r.t("export_caption", first, last, len(rows))))
	if err != nil {
		return err
	}
	authors := make([]int64, len(rows))
	for i, p := range rows {
		authors[i] = p.AuthorID
	}
	return r.tx.AddExport(ctx, ids[0], authors)
}

// exportPressing is /export pressing [FROM TO]: the ten requests of each
// sector most supported in the period, as a CSV for the committees.
func (b *Bot) exportPressing(ctx context.Context, r *req, from, to time.Time, f ExportFormat) error {
	rows, err := r.tx.MostPressing(ctx, from, to, 10)
	if err != nil {
		return err
	}
	sectors, err := r.tx.Sectors(ctx)
	if err != nil {
		return err
	}
	names := map[int]string{}
	for _, s := range sectors {
		names[s.ID] = s.Name(f.Lang)
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Comma, cw.UseCRLF = f.Comma, true
	cw.Write(strings.Split(T(f.Lang, "csv_pressing_header"), "|"))
	authors := make([]int64, len(rows))
	for i, p := range rows {
		cw.Write([]string{names[p.SectorID], strconv.FormatInt(p.ID, 10), p.Title, strconv.Itoa(p.Supporters)})
		authors[i] = p.AuthorID
	}
	if cw.Flush(); cw.Error() != nil {
		return cw.Error()
	}
	first, last := from.Format(dateLayout), to.AddDate(0, 0, -1).Format(dateLayout)
	name := fmt.Sprintf("expertbot-pressing-%s-%s.csv", from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02"))
	ids, err := r.tx.EnqueueIDs(ctx, document(r.chat, name, buf.Bytes(), r.t("export_pressing_caption", first, last, len(rows))))
	if err != nil {
		return err
	}
	return r.tx.AddExport(ctx, ids[0], authors) // titles are their authors' words
}

// ExportFormat is how a CSV is written for its reader.
type ExportFormat struct {
	Lang  string         // of headers, names and states
	Zone  *time.Location // of dates
	Comma rune           // between fields
}

// DefaultComma separates fields as Excel does with the regional settings
// of a language: Kazakh and Russian ones take a comma for the decimal
// separator and so a semicolon between fields.
func DefaultComma(lang string) rune {
	if lang == "en" {
		return ','
	}
	return ';'
}

// WriteExport writes problems as CSV in UTF-8 with a byte order mark, so
// that Excel reads Cyrillic and Kazakh letters right; one row a problem,
// its thread, recommendations, ratings and files in cells of their own.
func WriteExport(w io.Writer, rows []storage.ExportRow, f ExportFormat) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	lang, zone := f.Lang, f.Zone
	cw := csv.NewWriter(w)
	cw.Comma = f.Comma
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(strings.Split(T(lang, "csv_header", zone.String(), zone.String()), "|")); err != nil {
		return err
	}
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(zone).Format(dateTimeLayout)
	}
	const sep = "\n---\n"
	for _, p := range rows {
		var messages, recs, impl, ratings, files []string
		for _, m := range p.Messages {
			messages = append(messages, fmt.Sprintf("%s (%s, %s):\n%s", m.Author, T(lang, "role_"+m.Role), at(&m.At), m.Text))
		}
		for _, rec := range p.Recommendations {
			recs = append(recs, T(lang, "rec_"+rec.Type)+": "+rec.Text)
			state := T(lang, "impl_unknown")
			if rec.Implementation != "" {
				state = T(lang, "impl_"+rec.Implementation)
			}
			if rec.Comment != "" {
				state += " (" + rec.Comment + ")"
			}
			impl = append(impl, T(lang, "rec_"+rec.Type)+": "+state)
		}
		rating, sum := "", 0
		for _, rt := range p.Ratings {
			sum += rt.Score
			line := fmt.Sprintf("%s: %d/5", rt.Expert, rt.Score)
			if rt.Comment != "" {
				line += " " + rt.Comment
			}
			ratings = append(ratings, line)
		}
		if len(p.Ratings) > 0 {
			rating = formatDecimal(float64(sum)/float64(len(p.Ratings)), lang)
		}
		for _, a := range p.Attachments {
			name := a.Name
			if name == "" {
				name = T(lang, "file_kind_"+a.Kind)
			}
			files = append(files, name)
		}
		created := p.CreatedAt
		record := []string{
			strconv.FormatInt(p.ID, 10), at(&created), T(lang, "kind_"+p.Kind), p.Sector.Name(lang), p.Region.Name(lang),
			T(lang, "status_"+p.Status), p.Title, p.Body, p.AuthorName, strconv.FormatInt(p.AuthorID, 10),
			p.Company, p.BIN, T(lang, map[bool]string{true: "yes", false: "no"}[p.Anonymous]), p.OwnerName, at(p.FirstAnswerAt),
			strings.Join(messages, sep), strings.Join(recs, sep), strings.Join(impl, sep), rating,
			strings.Join(ratings, sep), strings.Join(files, "; "), strconv.Itoa(p.Supporters),
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
	from, to, _ := ParsePeriod("", 7, b.now(), b.cfg.Zone)
	var failed error
	err := b.tellModerators(ctx, tx, func(lang string) string {
		text, err := b.statsText(ctx, tx, from, to, lang)
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
	next := nextDigest(b.now(), b.cfg.Zone)
	return tx.AddReminder(ctx, storage.ReminderDigest, nil, nil, next)
}

// nextDigest is the next Monday, 09:00 in zone.
func nextDigest(now time.Time, zone *time.Location) time.Time {
	t := now.In(zone)
	d := time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, zone)
	for d.Weekday() != time.Monday || !d.After(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
