package bot

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/atameken/expertbot/storage"
)

// A cell that a spreadsheet would run as a formula is exported with a
// leading apostrophe, the rest of its text as it was.
func TestExportNeutralisesFormulas(t *testing.T) {
	row := storage.ExportRow{
		Problem: storage.Problem{ID: 1, CreatedAt: time.Now(), Kind: "problem", Status: storage.StatusOpen,
			Title: `=HYPERLINK("http://evil.example","click")`, Body: "+7 701 000 00 00", Company: "-2+3", BIN: "\t123"},
		AuthorName: "@attacker", OwnerName: "\rname",
		Attachments: storage.JSONList[storage.ExportAttachment]{{Kind: "document", Name: "=cmd.xlsx"}, {Kind: "photo"}}}
	var buf bytes.Buffer
	if err := WriteExport(&buf, []storage.ExportRow{row}, ExportFormat{Lang: "en", Zone: Kazakhstan, Comma: ','}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := rows[1]
	for col, want := range map[int]string{
		6:  `'=HYPERLINK("http://evil.example","click")`,
		7:  "'+7 701 000 00 00",
		8:  "'@attacker",
		10: "'-2+3",
		11: "'\t123",
		13: "'name", // encoding/csv writing CRLF lines drops a carriage return inside a field
		20: "'=cmd.xlsx; photo",
	} {
		if got[col] != want {
			t.Errorf("column %d = %q, want %q", col, got[col], want)
		}
	}

}
