package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Found is a published problem a search found, as anyone may see it: no
// author, no company.
type Found struct {
	ID       int64    `db:"id"`
	Title    string   `db:"title"`
	SectorID int      `db:"sector_id"`
	Status   string   `db:"status"`
	Answers  int      `db:"answers"`
	Rating   *float64 `db:"rating"`
	Matched  int      `db:"matched"` // how many of the words it has, in some form
}

// searchDepth is how many of a search's best results are ordered and
// paged through: forty pages of five.
const searchDepth = 200

// SearchWords are the words of a query worth looking for: three letters
// or more, at most eight of them.
func SearchWords(q string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if utf8.RuneCountInString(w) >= 3 && len(words) < 8 {
			words = append(words, w)
		}
	}
	return words
}

// Search finds published problems (answered or solved, not hidden by a
// moderator, not merged into another) of a sector, or of any when sector
// is 0, whose text or experts' answers have the words: a Russian or
// English word by its stem, any word, Kazakh ones too, as one of its forms
// in the lexicon (the words of all the texts, matched by trigrams), so
// that another case ending or a typo still finds it. The best first:
// those with more of the words, then solved, well rated and much
// answered ones. It returns a page and how many there are in all.
func (tx *Tx) Search(ctx context.Context, words []string, sector, limit, offset int) ([]Found, int, error) {
	if len(words) == 0 {
		return nil, 0, nil
	}
	query, args := searchQuery(words, sector, limit, offset)
	var out []struct {
		Found
		Total int `db:"total"`
	}
	if err := tx.sel(ctx, &out, query, args...); err != nil {
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
func (tx *Tx) ExplainSearch(ctx context.Context, words []string, sector int) (string, error) {
	query, args := searchQuery(words, sector, 5, 0)
	var lines []string
	if err := tx.sel(ctx, &lines, "EXPLAIN (ANALYZE, COSTS OFF) "+query, args...); err != nil {
		return "", fmt.Errorf("storage: explain a search: %w", dbErr(err))
	}
	return strings.Join(lines, "\n"), nil
}

// searchQuery is the statement of a search and its arguments: each word
// found by its Russian or English stem or by trigrams, in a problem's
// title and description or in an expert's answer.
func searchQuery(words []string, sector, limit, offset int) (string, []any) {
	args := []any{sector, limit, offset}
	// One branch a word and a place, so that each condition is checked
	// once a row; a problem's count of branches is how many words it has.
	// A word is found by its Russian or English stem, or as one of its
	// forms in the lexicon (forms).
	var forms, hits []string
	for i, w := range words {
		args = append(args, w)
		n, f := "$"+strconv.Itoa(len(args)), "f"+strconv.Itoa(i)
		forms = append(forms, fmt.Sprintf(`%[2]s AS (SELECT COALESCE(to_tsquery('simple', string_agg(quote_literal(word), ' | ')), '') AS q
				FROM (SELECT word FROM lexicon WHERE word %% %[1]s ORDER BY word <-> %[1]s LIMIT 12) l)`, n, f))
		hits = append(hits,
			fmt.Sprintf(`SELECT p.id, %[3]d AS word FROM problems p, %[2]s WHERE p.search @@ plainto_tsquery('russian', %[1]s) OR p.search @@ plainto_tsquery('english', %[1]s) OR p.words @@ %[2]s.q`, n, f, i),
			fmt.Sprintf(`SELECT m.problem_id, %[3]d FROM messages m, %[2]s WHERE m.author_role = 'expert' AND (m.search @@ plainto_tsquery('russian', %[1]s) OR m.search @@ plainto_tsquery('english', %[1]s) OR m.words @@ %[2]s.q)`, n, f, i))
	}
	return `
		WITH ` + strings.Join(forms, ",\n\t\t") + `,
		hits AS (` + strings.Join(hits, "\n\t\t\tUNION ALL ") + `),
		best AS (SELECT id, count(DISTINCT word) AS matched FROM hits GROUP BY id),
		-- The first few hundred by words and being solved, with how many
		-- there are in all; ratings and answers order only those.
		top AS (
			SELECT p.id, p.title, p.sector_id, p.status, b.matched, count(*) OVER () AS total
			FROM best b JOIN problems p ON p.id = b.id
			WHERE p.status IN ('answered', 'resolved') AND p.hidden_at IS NULL AND p.merged_into IS NULL
				AND ($1 = 0 OR p.sector_id = $1)
			ORDER BY b.matched DESC, (p.status = 'resolved') DESC, p.id DESC
			LIMIT ` + strconv.Itoa(searchDepth) + `)
		SELECT t.*,
			(SELECT count(*) FROM messages m WHERE m.problem_id = t.id AND m.author_role = 'expert') AS answers,
			(SELECT avg(score) FROM ratings r WHERE r.problem_id = t.id) AS rating
		FROM top t
		ORDER BY t.matched DESC, (t.status = 'resolved') DESC, COALESCE((SELECT avg(score) FROM ratings r WHERE r.problem_id = t.id), 3) DESC,
			answers DESC, t.id DESC
		LIMIT $2 OFFSET $3`, args
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
