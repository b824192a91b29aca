package sandbox

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/atameken/expertbot/bot/telegram/fake"
	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

// The sandbox loads its demonstration only into a database of its own:
// one that holds anybody else's data is refused, and never served.
func TestSandboxRefusesADatabaseNotItsOwn(t *testing.T) {
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.TouchUser(ctx, storage.User{ID: 777, FirstName: "A real user"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := LoadDemo(ctx, db, "v-test"); err == nil || !strings.Contains(err.Error(), "not the sandbox's") {
		t.Fatalf("LoadDemo on a database with a real user: %v, want a refusal", err)
	}
	var personas int
	db.SQL().QueryRow(`SELECT count(*) FROM users WHERE id <> 777`).Scan(&personas)
	if personas != 0 {
		t.Fatalf("%d personas loaded into a database not the sandbox's", personas)
	}
}

// A file someone uploads is never served as a page of the sandbox: only
// pictures show inline, anything else downloads, and never sniffed.
func TestSandboxServesFilesAsFiles(t *testing.T) {
	f := newFixture(t)
	page := []byte("<!doctype html><html><script>alert(document.cookie)</script></html>")
	status, _ := f.post("/api/send?as=1001", map[string]string{"text": ""}, "page.html", page)
	if status != http.StatusOK {
		t.Fatalf("upload: %d", status)
	}
	var id string
	for _, m := range f.tg.Messages(1001) {
		if m.Document != nil {
			id = m.Document.FileID
		}
	}
	resp, err := http.Get(f.web.URL + "/api/files/" + id)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") {
		t.Errorf("an uploaded page is served as %s", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("an uploaded page is served inline (Content-Disposition %q)", cd)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no X-Content-Type-Options: nosniff")
	}
}

// Requests that change something come from the sandbox's own page: a
// page of another site, or a name that is not the sandbox's (DNS
// rebinding), is refused.
func TestSandboxRefusesOtherOrigins(t *testing.T) {
	f := newFixture(t)
	send := func(header map[string]string) int {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("text", "hello")
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, f.web.URL+"/api/send?as=1001", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		for k, v := range header {
			if k == "Host" {
				req.Host = v
			} else {
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := send(map[string]string{"Origin": f.web.URL, "Sec-Fetch-Site": "same-origin"}); got != http.StatusOK {
		t.Errorf("the sandbox's own page: %d, want 200", got)
	}
	if got := send(map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}); got != http.StatusForbidden {
		t.Errorf("another site's page: %d, want 403", got)
	}
	if got := send(map[string]string{"Host": "evil.example"}); got != http.StatusForbidden {
		t.Errorf("a name not the sandbox's: %d, want 403", got)
	}
}

// The fake server keeps files within a budget, dropping the oldest.
func TestFilesBeyondTheBudgetDropTheOldest(t *testing.T) {
	tg := fake.NewUnstarted("1:files", fake.Limits{})
	tg.SetFileBudget(10)
	first := tg.AddFile(fake.File{Name: "a", Data: []byte("123456")})
	second := tg.AddFile(fake.File{Name: "b", Data: []byte("123456")})
	if _, ok := tg.FileByID(first); ok {
		t.Error("the oldest file is kept beyond the budget")
	}
	if _, ok := tg.FileByID(second); !ok {
		t.Error("the newest file is dropped")
	}
}
