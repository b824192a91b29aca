package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Lock is a session-level advisory lock held on a connection of its own:
// while the connection lives, no other process holds the same lock. What
// the holder reads through the lock (ClaimCalls, ClaimChats) is read on
// that connection, so it fails once the lock is gone. A Lock is for one
// goroutine at a time.
type Lock struct {
	conn  *sqlx.Conn
	key   int64
	stmts map[string]*sqlx.Stmt // prepared on conn
}

// TryLock takes the advisory lock key if it is free and returns nil, nil
// if another session holds it.
func (db *DB) TryLock(ctx context.Context, key int64) (*Lock, error) {
	conn, err := db.db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: lock %d: connect: %w", key, err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		conn.Close()
		return nil, fmt.Errorf("storage: lock %d: %w", key, err)
	}
	if !ok {
		conn.Close()
		return nil, nil
	}
	return &Lock{conn: conn, key: key, stmts: map[string]*sqlx.Stmt{}}, nil
}

// sel runs a query on the lock's connection, prepared there once.
func (l *Lock) sel(ctx context.Context, dest any, query string, args ...any) error {
	st, ok := l.stmts[query]
	if !ok {
		var err error
		if st, err = l.conn.PreparexContext(ctx, query); err != nil {
			return err
		}
		l.stmts[query] = st
	}
	return st.SelectContext(ctx, dest, args...)
}

// Check reports an error when the lock's connection is gone, and with it
// the lock.
func (l *Lock) Check(ctx context.Context) error {
	var held bool
	err := l.conn.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM pg_locks
			WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
				AND ((classid::bigint << 32) | objid::bigint) = $1)`, l.key).Scan(&held)
	if err != nil {
		return fmt.Errorf("storage: check lock %d: %w", l.key, err)
	}
	if !held {
		return fmt.Errorf("storage: lock %d is no longer held", l.key)
	}
	return nil
}

// Release gives the lock up.
func (l *Lock) Release() {
	for _, st := range l.stmts {
		st.Close()
	}
	l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, l.key)
	l.conn.Close()
}
