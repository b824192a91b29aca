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
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	db.SaveUpdates(ctx, []storage.Update{
		{ID: 1, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 2, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)},
		{ID: 3, ChatID: 2, UserID: 2, Kind: "message", Payload: []byte(`{}`)},
	})
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.TouchUser(ctx, storage.User{ID: 1, FirstName: "Aida"}, 0); err != nil {
			return err
		}
		if err := tx.SetReachable(ctx, 1, false, "blocked the bot"); err != nil {
			return err
		}
		if _, err := tx.TouchUser(ctx, storage.User{ID: 3, FirstName: "Dana"}, 0); err != nil {
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
		if err := tx.TouchUsers(ctx, []storage.User{bolat, aida, aida}, time.Minute); err != nil {
			return err
		}
		for _, c := range []struct {
			as     storage.User
			window time.Duration
			want   storage.User
		}{
			// Each as recorded: Aida's new language, and she can be reached
			// again; Bolat added. Aida was given twice and is taken twice.
			{aida, time.Minute, storage.User{ID: 1, FirstName: "Aida", TelegramLanguage: "kk", Role: storage.RoleEntrepreneur, Recent: 2}},
			{bolat, time.Minute, storage.User{ID: 2, FirstName: "Bolat", Role: storage.RoleEntrepreneur, Recent: 1}},
			{aida, time.Minute, storage.User{ID: 1, FirstName: "Aida", TelegramLanguage: "kk", Role: storage.RoleEntrepreneur, Recent: 2}},
			// Described otherwise, or counted over another window: recorded anew.
			{storage.User{ID: 2, FirstName: "Bolat", Username: "bolat"}, 0, storage.User{ID: 2, FirstName: "Bolat", Username: "bolat", Role: storage.RoleEntrepreneur}},
			// Dana was not in the batch.
			{storage.User{ID: 3, FirstName: "Dana"}, time.Minute, storage.User{ID: 3, FirstName: "Dana", Role: storage.RoleEntrepreneur, Expert: true}},
		} {
			got, err := tx.TouchUser(ctx, c.as, c.window)
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
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	db.SetFlood(0, time.Minute)
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
			got, err = tx.TouchUser(ctx, as, time.Minute)
			return err
		})
		return got, err
	}
	got, err := touch(aida)
	if err != nil {
		t.Fatalf("the sender of the update taken, described as recorded: %v", err)
	}
	if want := (storage.User{ID: 1, FirstName: "Aida", Role: storage.RoleEntrepreneur, Recent: 3}); *got != want {
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
		_, err := tx.TouchUser(context.Background(), u, time.Minute)
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
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	db.SetFlood(0, time.Minute)
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
		touched, err := tx.TouchUser(ctx, as, time.Minute)
		if err == nil {
			got[u.ID] = *touched
		}
		return err
	})
	if err != nil || len(handled) != 3 {
		t.Fatalf("HandleBatch: %d handled, %v", len(handled), err)
	}
	want := storage.User{ID: 1, FirstName: "Aida", Role: storage.RoleEntrepreneur, Recent: 2}
	if got[1] != want || got[2] != want {
		t.Errorf("Aida's two updates: TouchUser = %+v and %+v, want %+v", got[1], got[2], want)
	}
	if want := (storage.User{ID: 2, FirstName: "Dana", Role: storage.RoleEntrepreneur, Recent: 1}); got[3] != want {
		t.Errorf("Dana, new: TouchUser = %+v, want %+v", got[3], want)
	}
}

// A user's recent updates are counted up to one more than the flood limit,
// whether TouchUser records them or reads them with the update taken.
func TestRecentUpdatesAreCountedUpToOneMoreThanTheLimit(t *testing.T) {
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	db.SetFlood(2, time.Minute)
	for id := int64(1); id <= 5; id++ {
		db.SaveUpdates(ctx, []storage.Update{{ID: id, ChatID: 1, UserID: 1, Kind: "message", Payload: []byte(`{}`)}})
	}
	aida := storage.User{ID: 1, FirstName: "Aida"}
	recent := func() int {
		var got *storage.User
		_, _, err := db.HandleNext(ctx, 1, func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
			var err error
			got, err = tx.TouchUser(ctx, aida, time.Minute)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got.Recent
	}
	if got := recent(); got != 3 {
		t.Errorf("recorded: Recent = %d of 5, want 3", got)
	}
	if got := recent(); got != 3 {
		t.Errorf("read with the update: Recent = %d of 5, want 3", got)
	}
	db.SetFlood(0, time.Minute)
	if got := recent(); got != 5 {
		t.Errorf("with no limit: Recent = %d, want 5", got)
	}
}
