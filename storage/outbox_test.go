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
