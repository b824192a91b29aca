// Package storagetest gives each test a database of its own on the
// PostgreSQL server named by DATABASE_URL (or lib/pq's PG* variables),
// migrated to the latest version and dropped when the test ends.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/atameken/expertbot/migrations"
	"github.com/atameken/expertbot/storage"
)

const howTo = "tests need PostgreSQL: run scripts/test, which starts a throwaway server, or set DATABASE_URL"

// NewDatabase creates an empty database for the test and returns its
// connection string. The database is dropped when the test ends.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("DATABASE_URL")
	admin, err := sql.Open("postgres", base)
	if err != nil {
		tb.Fatalf("storagetest: %v (%s)", err, howTo)
	}
	tb.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		tb.Fatalf("storagetest: cannot reach PostgreSQL: %v (%s)", err, howTo)
	}

	b := make([]byte, 6)
	rand.Read(b)
	name := "expertbot_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		tb.Fatalf("storagetest: create database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			tb.Errorf("storagetest: drop database %s: %v", name, err)
		}
	})
	dsn, err := WithDatabase(base, name)
	if err != nil {
		tb.Fatalf("storagetest: %v", err)
	}
	return dsn
}

// NewDB returns an open, migrated database of the test's own.
func NewDB(tb testing.TB) (*storage.DB, string) {
	tb.Helper()
	dsn := NewDatabase(tb)
	ctx := context.Background()
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("storagetest: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := migrations.Apply(ctx, db.SQL()); err != nil {
		tb.Fatalf("storagetest: %v", err)
	}
	return db, dsn
}

// WithDatabase returns the connection string dsn pointed at another
// database. It understands both URLs and key=value strings; an empty dsn
// (lib/pq's PG* variables) becomes a key=value string.
func WithDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse DATABASE_URL: %w", err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	// lib/pq lets a later key override an earlier one.
	return strings.TrimSpace(dsn + " dbname=" + name), nil
}
