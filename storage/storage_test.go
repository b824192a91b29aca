package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

func TestSaveUpdatesKeepsEachOnce(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	batch := []storage.Update{
		{ID: 1, ChatID: 10, UserID: 10, Kind: "message", Payload: []byte(`{"update_id":1}`)},
		// Kept as Telegram sent it, byte for byte.
		{ID: 2, ChatID: 10, UserID: 10, Kind: "message", Payload: []byte(`{"update_id": 2, "message": {"text": "\"Сәлем\", \\ ,\n\u0041"} }`)},
	}
	if n, err := db.SaveUpdates(ctx, batch); err != nil || n != 2 {
		t.Fatalf("first save: %d new, %v; want 2", n, err)
	}
	// Whatever JSON an update is, it stays one update: an array too.
	batch = append(batch, storage.Update{ID: 3, ChatID: 11, Kind: "message", Payload: []byte(`[]`)})
	if n, err := db.SaveUpdates(ctx, batch); err != nil || n != 1 {
		t.Fatalf("second save: %d new, %v; want 1", n, err)
	}
	var kept []string
	if err := db.SQL().QueryRow(`SELECT array_agg(payload::text ORDER BY update_id) FROM inbox`).Scan(pq.Array(&kept)); err != nil {
		t.Fatal(err)
	}
	for i, u := range batch {
		if i >= len(kept) || kept[i] != string(u.Payload) {
			t.Errorf("update %d kept as %q, want %s", u.ID, kept, u.Payload)
		}
	}
}

func TestHandleNextInOrderAndOnce(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	db.SaveUpdates(ctx, []storage.Update{
		{ID: 7, ChatID: 10, Kind: "message", Payload: []byte(`{}`)},
		{ID: 5, ChatID: 10, Kind: "message", Payload: []byte(`{}`)},
	})
	var order []int64
	var more []bool
	handle := func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
		order = append(order, u.ID)
		if want := keptAt(t, db, u.ID); !u.ReceivedAt.Equal(want) {
			t.Errorf("update %d taken: ReceivedAt %v, want %v, when it was kept", u.ID, u.ReceivedAt, want)
		}
		return nil
	}
	for range 3 {
		_, m, err := db.HandleNext(ctx, 10, handle)
		if err != nil {
			t.Fatal(err)
		}
		more = append(more, m)
	}
	if len(order) != 2 || order[0] != 5 || order[1] != 7 {
		t.Fatalf("handled %v, want [5 7]", order)
	}
	if !more[0] || more[1] || more[2] {
		t.Fatalf("more after each call: %v, want [true false false]", more)
	}

	t.Run("FailureRollsBackAndRetriesLater", func(t *testing.T) {
		db.SaveUpdates(ctx, []storage.Update{{ID: 9, ChatID: 12, Kind: "message", Payload: []byte(`{}`)}})
		boom := errors.New("boom")
		u, _, err := db.HandleNext(ctx, 12, func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
			if err := tx.Enqueue(ctx, storage.Call{ChatID: 12, Method: "sendMessage", Params: storage.Params{"text": "x"}}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || u == nil || u.ID != 9 {
			t.Fatalf("HandleNext = %v, %v; want update 9 and the handler's error", u, err)
		}
		if st, _ := db.OutboxStats(ctx); st.Pending != 0 {
			t.Fatalf("a failed handler's message was kept: %+v", st)
		}
		parked, err := db.RecordFailure(ctx, 9, "boom", time.Hour, 2)
		if err != nil || parked {
			t.Fatalf("first failure: parked=%v, %v", parked, err)
		}
		if u, _, _ := db.HandleNext(ctx, 12, handle); u != nil {
			t.Fatal("an update waiting for its retry was handled early")
		}
		if parked, _ := db.RecordFailure(ctx, 9, "boom", 0, 2); !parked {
			t.Fatal("second of two allowed failures did not park the update")
		}
	})
}

func TestHandleBatch(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	db.SaveUpdates(ctx, []storage.Update{
		{ID: 21, ChatID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 22, ChatID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 23, ChatID: 2, Kind: "message", Payload: []byte(`{}`)},
		{ID: 20, ChatID: 3, Kind: "message", Payload: []byte(`{}`)},
		{ID: 24, ChatID: 4, Kind: "message", Payload: []byte(`{}`)},
	})
	send := func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
		return tx.Enqueue(ctx, storage.Call{ChatID: u.ChatID, Method: "sendMessage", Params: storage.Params{"text": fmt.Sprint(u.ID)}})
	}
	pending := func() int {
		st, _ := db.OutboxStats(ctx)
		return st.Pending
	}

	// A failure anywhere in the batch keeps nothing of it.
	boom := errors.New("boom")
	handled, _, failed, err := db.HandleBatch(ctx, []int64{1, 2, 3}, nil, func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
		if u.ID == 23 {
			return boom
		}
		return send(ctx, tx, u)
	})
	if !errors.Is(err, boom) || failed == nil || failed.ID != 23 || handled != nil || pending() != 0 {
		t.Fatalf("failed batch: handled %v, failed %v, %v, %d messages kept", handled, failed, err, pending())
	}

	// Chat 4 is held by another worker: it is left out. The others give
	// their oldest update each, oldest first.
	held, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := held.ExecContext(ctx, `SELECT pg_advisory_lock(4)`); err != nil {
		t.Fatal(err)
	}
	// prepare sees the whole batch before fn sees any of it.
	var order []int64
	prepare := func(ctx context.Context, tx *storage.Tx, us []storage.Update) error {
		for _, u := range us {
			order = append(order, -u.ID)
		}
		return nil
	}
	handled, more, _, err := db.HandleBatch(ctx, []int64{1, 2, 3, 4}, prepare, func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
		order = append(order, u.ID)
		if want := keptAt(t, db, u.ID); !u.ReceivedAt.Equal(want) {
			t.Errorf("update %d taken: ReceivedAt %v, want %v, when it was kept", u.ID, u.ReceivedAt, want)
		}
		return send(ctx, tx, u)
	})
	if err != nil || len(handled) != 3 || fmt.Sprint(order) != "[-20 -21 -23 20 21 23]" || pending() != 3 {
		t.Fatalf("batch: handled %d in order %v, %v, %d messages", len(handled), order, err, pending())
	}
	if fmt.Sprint(more) != "[1]" {
		t.Fatalf("chats with more due: %v, want [1]", more)
	}
	var left []int64
	if err := db.SQL().QueryRow(`SELECT array_agg(update_id ORDER BY update_id) FROM inbox WHERE handled_at IS NULL`).Scan(pq.Array(&left)); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(left) != "[22 24]" {
		t.Fatalf("left unhandled %v, want [22 24]", left)
	}
}

// keptAt reads when an update was kept in the inbox.
func keptAt(t *testing.T, db *storage.DB, id int64) time.Time {
	t.Helper()
	var at time.Time
	if err := db.SQL().QueryRow(`SELECT received_at FROM inbox WHERE update_id = $1`, id).Scan(&at); err != nil {
		t.Fatal(err)
	}
	return at
}

// newDBWithCalls returns a database with four calls queued: chat 1 a bulk
// message 1a, then an interactive reply 1b; chat 2 a bulk message 2a;
// chat 3 an interactive reply 3a; and a lock to claim them through.
func newDBWithCalls(t *testing.T) (*storage.DB, *storage.Lock, context.Context) {
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	msg := func(chat int64, prio int, text string) storage.Call {
		return storage.Call{ChatID: chat, Method: "sendMessage", Params: storage.Params{"text": text}, Priority: prio}
	}
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		return tx.Enqueue(ctx,
			msg(1, storage.PriorityBulk, "1a"), msg(1, storage.PriorityInteractive, "1b"),
			msg(2, storage.PriorityBulk, "2a"),
			msg(3, storage.PriorityInteractive, "3a"))
	})
	if err != nil {
		t.Fatal(err)
	}
	lock, err := db.TryLock(ctx, 1)
	if err != nil || lock == nil {
		t.Fatalf("TryLock = %v, %v", lock, err)
	}
	t.Cleanup(lock.Release)
	return db, lock, ctx
}

// pickAll is a pick that sends every candidate.
func pickAll(c []storage.Call) []int64 {
	ids := make([]int64, len(c))
	for i, m := range c {
		ids[i] = m.ID
	}
	return ids
}

func TestClaimCallsTakesEachChatsOldestFirst(t *testing.T) {
	t.Parallel()
	db, lock, ctx := newDBWithCalls(t)
	none := func([]storage.Call) []int64 { return nil }
	var seen []int64
	lock.ClaimCalls(ctx, time.Now(), 10, []int64{1, 3}, func(c []storage.Call) []int64 {
		for _, m := range c {
			seen = append(seen, m.ChatID)
		}
		return nil
	})
	if len(seen) != 1 || seen[0] != 2 {
		t.Fatalf("with chats 1 and 3 skipped, candidates of chats %v, want [2]", seen)
	}
	if got, _ := lock.ClaimCalls(ctx, time.Now(), 10, nil, none); len(got) != 0 {
		t.Fatalf("claimed %d calls none was picked", len(got))
	}
	got, err := lock.ClaimCalls(ctx, time.Now(), 10, nil, pickAll)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range got {
		texts = append(texts, m.Params["text"])
	}
	// Chat 1's interactive reply waits behind its older bulk message; the
	// interactive head of chat 3 goes first.
	if want := []string{"3a", "1a", "2a"}; len(texts) != 3 || texts[0] != want[0] || texts[1] != want[1] || texts[2] != want[2] {
		t.Fatalf("claimed %v, want %v", texts, want)
	}
	if !got[1].More || got[0].More || got[2].More {
		t.Fatalf("More of 3a, 1a, 2a = %v, %v, %v; want only 1a's, with 1b behind it", got[0].More, got[1].More, got[2].More)
	}
	if err := db.MarkSent(ctx, storage.Sent{ID: got[1].ID, MessageID: 42}); err != nil {
		t.Fatal(err)
	}
	// The calls not recorded are waiting still, and are the sender's to
	// leave out while it makes them.
	next, _ := lock.ClaimCalls(ctx, time.Now(), 10, []int64{2, 3}, pickAll)
	if len(next) != 1 || next[0].Params["text"] != "1b" {
		t.Fatalf("after 1a was sent, claimed %v, want 1b", next)
	}

	// A call picked but sent meanwhile, by a sender that had it in flight
	// before this one took over, is left out.
	mine, err := lock.ClaimCalls(ctx, time.Now(), 10, nil, func(c []storage.Call) []int64 {
		for _, m := range c {
			if m.ChatID == 3 {
				db.MarkSent(ctx, storage.Sent{ID: m.ID, MessageID: 7})
			}
		}
		return pickAll(c)
	})
	if err != nil || len(mine) != 2 || mine[0].ChatID != 1 || mine[1].ChatID != 2 {
		t.Fatalf("with 3a sent between reading and picking: claimed %+v, %v; want 1b and 2a", mine, err)
	}
}

func TestClaimChatsTakesOnlyTheirOldestCalls(t *testing.T) {
	t.Parallel()
	db, lock, ctx := newDBWithCalls(t)
	texts := func(ms []storage.Claimed) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Params["text"])
		}
		return out
	}

	// At most limit, interactive replies first.
	got, err := lock.ClaimChats(ctx, time.Now(), []int64{1, 3}, 1, pickAll)
	if err != nil || !slices.Equal(texts(got), []string{"3a"}) || got[0].Attempts != 0 {
		t.Fatalf("claimed %v (%v), want [3a], not tried before", got, err)
	}
	got, err = lock.ClaimChats(ctx, time.Now(), []int64{1, 4}, 8, pickAll)
	if err != nil {
		t.Fatal(err)
	}
	// Chat 2 was not asked for, chat 4 has nothing; chat 1's interactive
	// reply waits behind its older bulk message.
	if !slices.Equal(texts(got), []string{"1a"}) || !got[0].More {
		t.Fatalf("claimed %v (%+v), want [1a] with 1b behind it", texts(got), got)
	}
	// A failed attempt is counted, and the call waits for its time.
	if err := db.RetryCall(ctx, got[0].ID, time.Now().Add(time.Hour), "502"); err != nil {
		t.Fatal(err)
	}
	if again, _ := lock.ClaimChats(ctx, time.Now(), []int64{1}, 8, pickAll); len(again) != 0 {
		t.Fatalf("a call to be retried in an hour was claimed: %v", texts(again))
	}
	if err := db.RetryCall(ctx, got[0].ID, time.Now(), "502"); err != nil {
		t.Fatal(err)
	}
	again, _ := lock.ClaimChats(ctx, time.Now(), []int64{1}, 8, pickAll)
	if !slices.Equal(texts(again), []string{"1a"}) || again[0].Attempts != 2 {
		t.Fatalf("after two failed attempts, claimed %+v, want 1a with 2 attempts", again)
	}
	if err := db.MarkSent(ctx, storage.Sent{ID: got[0].ID, MessageID: 42}); err != nil {
		t.Fatal(err)
	}
	if next, _ := lock.ClaimChats(ctx, time.Now(), []int64{1}, 8, pickAll); !slices.Equal(texts(next), []string{"1b"}) {
		t.Fatalf("after 1a was sent, claimed %v, want [1b]", texts(next))
	}
}

func TestSendingTellsAMessageNotYetRecorded(t *testing.T) {
	t.Parallel()
	db, lock, ctx := newDBWithCalls(t)
	sending := func(chat, message int64) bool {
		t.Helper()
		var got bool
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			var err error
			got, err = tx.Sending(ctx, chat, message)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// Chat 1: 1a sent as an album of messages 40-42, 1b waiting.
	first, _ := lock.ClaimChats(ctx, time.Now(), []int64{1}, 1, pickAll)
	if err := db.MarkSent(ctx, storage.Sent{ID: first[0].ID, MessageID: 40, AlbumIDs: []int64{40, 41, 42}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		chat, message int64
		want          bool
	}{
		{1, 41, false}, // a photo of the album recorded
		{1, 42, false},
		{1, 43, true}, // newer than all recorded, and 1b waits: 1b's, its outcome not yet in
		{2, 5, true},  // nothing recorded in chat 2, and 2a waits
		{9, 5, false}, // nothing waits for chat 9
	} {
		if got := sending(c.chat, c.message); got != c.want {
			t.Errorf("Sending(chat %d, message %d) = %v, want %v", c.chat, c.message, got, c.want)
		}
	}
	second, _ := lock.ClaimChats(ctx, time.Now(), []int64{1}, 1, pickAll)
	if err := db.MarkSent(ctx, storage.Sent{ID: second[0].ID, MessageID: 43}); err != nil {
		t.Fatal(err)
	}
	if sending(1, 43) || sending(1, 44) {
		t.Errorf("Sending after chat 1's calls were all recorded = true")
	}
}

func TestALockGoneClaimsNothing(t *testing.T) {
	t.Parallel()
	db, lock, ctx := newDBWithCalls(t)
	// The lock's session ends, as when PostgreSQL restarts, and another
	// process takes the lock. (Advisory locks are per database; so is this
	// test's, as the other tests', which run beside it.)
	var ended bool
	err := db.SQL().QueryRowContext(ctx, `
		SELECT pg_terminate_backend(pid, 10000) FROM pg_locks
		WHERE locktype = 'advisory' AND ((classid::bigint << 32) | objid::bigint) = 1
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&ended)
	if err != nil || !ended {
		t.Fatalf("ending the lock's session: %v, %v", ended, err)
	}
	other, err := db.TryLock(ctx, 1)
	if err != nil || other == nil {
		t.Fatalf("TryLock after the holder's session ended = %v, %v", other, err)
	}
	defer other.Release()
	if got, err := lock.ClaimChats(ctx, time.Now(), []int64{1, 2, 3}, 8, pickAll); err == nil || len(got) != 0 {
		t.Fatalf("claimed through a lock that is gone: %d calls, %v; want none and an error", len(got), err)
	}
	if got, err := lock.ClaimCalls(ctx, time.Now(), 8, nil, pickAll); err == nil || len(got) != 0 {
		t.Fatalf("claimed through a lock that is gone: %d calls, %v; want none and an error", len(got), err)
	}
	if err := lock.Check(ctx); err == nil {
		t.Fatal("Check of a lock that is gone = nil")
	}
	if got, err := other.ClaimChats(ctx, time.Now(), []int64{1, 2, 3}, 8, pickAll); err != nil || len(got) != 3 {
		t.Fatalf("claimed through the lock held now: %d calls, %v; want 3", len(got), err)
	}
}

func TestLockIsExclusive(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	first, err := db.TryLock(ctx, 99)
	if err != nil || first == nil {
		t.Fatalf("first TryLock = %v, %v", first, err)
	}
	if err := first.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if second, err := db.TryLock(ctx, 99); err != nil || second != nil {
		t.Fatalf("second TryLock while held = %v, %v; want nil, nil", second, err)
	}
	first.Release()
	second, err := db.TryLock(ctx, 99)
	if err != nil || second == nil {
		t.Fatalf("TryLock after release = %v, %v", second, err)
	}
	second.Release()
}

func TestDialogRoundTrip(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.TouchUser(ctx, storage.User{ID: 5, FirstName: "A"}); err != nil {
			return err
		}
		if _, err := tx.Dialog(ctx, 5); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Dialog before any: %v, want ErrNotFound", err)
		}
		if err := tx.SaveDialog(ctx, &storage.Dialog{UserID: 5, Name: "new", Step: "title", Data: []byte(`{"a":1}`)}); err != nil {
			return err
		}
		d, err := tx.Dialog(ctx, 5)
		if err != nil || d.Step != "title" || string(d.Data) != `{"a": 1}` {
			t.Errorf("Dialog = %+v, %v", d, err)
		}
		return tx.EndDialog(ctx, 5)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWorkersRacingForAChatHandleEachUpdateOnce has workers of two kinds
// (one update, a batch) race for the same chats, as the workers of two
// replicas do. A statement's snapshot is taken before it gets a chat's
// lock, so a worker may pick an update that the worker it waited for has
// just handled: each update must still be handled once.
func TestWorkersRacingForAChatHandleEachUpdateOnce(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	const chats, perChat = 4, 150
	var updates []storage.Update
	for i := range chats * perChat {
		updates = append(updates, storage.Update{ID: int64(i + 1), ChatID: int64(i%chats + 1), Kind: "message", Payload: []byte(`{}`)})
	}
	if _, err := db.SaveUpdates(ctx, updates); err != nil {
		t.Fatal(err)
	}
	handle := func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
		return tx.Enqueue(ctx, storage.Call{ChatID: u.ChatID, Method: "sendMessage", Params: storage.Params{"text": fmt.Sprint(u.ID)}})
	}
	left := func() int {
		var n int
		db.SQL().QueryRow(`SELECT count(*) FROM inbox WHERE handled_at IS NULL`).Scan(&n)
		return n
	}
	all := []int64{1, 2, 3, 4}
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			for left() > 0 {
				var err error
				if w%2 == 0 {
					_, _, err = db.HandleNext(ctx, all[w/2%chats], handle)
				} else {
					_, _, _, err = db.HandleBatch(ctx, all, nil, handle)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var calls, distinct int
	db.SQL().QueryRow(`SELECT count(*), count(DISTINCT params->>'text') FROM outbox`).Scan(&calls, &distinct)
	if calls != chats*perChat || distinct != chats*perChat {
		t.Fatalf("%d updates gave %d replies for %d of them, want one each", chats*perChat, calls, distinct)
	}
}

func TestScrubRemovesThePassword(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ dsn, password string }{
		{"postgres://alice:s3cr3t@db:5432/x", "s3cr3t"},
		{"postgres://alice:s3cr3t@[::1/x", "s3cr3t"},
		{"host=db password=s3cr3t dbname=x", "s3cr3t"},
		{"host=db password = 's3cr3t and more' dbname=x", "s3cr3t and more"},
	} {
		text := "failed: " + c.dsn + " said " + c.password
		if got := storage.ScrubForTest(text, c.dsn); strings.Contains(got, c.password) {
			t.Errorf("scrub(%q) = %q", c.dsn, got)
		}
	}
}
