package storage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lib/pq"
)

// Found is a problem a search found, as anyone may see it: no author, no
// company.
type Found struct {
	ID         int64    `db:"id"`
	Title      string   `db:"title"`
	SectorID   int      `db:"sector_id"`
	Status     string   `db:"status"`
	Answers    int      `db:"answers"`
	Rating     *float64 `db:"rating"`
	Supporters int      `db:"supporters"`
	Matched    int      `db:"matched"` // how many of the words it has, in some form
	Of         int      `db:"of"`      // how many words were looked for: not stop words, nor common ones for a near-copy
}

// A Query is what a search looks for.
type Query struct {
	Words  []string
	Sector int // 0 for any
	// Open finds open requests too (approved, waiting for or being given
	// answers), not only published ones: the hint while posting and the
	// moderators' cards show them, to be supported or merged into.
	Open bool
	// Before finds only requests older than this one, when not 0.
	Before int64
	// Most finds only requests with more than half of the words: a
	// near-copy, not a problem that shares a word or two.
	Most          bool
	Limit, Offset int
}

// searchDepth is how many of a search's best results are ordered and
// paged through: forty pages of five.
const searchDepth = 200

// kazakhStopWords are the Kazakh words of three letters or more that say
// nothing of a problem; PostgreSQL leaves out those of Russian and English.
var kazakhStopWords = map[string]bool{
	"және": true, "мен": true, "бен": true, "пен": true, "үшін": true, "бойынша": true, "туралы": true,
	"немесе": true, "бұл": true, "осы": true, "сол": true, "бар": true, "жоқ": true, "өте": true, "тек": true,
	"қалай": true, "неге": true, "қандай": true, "біз": true, "сіз": true, "олар": true, "біздің": true,
	"сіздің": true, "керек": true, "болады": true, "болса": true,
}

// SearchWords are the words of a query worth looking for: three letters
// or more, not a Kazakh stop word, at most eight different ones.
func SearchWords(q string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if utf8.RuneCountInString(w) >= 3 && len(words) < 8 && !kazakhStopWords[w] && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

// Search finds problems whose text or experts' answers have the words: a
// Russian or English word by its stem, and any word, Kazakh ones too, as
// one of its forms in the lexicon (the words of all the texts, matched by
// trigrams), so that another case ending or a typo still finds it. It
// finds published ones (answered or solved, not hidden by a moderator, not
// merged into another), and open ones too if asked. The best first: those
// with more of the words, then solved, well rated, much supported and
// much answered ones. It returns a page and how many there are in all.
func (tx *Tx) Search(ctx context.Context, q Query) ([]Found, int, error) {
	if len(q.Words) == 0 {
		return nil, 0, nil
	}
	var out []struct {
		Found
		Total int `db:"total"`
	}
	if err := tx.planForWords(ctx); err != nil {
		return nil, 0, err
	}
	if err := tx.sel(ctx, &out, q.statement(), q.args()...); err != nil {
		return nil, 0, fmt.Errorf("storage: search: %w", dbErr(err))
	}
	found := make([]Found, len(out))
	total := 0
	for i, f := range out {
		found[i], total = f.Found, f.Total
	}
	return found, total, nil
}

// ExplainSearch is the plan of a search as PostgreSQL carries it out, for
// the benchmark to show which indexes it uses.
func (tx *Tx) ExplainSearch(ctx context.Context, q Query) (string, error) {
	var lines []string
	if err := tx.planForWords(ctx); err != nil {
		return "", err
	}
	if err := tx.sel(ctx, &lines, "EXPLAIN (ANALYZE, COSTS OFF) "+q.statement(), q.args()...); err != nil {
		return "", fmt.Errorf("storage: explain a search: %w", dbErr(err))
	}
	return strings.Join(lines, "\n"), nil
}

// planForWords has the transaction's searches planned for their words, not
// once for any (see planning): how many documents each word is in decides
// the plan, and at 100,000 problems the generic one took three times as
// long. A word's forms are the lexicon's words at least 0.45 like it by
// trigrams (pg_trgm's default, 0.3, took three times as many rows, and the
// labelled set found no more with it).
func (tx *Tx) planForWords(ctx context.Context) error {
	if _, err := tx.exec(ctx, `SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
		set_config('pg_trgm.similarity_threshold', '0.45', true)`); err != nil {
		return fmt.Errorf("storage: plan a search: %w", dbErr(err))
	}
	return nil
}

func (q Query) statement() string {
	if q.Most {
		return nearQuery
	}
	return searchQuery
}

func (q Query) args() []any {
	states := []string{StatusAnswered, StatusResolved}
	if q.Open {
		states = append(states, StatusOpen, StatusTaken)
	}
	return []any{pq.Array(q.Words), q.Sector, pq.Array(states), q.Before, q.Limit, q.Offset}
}

// searchQuery finds each word in the documents (migration 19) by its
// Russian stem, its English stem or one of its nearest forms in the
// lexicon; a document's count of words found orders it first.
var searchQuery = searchStatement(`
	hits AS (
		SELECT d.problem_id AS id, d.status, count(*) AS matched, (SELECT count(*) FROM q) AS of
		FROM q JOIN search_docs d ON d.doc @@ q.q
		WHERE ` + searchFilter + `
		GROUP BY d.problem_id, d.status),`)

// nearQuery finds only documents with more than half of the words that
// say something: a word in one document of two hundred or more, and in a
// hundred at least (counted up to that), is common and left out, as a
// reader would pass over it. Such a
// document has one of the rarest words (of n words, one of the n/2 rarest
// or so), so only those are looked up, then each document found is
// checked for all the words.
var nearQuery = searchStatement(`
	cap AS (SELECT greatest(100, reltuples / 200)::int AS n FROM pg_class WHERE oid = 'search_docs'::regclass),
	common AS (
		SELECT q.q, (SELECT count(*) FROM (SELECT FROM search_docs d WHERE d.doc @@ q.q LIMIT (SELECT n FROM cap)) c) AS n FROM q),
	telling AS (SELECT q, n FROM common WHERE n < (SELECT n FROM cap)),
	rare AS (
		SELECT q FROM telling ORDER BY n
		LIMIT (SELECT count(*) - (count(*) / 2 + 1) + 1 FROM telling)),
	hits AS (
		SELECT * FROM (
			SELECT d.problem_id AS id, d.status, (SELECT count(*) FROM telling t WHERE d.doc @@ t.q) AS matched,
				(SELECT count(*) FROM telling) AS of
			FROM search_docs d
			WHERE d.problem_id IN (SELECT d.problem_id FROM rare JOIN search_docs d ON d.doc @@ rare.q)
				AND ` + searchFilter + `) h
		WHERE 2 * h.matched > h.of),`)

// searchFilter keeps the documents a query asks for.
const searchFilter = `d.shown AND d.status = ANY($3) AND ($2 = 0 OR d.sector_id = $2) AND ($4 = 0 OR d.problem_id < $4)`

// wordQueries are the words of $1 as queries, each numbered (i): its
// Russian stem, its English stem and its nearest forms in the lexicon.
const wordQueries = `
		SELECT i, plainto_tsquery('russian', w) || plainto_tsquery('english', w) || COALESCE((
			SELECT to_tsquery('simple', string_agg(quote_literal(word), ' | '))
			FROM (SELECT word FROM lexicon WHERE word % w ORDER BY word <-> w LIMIT 8) l), '') AS q
		FROM unnest($1::text[]) WITH ORDINALITY u (w, i)
		-- Russian and English stop words would match most texts.
		WHERE numnode(plainto_tsquery('russian', w)) > 0 AND numnode(plainto_tsquery('english', w)) > 0`

// searchStatement is a search with the given hits: the ids, statuses and
// counts of words found of the documents.
func searchStatement(hits string) string {
	return `
	WITH q AS (` + wordQueries + `),
	` + hits + `
	-- The first few hundred by words and being solved, with how many there
	-- are in all; ratings, supporters and answers order only those.
	top AS (
		SELECT h.*, count(*) OVER () AS total FROM hits h
		ORDER BY h.matched DESC, (h.status = 'resolved') DESC, h.id DESC
		LIMIT ` + strconv.Itoa(searchDepth) + `)
	SELECT * FROM (
		SELECT t.id, p.title, p.sector_id, t.status, t.matched, t.total, t.of,
			(SELECT count(*) FROM messages m WHERE m.problem_id = t.id AND m.author_role = 'expert') AS answers,
			(SELECT avg(score) FROM ratings r WHERE r.problem_id = t.id) AS rating,
			(SELECT count(*) FROM supporters s WHERE s.problem_id = t.id) AS supporters
		FROM top t JOIN problems p ON p.id = t.id) f
	ORDER BY matched DESC, (status = 'resolved') DESC, COALESCE(rating, 3) DESC, supporters DESC, answers DESC, id DESC
	LIMIT $5 OFFSET $6`
}

// SaveSearch keeps a search's words for its buttons and returns its id.
func (tx *Tx) SaveSearch(ctx context.Context, userID int64, words string) (int64, error) {
	var id int64
	if err := tx.get(ctx, &id, `INSERT INTO searches (user_id, words) VALUES ($1, $2) RETURNING id`, userID, words); err != nil {
		return 0, fmt.Errorf("storage: save a search: %w", dbErr(err))
	}
	return id, nil
}

// SavedSearch returns the words of a user's search of the last day.
func (tx *Tx) SavedSearch(ctx context.Context, userID, id int64) (string, error) {
	var words string
	err := tx.get(ctx, &words, `
		SELECT words FROM searches WHERE id = $1 AND user_id = $2 AND created_at > now() - interval '1 day'`, id, userID)
	if err != nil {
		return "", fmt.Errorf("storage: search %d: %w", id, dbErr(err))
	}
	return words, nil
}

// HideProblem keeps a problem out of search, or lets it back in.
func (tx *Tx) HideProblem(ctx context.Context, id int64, hide bool) error {
	_, err := tx.exec(ctx, `UPDATE problems SET hidden_at = CASE WHEN $2 THEN now() END WHERE id = $1`, id, hide)
	if err != nil {
		return fmt.Errorf("storage: hide problem %d: %w", id, dbErr(err))
	}
	return nil
}

// Published reports whether a problem is found by search and may be shown
// to anyone: answered or solved, not hidden, not merged into another.
func (p *Problem) Published() bool {
	return (p.Status == StatusAnswered || p.Status == StatusResolved) && p.HiddenAt == nil && p.MergedInto == nil
}

// Recommendations returns the types of a problem's recommendations, by the
// id of the answer each marks.
func (tx *Tx) Recommendations(ctx context.Context, problemID int64) (map[int64]string, error) {
	var rows []struct {
		MessageID int64  `db:"message_id"`
		Type      string `db:"type"`
	}
	if err := tx.sel(ctx, &rows, `SELECT message_id, type FROM recommendations WHERE problem_id = $1`, problemID); err != nil {
		return nil, fmt.Errorf("storage: recommendations of %d: %w", problemID, dbErr(err))
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.MessageID] = r.Type
	}
	return out, nil
}

// Support records that a user has the same problem, once: it reports
// whether this is new, and how many support it now.
func (tx *Tx) Support(ctx context.Context, problemID, userID int64) (bool, int, error) {
	res, err := tx.exec(ctx, `INSERT INTO supporters (problem_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, problemID, userID)
	if err != nil {
		return false, 0, fmt.Errorf("storage: support problem %d: %w", problemID, dbErr(err))
	}
	added, _ := res.RowsAffected()
	n, err := tx.Supporters(ctx, problemID)
	return added == 1, n, err
}

// Supporters counts who said they have the same problem.
func (tx *Tx) Supporters(ctx context.Context, problemID int64) (int, error) {
	var n int
	if err := tx.get(ctx, &n, `SELECT count(*) FROM supporters WHERE problem_id = $1`, problemID); err != nil {
		return 0, fmt.Errorf("storage: supporters of %d: %w", problemID, dbErr(err))
	}
	return n, nil
}

// A Supporter is an entrepreneur who has the same problem, with their line
// about their own case.
type Supporter struct {
	UserID int64  `db:"user_id"`
	Line   string `db:"line"`
}

// ProblemSupporters returns who support a problem, the first first.
func (tx *Tx) ProblemSupporters(ctx context.Context, problemID int64) ([]Supporter, error) {
	var out []Supporter
	if err := tx.sel(ctx, &out, `SELECT user_id, line FROM supporters WHERE problem_id = $1 ORDER BY created_at, user_id`, problemID); err != nil {
		return nil, fmt.Errorf("storage: supporters of %d: %w", problemID, dbErr(err))
	}
	return out, nil
}

// SetSupportLine keeps a supporter's line about their case; it reports
// false when the user does not support the problem.
func (tx *Tx) SetSupportLine(ctx context.Context, problemID, userID int64, line string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE supporters SET line = $3 WHERE problem_id = $1 AND user_id = $2`, problemID, userID, line)
	if err != nil {
		return false, fmt.Errorf("storage: line of a supporter of %d: %w", problemID, dbErr(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Pressing is a request others said they have too, with how many did in
// a period.
type Pressing struct {
	ID         int64  `db:"id"`
	AuthorID   int64  `db:"author_id"`
	Title      string `db:"title"`
	SectorID   int    `db:"sector_id"`
	Supporters int    `db:"supporters"`
}

// MostPressing returns, for each sector, the perSector requests most
// supported in [from, to): the competence centres' most pressing problems.
func (tx *Tx) MostPressing(ctx context.Context, from, to time.Time, perSector int) ([]Pressing, error) {
	var out []Pressing
	err := tx.sel(ctx, &out, `
		SELECT id, author_id, title, sector_id, supporters FROM (
			SELECT p.id, p.author_id, p.title, p.sector_id, count(*) AS supporters,
				row_number() OVER (PARTITION BY p.sector_id ORDER BY count(*) DESC, p.id) AS place
			FROM supporters s JOIN problems p ON p.id = s.problem_id
			WHERE s.created_at >= $1 AND s.created_at < $2 AND p.merged_into IS NULL
			GROUP BY p.id) x
		WHERE place <= $3
		ORDER BY sector_id, place`, from, to, perSector)
	if err != nil {
		return nil, fmt.Errorf("storage: most pressing requests: %w", dbErr(err))
	}
	return out, nil
}

// GuessSectors returns the n sectors a request's text most likely belongs
// to, the likeliest first, learnt from the sectors of the requests before
// it (naive Bayes over which words each sector's documents have: a
// sector's share of the documents, times, for each word, the share of its
// documents that have it, smoothed). Except leaves one request out, as
// the measurement on the labelled set does.
func (tx *Tx) GuessSectors(ctx context.Context, text string, except int64, n int) ([]int, error) {
	words := SearchWords(text)
	if len(words) == 0 {
		return nil, nil
	}
	if err := tx.planForWords(ctx); err != nil {
		return nil, err
	}
	var out []int
	err := tx.sel(ctx, &out, `
		WITH q AS (`+wordQueries+`),
		has AS (
			SELECT d.sector_id, q.i, count(*) AS n
			FROM q JOIN search_docs d ON d.doc @@ q.q
			WHERE d.problem_id <> $2
			GROUP BY d.sector_id, q.i)
		SELECT h.sector_id FROM has h
		GROUP BY h.sector_id
		ORDER BY sum(h.n::float8 / (SELECT sum(n) FROM has a WHERE a.i = h.i)) DESC, h.sector_id
		LIMIT $3`, pq.Array(words), except, n)
	if err != nil {
		return nil, fmt.Errorf("storage: guess a sector: %w", dbErr(err))
	}
	return out, nil
}

// SearchNotes finds approved trend notes of a sector (any when 0) with
// the words, those with more of them first.
func (tx *Tx) SearchNotes(ctx context.Context, words []string, sector, limit int) ([]Note, error) {
	var out []Note
	err := tx.searchAlso(ctx, &out, `
		SELECT `+prefixed("n.", noteColumns)+` FROM notes n
		JOIN q ON (to_tsvector('russian', n.text) || to_tsvector('english', n.text)) @@ q.q
		WHERE n.status = 'approved' AND ($2 = 0 OR n.sector_id = $2)
		GROUP BY n.id ORDER BY count(*) DESC, n.id DESC LIMIT $3`, words, sector, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: search notes: %w", err)
	}
	return out, nil
}

// SearchEntries finds catalogue entries with the words in their names or
// countries, recommended for a sector's requests when sector is not 0.
func (tx *Tx) SearchEntries(ctx context.Context, words []string, sector, limit int) ([]Entry, error) {
	var out []Entry
	err := tx.searchAlso(ctx, &out, `
		SELECT c.id, c.kind, c.name, c.country, c.site FROM catalogue c
		JOIN q ON (to_tsvector('russian', c.name || ' ' || c.country) || to_tsvector('english', c.name || ' ' || c.country)) @@ q.q
		WHERE $2 = 0 OR EXISTS (SELECT FROM recommendations r JOIN problems p ON p.id = r.problem_id
			WHERE r.catalogue_id = c.id AND p.sector_id = $2)
		GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT $3`, words, sector, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: search the catalogue: %w", err)
	}
	return out, nil
}

// searchAlso runs a statement over q, the words as queries; it takes the
// sector as $2 and the limit as $3.
func (tx *Tx) searchAlso(ctx context.Context, dest any, query string, words []string, sector, limit int) error {
	if len(words) == 0 {
		return nil
	}
	if err := tx.planForWords(ctx); err != nil {
		return err
	}
	return dbErr(tx.sel(ctx, dest, `WITH q AS (`+wordQueries+`)`+query, pq.Array(words), sector, limit))
}
