package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

// migrated returns a migrated database's connection string and a getenv
// that points at it.
func migrated(t *testing.T) (string, func(string) string) {
	t.Helper()
	dsn := storagetest.NewDatabase(t)
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": dsn}[k] }
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"expertbot", "migrate"}, getenv, &stderr); err != nil {
		t.Fatalf("migrate: %v\n%s", err, stderr.String())
	}
	return dsn, getenv
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExpertsImport(t *testing.T) {
	t.Parallel()
	dsn, getenv := migrated(t)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	experts := func() int {
		var n int
		db.QueryRow(`SELECT count(*) FROM experts`).Scan(&n)
		return n
	}
	var stderr bytes.Buffer

	t.Run("ErrBadLinesImportNothing", func(t *testing.T) {
		bad := writeFile(t, "name,telegram,centres\n"+
			"Айгерим Сапарова,700001,agrotech\n"+
			"Борис Ким,700002,nosuchcentre\n"+
			"Dana Lee,not-an-id,digital\n"+
			",700004,digital\n"+
			"Ерлан,700001,mining\n")
		err := run(context.Background(), []string{"expertbot", "experts", "import", bad}, getenv, &stderr)
		if err == nil {
			t.Fatal("a roster with bad lines was accepted")
		}
		for _, want := range []string{"line 3: no centre \"nosuchcentre\"", "line 4:", "line 5: the name is empty", "line 6: 700001 is also on line 2"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
		if strings.Contains(err.Error(), "line 2:") {
			t.Errorf("error %q blames the good line 2", err)
		}
		if n := experts(); n != 0 {
			t.Fatalf("%d experts imported from a bad roster, want none", n)
		}
	})

	t.Run("OK", func(t *testing.T) {
		good := writeFile(t, "\uFEFFname,telegram,centres\nАйгерим Сапарова,700001,agrotech;digital\nБорис Ким,700002,mining\n")
		if err := run(context.Background(), []string{"expertbot", "experts", "import", good}, getenv, &stderr); err != nil {
			t.Fatal(err)
		}
		if n := experts(); n != 3 {
			t.Fatalf("%d expert memberships, want 3", n)
		}
		var name string
		db.QueryRow(`SELECT first_name FROM users WHERE id = 700001`).Scan(&name)
		if name != "Айгерим Сапарова" {
			t.Fatalf("name %q", name)
		}
		// The running bot will send each of them the expert's menu.
		var menus int
		db.QueryRow(`SELECT count(*) FROM outbox WHERE method = 'setMyCommands' AND status = 'pending'
			AND params->>'scope' IN ('{"type":"chat","chat_id":700001}', '{"type":"chat","chat_id":700002}')`).Scan(&menus)
		if menus != 2 {
			t.Fatalf("%d menus queued for the two experts, want 2", menus)
		}
	})
}

func TestExportCommand(t *testing.T) {
	t.Parallel()
	dsn, getenv := migrated(t)
	ctx := context.Background()
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.TouchUser(ctx, storage.User{ID: 900, FirstName: "Ерлан"}); err != nil {
			return err
		}
		_, err := tx.CreateProblem(ctx, &storage.Problem{AuthorID: 900, Kind: "problem", SectorID: 1, RegionID: 1,
			Title: "Өнімділік, \"сапа\" және ұзақ мерзім", Body: "Сипаттама\nекі жол"}, nil, storage.StatusOpen)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "export.csv")
	// A file already there, readable by all, is replaced by one only its
	// owner may read: the export holds entrepreneurs' names and BINs.
	if err := os.WriteFile(out, []byte("old, longer than what replaces it……………………………………………………………………………"), 0o644); err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(time.FixedZone("UTC+5", 5*3600)).Format("2006-01-02")
	var stderr bytes.Buffer
	if err := run(ctx, []string{"expertbot", "export", "--from", today, "--to", today, "--out", out, "--lang", "kk"}, getenv, &stderr); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the export's mode: %v, %v; want 0600", fi.Mode(), err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.Comma = ';' // as Excel with Kazakh regional settings reads it
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][6] != "Өнімділік, \"сапа\" және ұзақ мерзім" || rows[1][7] != "Сипаттама\nекі жол" || rows[1][3] != "Агроөнеркәсіптік кешен" {
		t.Fatalf("rows %q", rows)
	}
	if !strings.Contains(stderr.String(), "exported 1 problems") {
		t.Fatalf("stderr %q", stderr.String())
	}
}
