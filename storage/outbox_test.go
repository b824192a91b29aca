package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

func TestEnqueueKeepsTheOrderOfCalls(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	var queued [][]int64
	db.OnQueued(func(chats []int64) { queued = append(queued, chats) })
	msg := func(chat int64, text string) storage.Call {
		return storage.Call{ChatID: chat, Method: "sendMessage", Params: storage.Params{"text": text}}
	}
	// Texts go through as they are, whatever JSON or SQL would quote.
	quoted := "a \"quoted\", \\ ,\nҚазақша {'[]'}"
	var ids []int64
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		if err := tx.Enqueue(ctx, msg(1, quoted), msg(2, "b")); err != nil {
			return err
		}
		var err error
		if ids, err = tx.EnqueueIDs(ctx, msg(1, "c")); err != nil {
			return err
		}
		return tx.Enqueue(ctx, msg(1, "d"))
	})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	var last int64
	err = db.SQL().QueryRow(`
		SELECT array_agg(params->>'text' ORDER BY id), max(id) FILTER (WHERE params->>'text' = 'c')
		FROM outbox`).Scan(pq.Array(&texts), &last)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprintf("%q", texts), fmt.Sprintf("%q", []string{quoted, "b", "c", "d"}); got != want {
		t.Errorf("calls in the order of their ids: %s, want %s", got, want)
	}
	if len(ids) != 1 || ids[0] != last {
		t.Errorf("EnqueueIDs returned %v, the call's id is %d", ids, last)
	}
	if got, want := fmt.Sprint(queued), "[[1 2 1 1]]"; got != want {
		t.Errorf("chats told after the commit: %s, want %s", got, want)
	}

	// A transaction rolled back writes nothing, kept back or not.
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		tx.Enqueue(ctx, msg(3, "e"))
		return fmt.Errorf("boom")
	})
	if st, _ := db.OutboxStats(ctx); err == nil || st.Pending != 4 {
		t.Fatalf("after a rollback: %v, %d calls pending, want 4", err, st.Pending)
	}
}

func TestSinceLastSent(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	if since, err := db.SinceLastSent(ctx); err != nil || since < 24*time.Hour {
		t.Fatalf("with nothing sent: %v, %v; want a day", since, err)
	}
	var ids []int64
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		ids, err = tx.EnqueueIDs(ctx, storage.Call{ChatID: 1, Method: "sendMessage", Params: storage.Params{"text": "a"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, storage.Sent{ID: ids[0], MessageID: 5}); err != nil {
		t.Fatal(err)
	}
	if since, err := db.SinceLastSent(ctx); err != nil || since < 0 || since > time.Minute {
		t.Fatalf("just after a call was sent: %v, %v", since, err)
	}
}

// Purge deletes what is done and old, keeps but strips a call a relay
// names, stops at a call still waiting, and reads each row once.
func TestPurgeKeepsWhatIsNamed(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	call := func(chat int64, text string) storage.Call {
		return storage.Call{ChatID: chat, Method: "sendMessage", Params: storage.Params{"text": text}}
	}
	var ids []int64
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		u, err := tx.TouchUser(ctx, storage.User{ID: 5, FirstName: "A"})
		if err != nil {
			return err
		}
		p, err := tx.CreateProblem(ctx, &storage.Problem{AuthorID: u.ID, Kind: "problem", SectorID: 1, RegionID: 1, Title: "t", Body: "b"}, nil, storage.StatusOpen)
		if err != nil {
			return err
		}
		if ids, err = tx.EnqueueIDs(ctx, call(5, "old"), call(5, "card"), call(6, "waiting"), call(5, "after")); err != nil {
			return err
		}
		return tx.AddRelays(ctx, p, nil, 5, ids[1:2])
	})
	if err != nil {
		t.Fatal(err)
	}
	db.MarkSent(ctx, storage.Sent{ID: ids[0], MessageID: 1}, storage.Sent{ID: ids[1], MessageID: 2}, storage.Sent{ID: ids[3], MessageID: 3})
	if n, err := db.Purge(ctx, time.Now().Add(time.Hour), 100); err != nil || n != 2 {
		t.Fatalf("Purge = %d, %v; want the old call deleted and the card stripped", n, err)
	}
	var params []string
	db.SQL().QueryRow(`SELECT array_agg(params::text ORDER BY id) FROM outbox`).Scan(pq.Array(&params))
	if want := []string{"{}", `{"text": "waiting"}`, `{"text": "after"}`}; fmt.Sprint(params) != fmt.Sprint(want) {
		t.Fatalf("left %q, want %q", params, want)
	}
	// Once the waiting call is done, the purge goes on from where it stopped.
	db.MarkSent(ctx, storage.Sent{ID: ids[2], MessageID: 4})
	if n, err := db.Purge(ctx, time.Now().Add(time.Hour), 100); err != nil || n != 2 {
		t.Fatalf("second Purge = %d, %v; want the two calls after the stop", n, err)
	}
	if n, _ := db.Purge(ctx, time.Now().Add(time.Hour), 100); n != 0 {
		t.Fatalf("a third Purge purged %d", n)
	}
}

// A newer edit of a message replaces the older pending ones it covers: a
// text edit the text and keyboard edits, a keyboard edit only keyboard
// edits.
func TestNewerEditSupersedesPendingOnes(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	edit := func(of int64, method, text string) storage.Call {
		return storage.Call{ChatID: 1, Method: method, EditOf: of, Params: storage.Params{"text": text}}
	}
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		ids, err := tx.EnqueueIDs(ctx, storage.Call{ChatID: 1, Method: "sendMessage", Params: storage.Params{"text": "1 file"}},
			storage.Call{ChatID: 1, Method: "sendMessage", Params: storage.Params{"text": "another"}})
		if err != nil {
			return err
		}
		of := ids[0]
		if err := tx.Enqueue(ctx, edit(of, "editMessageText", "2 files"), edit(of, "editMessageReplyMarkup", "")); err != nil {
			return err
		}
		if _, err := tx.EnqueueIDs(ctx, edit(of, "editMessageText", "3 files")); err != nil {
			return err
		}
		return tx.Enqueue(ctx, edit(of, "editMessageReplyMarkup", ""), edit(ids[1], "editMessageText", "another message"))
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	rows, err := db.SQL().Query(`SELECT method || ' ' || COALESCE(params->>'text', '') || ' ' || status FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	want := []string{
		"sendMessage 1 file pending",
		"sendMessage another pending",
		"editMessageText 2 files superseded",
		"editMessageReplyMarkup  superseded",
		"editMessageText 3 files pending",
		"editMessageReplyMarkup  pending",
		"editMessageText another message pending",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("outbox:\n%q\nwant\n%q", got, want)
	}
}
