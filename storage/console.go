package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// secret returns a random token to give out and the hash of it to keep.
func secret() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	token := base64.RawURLEncoding.EncodeToString(b)
	return token, hashOf(token)
}

func hashOf(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ConsoleLink makes a one-time sign-in link's token for a user, valid for
// ttl.
func (tx *Tx) ConsoleLink(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	token, hash := secret()
	if _, err := tx.exec(ctx, `
		INSERT INTO console_links (hash, user_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 second')`,
		hash, userID, ttl.Seconds()); err != nil {
		return "", fmt.Errorf("storage: console link for %d: %w", userID, dbErr(err))
	}
	return token, nil
}

// UseConsoleLink spends a link's token and returns its user; ErrNotFound
// when it is unknown, used or expired.
func (tx *Tx) UseConsoleLink(ctx context.Context, token string) (int64, error) {
	var id int64
	err := tx.get(ctx, &id, `
		UPDATE console_links SET used_at = now()
		WHERE hash = $1 AND used_at IS NULL AND expires_at > now()
		RETURNING user_id`, hashOf(token))
	if err != nil {
		return 0, fmt.Errorf("storage: console link: %w", dbErr(err))
	}
	return id, nil
}

// A ConsoleSession is a signed-in user of the console.
type ConsoleSession struct {
	UserID int64  `db:"user_id"`
	CSRF   string `db:"csrf"` // the token each of its forms carries
}

// OpenConsoleSession opens a session for a user, valid for ttl, and
// returns its token.
func (tx *Tx) OpenConsoleSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	token, hash := secret()
	csrf, _ := secret()
	if _, err := tx.exec(ctx, `
		INSERT INTO console_sessions (hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, now() + $4 * interval '1 second')`,
		hash, userID, csrf, ttl.Seconds()); err != nil {
		return "", fmt.Errorf("storage: console session for %d: %w", userID, dbErr(err))
	}
	return token, nil
}

// ConsoleSession returns the session of a token; ErrNotFound when it is
// unknown, expired or revoked.
func (tx *Tx) ConsoleSession(ctx context.Context, token string) (*ConsoleSession, error) {
	var s ConsoleSession
	err := tx.get(ctx, &s, `
		SELECT user_id, csrf FROM console_sessions
		WHERE hash = $1 AND revoked_at IS NULL AND expires_at > now()`, hashOf(token))
	if err != nil {
		return nil, fmt.Errorf("storage: console session: %w", dbErr(err))
	}
	return &s, nil
}

// RevokeConsoleSession ends a session.
func (tx *Tx) RevokeConsoleSession(ctx context.Context, token string) error {
	if _, err := tx.exec(ctx, `UPDATE console_sessions SET revoked_at = now() WHERE hash = $1`, hashOf(token)); err != nil {
		return fmt.Errorf("storage: revoke a console session: %w", dbErr(err))
	}
	return nil
}

// A Filter narrows the console's list of requests; zero values do not.
type Filter struct {
	Status   string
	Sector   int
	Region   int
	From, To time.Time // created in [From, To)
	Words    []string  // all of them, in some form, in the request or its answers
	// Published keeps only what search shows anyone: answered or solved,
	// neither hidden nor merged.
	Published bool
}

// FilterProblems returns a page of the requests a filter keeps, newest
// first, and how many it keeps in all.
func (tx *Tx) FilterProblems(ctx context.Context, f Filter, limit, offset int) ([]Problem, int, error) {
	if err := tx.planForWords(ctx); err != nil {
		return nil, 0, err
	}
	var rows []struct {
		Problem
		Total int `db:"total"`
	}
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	err := tx.sel(ctx, &rows, `
		WITH q AS (`+wordQueries+`)
		SELECT `+prefixed("p.", problemColumns)+`, count(*) OVER () AS total FROM problems p
		WHERE p.status <> 'draft'
			AND ($2 = '' OR p.status = $2) AND ($3 = 0 OR p.sector_id = $3) AND ($4 = 0 OR p.region_id = $4)
			AND ($5::timestamptz IS NULL OR p.created_at >= $5) AND ($6::timestamptz IS NULL OR p.created_at < $6)
			AND (NOT $9 OR p.status IN ('answered', 'resolved') AND p.hidden_at IS NULL AND p.merged_into IS NULL)
			AND (COALESCE(cardinality($1::text[]), 0) = 0 OR p.id IN (
				SELECT d.problem_id FROM q JOIN search_docs d ON d.doc @@ q.q
				GROUP BY d.problem_id HAVING count(*) = (SELECT count(*) FROM q)))
		ORDER BY p.id DESC LIMIT $7 OFFSET $8`,
		pq.Array(f.Words), f.Status, f.Sector, f.Region, from, to, limit, offset, f.Published)
	if err != nil {
		return nil, 0, fmt.Errorf("storage: filter requests: %w", dbErr(err))
	}
	out := make([]Problem, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.Problem, r.Total
	}
	return out, total, nil
}

// ProblemToRead returns a request without locking it, for pages that
// only show it.
func (tx *Tx) ProblemToRead(ctx context.Context, id int64) (*Problem, error) {
	var p Problem
	if err := tx.get(ctx, &p, `SELECT `+problemColumns+` FROM problems WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("storage: problem %d: %w", id, dbErr(err))
	}
	return &p, nil
}
