package storage_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

func TestTouchUsersAnswersEachTouchUserOnce(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	db.SaveUpdates(ctx, []storage.Update{
		{ID: 1, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 2, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 3, ChatID: 2, UserID: 2, Kind: "message", Payload: []byte(`{}`)},
	})
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.TouchUser(ctx, storage.User{ID: 1, FirstName: "Aida"}); err != nil {
			return err
		}
		if err := tx.SetReachable(ctx, 1, false, "blocked the bot"); err != nil {
			return err
		}
		if _, err := tx.TouchUser(ctx, storage.User{ID: 3, FirstName: "Dana"}); err != nil {
			return err
		}
		// Dana is an expert; Aida only of a centre no longer in use.
		mining, err := tx.CentreByCode(ctx, "mining")
		if err != nil {
			return err
		}
		if err := tx.AddExpert(ctx, 3, mining.ID); err != nil {
			return err
		}
		health, err := tx.Retire(ctx, "centres", "health")
		if err != nil {
			return err
		}
		return tx.AddExpert(ctx, 1, health.ID)
	})
	if err != nil {
		t.Fatal(err)
	}

	err = db.InTx(ctx, func(tx *storage.Tx) error {
		aida := storage.User{ID: 1, FirstName: "Aida", TelegramLanguage: "kk"}
		bolat := storage.User{ID: 2, FirstName: "Bolat"}
		if err := tx.TouchUsers(ctx, []storage.User{bolat, aida, aida}); err != nil {
			return err
		}
		for _, c := range []struct {
			as   storage.User
			want storage.User
		}{
			// Each as recorded: Aida's new language, and she can be reached
			// again; Bolat added. Aida was given twice and is taken twice.
			{aida, storage.User{ID: 1, FirstName: "Aida", TelegramLanguage: "kk", Role: storage.RoleEntrepreneur}},
			{bolat, storage.User{ID: 2, FirstName: "Bolat", Role: storage.RoleEntrepreneur}},
			{aida, storage.User{ID: 1, FirstName: "Aida", TelegramLanguage: "kk", Role: storage.RoleEntrepreneur}},
			// Described otherwise: recorded anew.
			{storage.User{ID: 2, FirstName: "Bolat", Username: "bolat"}, storage.User{ID: 2, FirstName: "Bolat", Username: "bolat", Role: storage.RoleEntrepreneur}},
			// Dana was not in the batch.
			{storage.User{ID: 3, FirstName: "Dana"}, storage.User{ID: 3, FirstName: "Dana", Role: storage.RoleEntrepreneur, Expert: true}},
		} {
			got, err := tx.TouchUser(ctx, c.as)
			if err != nil {
				return err
			}
			if *got != c.want {
				t.Errorf("TouchUser(%+v) = %+v, want %+v", c.as, *got, c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTheSenderOfAnUpdateTakenNeedsNoRecording(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	aida := storage.User{ID: 1, FirstName: "Aida"}
	recordUser(t, db, aida)
	db.SaveUpdates(ctx, []storage.Update{
		{ID: 1, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 2, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 3, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)},
	})

	// Another transaction holds Aida's row: recording her would wait for it.
	held := holdUserRow(t, db, 1)
	touch := func(as storage.User) (*storage.User, error) {
		var got *storage.User
		tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_, _, err := db.HandleNext(tctx, 1, func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
			var err error
			got, err = tx.TouchUser(ctx, as)
			return err
		})
		return got, err
	}
	got, err := touch(aida)
	if err != nil {
		t.Fatalf("the sender of the update taken, described as recorded: %v", err)
	}
	if want := (storage.User{ID: 1, FirstName: "Aida", Role: storage.RoleEntrepreneur}); *got != want {
		t.Fatalf("TouchUser = %+v, want %+v", *got, want)
	}
	// Described otherwise, she is recorded anew, which waits for her row.
	if _, err := touch(storage.User{ID: 1, FirstName: "Aida", LastName: "B"}); err == nil {
		t.Fatal("a sender described otherwise was not recorded anew")
	}
	held.Rollback()
	aida.LastName = "B"
	got, err = touch(aida)
	if err != nil || got.LastName != "B" {
		t.Fatalf("TouchUser of a sender described otherwise = %+v, %v", got, err)
	}

	// A banned sender comes back banned; one marked unreachable is recorded
	// anew, which clears the mark.
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		if err := tx.Ban(ctx, 1, "spam"); err != nil {
			return err
		}
		return tx.SetReachable(ctx, 1, false, "blocked the bot")
	})
	if err != nil {
		t.Fatal(err)
	}
	db.SaveUpdates(ctx, []storage.Update{{ID: 4, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)}})
	got, err = touch(aida)
	if err != nil || got.BannedAt == nil || got.BanReason != "spam" || got.UnreachableSince != nil {
		t.Fatalf("TouchUser of a banned sender who had blocked the bot = %+v, %v", got, err)
	}
	db.SaveUpdates(ctx, []storage.Update{{ID: 5, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)}})
	if got, err = touch(aida); err != nil || got.BannedAt == nil {
		t.Fatalf("TouchUser of a banned sender, read with the update = %+v, %v", got, err)
	}
}

// recordUser records u as TouchUser does.
func recordUser(t *testing.T, db *storage.DB, u storage.User) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		_, err := tx.TouchUser(context.Background(), u)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// holdUserRow locks a user's row in a transaction of its own, rolled back
// at the end of the test or when the caller does.
func holdUserRow(t *testing.T, db *storage.DB, id int64) *sql.Tx {
	t.Helper()
	held, err := db.SQL().BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { held.Rollback() })
	if _, err := held.ExecContext(context.Background(), `SELECT FROM users WHERE id = $1 FOR UPDATE`, id); err != nil {
		t.Fatal(err)
	}
	return held
}

// The senders of a batch are read with it, once for each update: Aida
// writes in her private chat and in a group, and each of her updates'
// TouchUser is answered without recording her, which would wait for her
// row; Dana, not yet recorded, is added.
func TestTheSendersOfABatchNeedNoRecording(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	aida, dana := storage.User{ID: 1, FirstName: "Aida"}, storage.User{ID: 2, FirstName: "Dana"}
	recordUser(t, db, aida)
	db.SaveUpdates(ctx, []storage.Update{
		{ID: 1, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 2, ChatID: -100, UserID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 3, ChatID: 2, UserID: 2, Kind: "message", Payload: []byte(`{}`)},
	})
	holdUserRow(t, db, 1)
	tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	got := map[int64]storage.User{}
	handled, _, _, err := db.HandleBatch(tctx, []int64{1, -100, 2}, nil, func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
		as := aida
		if u.UserID == 2 {
			as = dana
		}
		touched, err := tx.TouchUser(ctx, as)
		if err == nil {
			got[u.ID] = *touched
		}
		return err
	})
	if err != nil || len(handled) != 3 {
		t.Fatalf("HandleBatch: %d handled, %v", len(handled), err)
	}
	want := storage.User{ID: 1, FirstName: "Aida", Role: storage.RoleEntrepreneur}
	if got[1] != want || got[2] != want {
		t.Errorf("Aida's two updates: TouchUser = %+v and %+v, want %+v", got[1], got[2], want)
	}
	if want := (storage.User{ID: 2, FirstName: "Dana", Role: storage.RoleEntrepreneur}); got[3] != want {
		t.Errorf("Dana, new: TouchUser = %+v, want %+v", got[3], want)
	}
}

// A @username names whoever holds it now: a user who takes a name another
// user had leaves that one without it.
func TestUsernameNamesItsLatestHolder(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	touch := func(u storage.User) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *storage.Tx) error { _, err := tx.TouchUser(ctx, u); return err }); err != nil {
			t.Fatal(err)
		}
	}
	holder := func(name string) int64 {
		t.Helper()
		var id int64
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			u, err := tx.UserByUsername(ctx, name)
			if err == nil {
				id = u.ID
			}
			return err
		})
		if err != nil {
			t.Fatalf("@%s: %v", name, err)
		}
		return id
	}
	touch(storage.User{ID: 1, Username: "aigerim", FirstName: "Old"})
	touch(storage.User{ID: 2, Username: "Aigerim", FirstName: "New"}) // the name changed hands
	if got := holder("AIGERIM"); got != 2 {
		t.Fatalf("@aigerim is user %d, want 2, who holds it now", got)
	}
	var old string
	db.SQL().QueryRow(`SELECT username FROM users WHERE id = 1`).Scan(&old)
	if old != "" {
		t.Fatalf("the old holder still has %q", old)
	}
	touch(storage.User{ID: 1, Username: "aigerim_k", FirstName: "Old"})
	if got := holder("aigerim_k"); got != 1 {
		t.Fatalf("@aigerim_k is user %d, want 1", got)
	}
}
