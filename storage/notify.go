package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// OnQueued sets fn to be called after every commit of a transaction that
// queued outgoing calls (Tx.Enqueue), with the chats of the calls, so that
// a sender can be woken. Set it before the database is used; a later call
// replaces it.
func (db *DB) OnQueued(fn func(chats []int64)) { db.queued = fn }

// NotifyQueued tells the senders of every process that calls were queued,
// with a NOTIFY on the channel "outbox". It is a transaction of its own,
// after the commit of the calls: a transaction that notifies holds a lock
// of the whole database through its commit (PostgreSQL up to 17), and
// committed asynchronously, as this one is, it holds it only for a moment
// rather than for a flush to disk. A notification needs no durability.
func (db *DB) NotifyQueued(ctx context.Context) error {
	if _, err := db.exec(ctx, `SELECT set_config('synchronous_commit', 'off', true), pg_notify('outbox', '')`); err != nil {
		return fmt.Errorf("storage: notify: %w", dbErr(err))
	}
	return nil
}

// ListenQueued calls wake whenever any process notifies that it queued
// calls (NotifyQueued), until ctx is cancelled, on a connection of its own
// that it opens again after losing it. problem is told why it could not
// listen, as it happens.
func (db *DB) ListenQueued(ctx context.Context, wake func(), problem func(error)) {
	l := pq.NewListener(db.dsn, time.Second, 30*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			problem(fmt.Errorf("storage: listen for queued calls: %w", err))
		}
	})
	defer l.Close()
	if err := l.Listen("outbox"); err != nil {
		problem(fmt.Errorf("storage: listen for queued calls: %w", err))
	}
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-l.Notify:
			if !ok {
				return
			}
			wake()
		}
	}
}
