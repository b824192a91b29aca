package migrations_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"github.com/atameken/expertbot/migrations"
	"github.com/atameken/expertbot/storage/storagetest"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", storagetest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestApply(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		db := openDB(t)
		applied, err := migrations.Apply(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(applied), migrations.Latest(); got != want {
			t.Fatalf("applied %d migrations, want %d", got, want)
		}
		if got, err := migrations.Current(ctx, db); err != nil || got != migrations.Latest() {
			t.Fatalf("Current = %d, %v; want %d", got, err, migrations.Latest())
		}
	})

	t.Run("TwiceIsNoOp", func(t *testing.T) {
		db := openDB(t)
		if _, err := migrations.Apply(ctx, db); err != nil {
			t.Fatal(err)
		}
		applied, err := migrations.Apply(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second Apply applied %v, want none", applied)
		}
	})

	t.Run("ConcurrentReplicas", func(t *testing.T) {
		db := openDB(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		counts := make([]int, 4)
		for i := range errs {
			wg.Go(func() {
				applied, err := migrations.Apply(ctx, db)
				errs[i], counts[i] = err, len(applied)
			})
		}
		wg.Wait()
		total := 0
		for i, err := range errs {
			if err != nil {
				t.Fatalf("replica %d: %v", i, err)
			}
			total += counts[i]
		}
		if got, want := total, migrations.Latest(); got != want {
			t.Fatalf("replicas applied %d migrations in all, want %d (each exactly once)", got, want)
		}
	})

	t.Run("ErrDatabaseNewer", func(t *testing.T) {
		db := openDB(t)
		if _, err := migrations.Apply(ctx, db); err != nil {
			t.Fatal(err)
		}
		future := migrations.Latest() + 1
		if _, err := db.Exec(`INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')`, future); err != nil {
			t.Fatal(err)
		}
		_, err := migrations.Apply(ctx, db)
		if err == nil || !strings.Contains(err.Error(), "newer expertbot") {
			t.Fatalf("Apply on a newer database: err = %v, want a refusal naming the versions", err)
		}
	})
}

func TestAllNumberedWithoutGaps(t *testing.T) {
	all, err := migrations.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no migrations embedded")
	}
}
