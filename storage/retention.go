package storage

import (
	"context"
	"fmt"
	"time"
)

// The queues keep what an update and a call were only as long as they
// serve: an update until it is handled (and the dedupe of a redelivery,
// which Telegram makes within a day), a call until it is done (and the
// references that a reply, a card or an edit makes to the message it
// created). Older than the retention period, a handled or parked update is
// deleted; a call done is deleted, or, when a relay, a moderation card, a
// card of an expert's or an edit still names it, stripped of its
// parameters and file, keeping the ids the references need.
//
// Each queue is purged in the order of its ids from a mark kept in the
// database (retention_marks), up to the first row too young or not done:
// a batch reads a few hundred rows by key, whatever the queue's size, and
// no row is read twice.

// Purge purges up to limit rows of each queue older than before, and
// reports how many it purged in all.
func (db *DB) Purge(ctx context.Context, before time.Time, limit int) (int, error) {
	n := 0
	for _, q := range []struct{ name, sql string }{
		{"inbox", `
			WITH mark AS (SELECT upto FROM retention_marks WHERE queue = 'inbox' FOR UPDATE),
			next AS (
				SELECT i.update_id, (i.handled_at IS NOT NULL OR i.parked_at IS NOT NULL) AND i.received_at < $1 AS old
				FROM inbox i, mark WHERE i.update_id > mark.upto ORDER BY i.update_id LIMIT $2),
			due AS (SELECT update_id FROM next WHERE update_id < COALESCE((SELECT min(update_id) FROM next WHERE NOT old), 'Infinity'::numeric)),
			gone AS (DELETE FROM inbox WHERE update_id IN (SELECT update_id FROM due) RETURNING update_id),
			moved AS (UPDATE retention_marks SET upto = (SELECT max(update_id) FROM due)
				WHERE queue = 'inbox' AND EXISTS (SELECT FROM due))
			SELECT count(*) FROM gone`},
		{"outbox", `
			WITH mark AS (SELECT upto FROM retention_marks WHERE queue = 'outbox' FOR UPDATE),
			next AS (
				SELECT o.id, o.status <> 'pending' AND o.created_at < $1 AS old
				FROM outbox o, mark WHERE o.id > mark.upto ORDER BY o.id LIMIT $2),
			due AS (SELECT id FROM next WHERE id < COALESCE((SELECT min(id) FROM next WHERE NOT old), 'Infinity'::numeric)),
			named AS (
				SELECT id FROM due d WHERE EXISTS (SELECT FROM relays r WHERE r.outbox_id = d.id)
					OR EXISTS (SELECT FROM moderation_cards m WHERE m.outbox_id = d.id)
					OR EXISTS (SELECT FROM problem_experts p WHERE p.card_id = d.id)
					OR EXISTS (SELECT FROM outbox e WHERE e.edit_of = d.id)),
			stripped AS (UPDATE outbox SET params = '{}', file_data = '', coalesce = NULL
				WHERE id IN (SELECT id FROM named) RETURNING id),
			gone AS (DELETE FROM outbox WHERE id IN (SELECT id FROM due) AND id NOT IN (SELECT id FROM named) RETURNING id),
			moved AS (UPDATE retention_marks SET upto = (SELECT max(id) FROM due)
				WHERE queue = 'outbox' AND EXISTS (SELECT FROM due))
			SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM stripped)`},
		// Searches serve their buttons for a day, kept no longer whatever the window.
		{"searches", `
			WITH gone AS (DELETE FROM searches WHERE id IN (
				SELECT id FROM searches WHERE created_at < greatest($1, now() - interval '1 day') ORDER BY id LIMIT $2) RETURNING id)
			SELECT count(*) FROM gone`},
	} {
		var purged int
		if err := db.get(ctx, &purged, q.sql, before, limit); err != nil {
			return n, fmt.Errorf("storage: purge the %s: %w", q.name, dbErr(err))
		}
		n += purged
	}
	return n, nil
}
