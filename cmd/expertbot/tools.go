package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/storage"
)

// exportCommand is `expertbot export --from DATE --to DATE --out FILE`: the
// same CSV as the bot's /export.
func exportCommand(ctx context.Context, db *storage.DB, zone *time.Location, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "first day, DD.MM.YYYY or YYYY-MM-DD (default: 30 days ago)")
	to := fs.String("to", "", "last day, DD.MM.YYYY or YYYY-MM-DD (default: today)")
	sep := fs.String("sep", "", "field separator, ; or , (default: ; for kk and ru, as Excel with their regional settings reads, , for en)")
	out := fs.String("out", "", "file to write (default: standard output)")
	lang := fs.String("lang", "ru", "language of headers and names: kk, ru or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*from == "") != (*to == "") {
		return errors.New("export: give both --from and --to, or neither")
	}
	start, end, err := bot.ParsePeriod(strings.TrimSpace(*from+" "+*to), 30, time.Now(), zone)
	if err != nil {
		return fmt.Errorf("export: %v", err)
	}
	if *lang != "kk" && *lang != "ru" && *lang != "en" {
		return fmt.Errorf("export: --lang must be kk, ru or en")
	}
	rows, err := db.Export(ctx, start, end)
	if err != nil {
		return err
	}
	w := io.Writer(os.Stdout)
	if *out != "" {
		// Only its owner may read it, also when it was there before: it holds
		// entrepreneurs' names, companies and BINs.
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer f.Close()
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		w = f
	}
	f := bot.ExportFormat{Lang: *lang, Zone: zone, Comma: bot.DefaultComma(*lang)}
	switch *sep {
	case "":
	case ";", ",":
		f.Comma = rune((*sep)[0])
	default:
		return fmt.Errorf("export: --sep must be ; or ,")
	}
	if err := bot.WriteExport(w, rows, f); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stderr, "exported %d problems from %s to %s\n", len(rows), start.Format("02.01.2006"), end.AddDate(0, 0, -1).Format("02.01.2006"))
	return nil
}

// expertsCommand is `expertbot experts import FILE.csv`.
func expertsCommand(ctx context.Context, db *storage.DB, args []string, stderr io.Writer) error {
	if len(args) != 2 || args[0] != "import" {
		return errors.New("usage: expertbot experts import FILE.csv")
	}
	f, err := os.Open(args[1])
	if err != nil {
		return fmt.Errorf("experts import: %w", err)
	}
	defer f.Close()
	n, err := importRoster(ctx, db, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "imported %d experts\n", n)
	return nil
}

// importRoster loads a roster of experts: lines of name, Telegram id or
// @username (of someone who has started the bot), and centre codes
// separated by ";". A first line of headers is allowed. Every bad line is
// reported with its number, and then nothing is imported.
func importRoster(ctx context.Context, db *storage.DB, r io.Reader) (int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	records, err := cr.ReadAll()
	if err != nil {
		return 0, fmt.Errorf("experts import: %w", err)
	}
	var entries []storage.RosterEntry
	var problems []string
	seen := map[string]int{}
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		for i, rec := range records {
			line := i + 1
			if i == 0 && len(rec) > 0 && strings.EqualFold(strings.TrimPrefix(strings.TrimSpace(rec[0]), "\uFEFF"), "name") {
				continue // headers
			}
			e, problem := rosterEntry(ctx, tx, rec)
			if problem == "" {
				if first, dup := seen[e.Who]; dup {
					problem = fmt.Sprintf("%s is also on line %d", e.Who, first)
				}
				seen[e.Who] = line
			}
			if problem != "" {
				problems = append(problems, fmt.Sprintf("line %d: %s", line, problem))
				continue
			}
			entries = append(entries, e)
		}
		if len(problems) > 0 {
			return nil
		}
		if err := tx.ImportRoster(ctx, entries); err != nil {
			return err
		}
		// The running bot sends the new experts their menus.
		for _, e := range entries {
			if err := bot.QueueMenus(ctx, tx, e.UserID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if len(problems) > 0 {
		return 0, fmt.Errorf("experts import: nothing imported, %d bad lines:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	return len(entries), nil
}

func rosterEntry(ctx context.Context, tx *storage.Tx, rec []string) (storage.RosterEntry, string) {
	var e storage.RosterEntry
	if len(rec) != 3 {
		return e, fmt.Sprintf("want 3 fields (name, Telegram id or @username, centres), got %d", len(rec))
	}
	e.Name, e.Who = strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
	if e.Name == "" {
		return e, "the name is empty"
	}
	if name, ok := strings.CutPrefix(e.Who, "@"); ok {
		u, err := tx.UserByUsername(ctx, name)
		if err != nil {
			return e, fmt.Sprintf("%s has not started the bot: give their numeric Telegram id", e.Who)
		}
		e.UserID = u.ID
	} else if id, err := strconv.ParseInt(e.Who, 10, 64); err == nil && id > 0 {
		e.UserID = id
	} else {
		return e, fmt.Sprintf("%q is neither a Telegram id nor an @username", e.Who)
	}
	for _, code := range strings.FieldsFunc(rec[2], func(r rune) bool { return r == ';' || r == ' ' || r == ',' }) {
		c, err := tx.CentreByCode(ctx, code)
		if err != nil {
			return e, fmt.Sprintf("no centre %q", code)
		}
		e.CentreIDs = append(e.CentreIDs, c.ID)
	}
	if len(e.CentreIDs) == 0 {
		return e, "no centre given"
	}
	return e, ""
}
