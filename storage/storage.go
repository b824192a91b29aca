package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Errors callers act on. Driver errors are mapped to them in one place, dbErr.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// DB is the expertbot database.
type DB struct {
	dsn    string // for LISTEN, which takes a connection of its own
	db     *sqlx.DB
	stmts  sync.Map            // query → *sqlx.Stmt, prepared once and reused on every connection
	queued func(chats []int64) // called after each commit that queued outgoing calls
}

// Open connects to PostgreSQL and checks that it answers. An empty dsn
// leaves the connection to lib/pq's PG* environment variables.
//
// Statements with parameters go to the server in one round trip (lib/pq's
// binary_parameters: parse, bind and execute sent together) rather than
// two, which halves the time a handler waits on the database. It also
// sends []byte parameters in binary, which is right for bytea only: JSON
// and text go as strings.
//
// The connections are set up for planning (see planning) unless the DSN
// sets the same settings otherwise.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("storage: DATABASE_URL is not a connection string: %s", scrub(err.Error(), dsn))
	}
	cfg.BinaryParameters = true
	if cfg.Runtime == nil {
		cfg.Runtime = map[string]string{}
	}
	for name, value := range planning {
		if _, set := cfg.Runtime[name]; !set {
			cfg.Runtime[name] = value
		}
	}
	connector, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("storage: open: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(connector), "postgres")
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: connect: %s", scrub(err.Error(), dsn))
	}
	return &DB{dsn: dsn, db: db}, nil
}

// scrub removes from a text the connection string and the password it
// holds, as a URL's or as a key's value, so that an error about a wrong
// DATABASE_URL does not show its password in a log.
func scrub(text, dsn string) string {
	secrets := []string{dsn}
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p, url.PathEscape(p))
		}
	} else if _, rest, ok := strings.Cut(dsn, "://"); ok {
		// A URL that does not parse: what stands between the scheme and
		// the last @ is the user and the password.
		if i := strings.LastIndex(rest, "@"); i > 0 {
			userinfo := rest[:i]
			if _, password, ok := strings.Cut(userinfo, ":"); ok {
				userinfo = password
			}
			secrets = append(secrets, userinfo)
		}
	}
	for _, m := range passwordValue.FindAllStringSubmatch(dsn, -1) {
		secrets = append(secrets, m[1], strings.Trim(m[1], "'"))
	}
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "xxxxx")
		}
	}
	return text
}

// passwordValue is a password in a key=value connection string, quoted or not.
var passwordValue = regexp.MustCompile(`password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// planning are the settings of the bot's connections for the planner.
//
// Each prepared statement is planned once per connection, for any
// parameters (plan_cache_mode). By default PostgreSQL plans a statement
// anew at each execution while a plan for its parameters looks cheaper
// than a generic one, which for statements taking arrays (a batch of
// users, of chats) is always, and under load planning took more of
// PostgreSQL's time than executing.
//
// A plan kept that long must not be one made for an empty table: planned
// on a new database, marking calls sent read the whole outbox until
// autovacuum's next ANALYZE, up to a minute later.
// The statements of the bot's work find their rows through indexes, so
// the planner is told to prefer them: enable_seqscan off makes reading a
// whole table its last resort, not a thing forbidden.
//
// That last resort costs a plan ten billion, far above jit_above_cost, and
// PostgreSQL then compiles the statement first: 80 ms for a table of 58
// rows. Short statements never gain from compiling, so JIT is off.
var planning = map[string]string{
	"plan_cache_mode": "force_generic_plan",
	"enable_seqscan":  "off",
	"jit":             "off",
}

// Close closes every connection.
func (db *DB) Close() error { return db.db.Close() }

// SQL returns the underlying pool, for migrations and health checks.
func (db *DB) SQL() *sql.DB { return db.db.DB }

// Tx is one transaction. Handlers receive it so that a state change and the
// messages it causes are committed together.
type Tx struct {
	tx     *sqlx.Tx
	db     *DB
	queued []int64 // the chats of the outgoing calls the transaction queued

	unwritten []Call     // calls Enqueue keeps until the commit
	known     []touching // users as recorded (TouchUsers, the senders of the updates taken), each until TouchUser takes it
	changed   []int64    // problems whose status, owner, sector or experts changed, until TakeChanged
}

// changedProblem notes that a problem changed in a way its cards show.
func (tx *Tx) changedProblem(id int64) {
	if !slices.Contains(tx.changed, id) {
		tx.changed = append(tx.changed, id)
	}
}

// TakeChanged returns the problems changed in a way their experts' cards
// show since it was last called, so that the caller brings the cards up to
// date in the same transaction.
func (tx *Tx) TakeChanged() []int64 {
	ids := tx.changed
	tx.changed = nil
	return ids
}

// Every statement runs as a prepared statement, prepared the first time
// it is used on a connection and reused after that: PostgreSQL parses it
// once per connection instead of every time, and may keep its plan. The
// statements are the constant strings of this package, so the cache is
// bounded by them.

// stmt returns the process's prepared statement for query.
func (db *DB) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sqlx.Stmt), nil
	}
	st, err := db.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sqlx.Stmt), nil
	}
	return st, nil
}

func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := db.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (db *DB) get(ctx context.Context, dest any, query string, args ...any) error {
	st, err := db.stmt(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

func (db *DB) sel(ctx context.Context, dest any, query string, args ...any) error {
	st, err := db.stmt(ctx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}

// prepared returns the statement for query, bound to the transaction.
func (tx *Tx) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	st, err := tx.db.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return tx.tx.StmtxContext(ctx, st), nil
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := tx.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (tx *Tx) get(ctx context.Context, dest any, query string, args ...any) error {
	st, err := tx.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

func (tx *Tx) sel(ctx context.Context, dest any, query string, args ...any) error {
	st, err := tx.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}

// InTx runs fn in a transaction and commits it when fn returns nil.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", dbErr(err))
	}
	defer tx.Rollback()
	t := &Tx{tx: tx, db: db}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.writeQueued(ctx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", dbErr(err))
	}
	if len(t.queued) > 0 && db.queued != nil {
		db.queued(t.queued)
	}
	return nil
}

// dbErr maps driver errors to the package's sentinels.
func dbErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" {
		return fmt.Errorf("%w: %s", ErrConflict, pqErr.Message)
	}
	return err
}

// jsonArray joins JSON texts into one JSON array, for a statement to take
// apart with json_array_elements or jsonb_array_elements. A text[] of the
// same texts costs more at both ends: every quote in them is escaped to
// send the array and unescaped to read it, and each element is parsed as
// JSON again after. In an intake, the inbox's and the outbox's text[]
// arrays were a fifth of the bot's allocations.
func jsonArray(texts [][]byte) string {
	size := 2
	for _, t := range texts {
		size += len(t) + 1
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteByte('[')
	for i, t := range texts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(t)
	}
	b.WriteByte(']')
	return b.String()
}

// prefixed qualifies a list of columns with a table alias.
func prefixed(alias, columns string) string {
	var out []string
	for _, c := range strings.Split(columns, ",") {
		out = append(out, alias+strings.TrimSpace(c))
	}
	return strings.Join(out, ", ")
}

// IsUnavailable reports whether err means the database could not be
// reached or went away (a restart, a network fault), as opposed to a
// statement that failed: what to wait out rather than count as a failure.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, sql.ErrConnDone) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ENOENT) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		// Class 08: connection exception; 57P01-57P03: shutting down or starting up.
		code := string(pqErr.Code)
		return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03"
	}
	return false
}
