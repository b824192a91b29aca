package storage

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// An Entry is a partner, a technology or a standard of the catalogue.
type Entry struct {
	ID      int64  `db:"id"`
	Kind    string `db:"kind"`
	Name    string `db:"name"`
	Country string `db:"country"`
	Site    string `db:"site"`
}

// AddEntry adds an entry to the catalogue and returns its id.
func (tx *Tx) AddEntry(ctx context.Context, e *Entry, by int64) (int64, error) {
	err := tx.get(ctx, &e.ID, `
		INSERT INTO catalogue (kind, name, country, site, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		e.Kind, e.Name, e.Country, e.Site, by)
	if err != nil {
		return 0, fmt.Errorf("storage: add %s %q: %w", e.Kind, e.Name, dbErr(err))
	}
	return e.ID, nil
}

// Entry returns an entry of the catalogue.
func (tx *Tx) Entry(ctx context.Context, id int64) (*Entry, error) {
	var e Entry
	if err := tx.get(ctx, &e, `SELECT id, kind, name, country, site FROM catalogue WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("storage: catalogue entry %d: %w", id, dbErr(err))
	}
	return &e, nil
}

// LikeEntries returns up to three entries of a kind whose names are like
// name by trigrams (another spelling, a legal form more or less), the most
// alike first.
func (tx *Tx) LikeEntries(ctx context.Context, kind, name string) ([]Entry, error) {
	var out []Entry
	err := tx.sel(ctx, &out, `
		SELECT id, kind, name, country, site FROM catalogue
		WHERE kind = $1 AND similarity(lower(name), lower($2)) >= 0.4
		ORDER BY similarity(lower(name), lower($2)) DESC, id LIMIT 3`, kind, name)
	if err != nil {
		return nil, fmt.Errorf("storage: entries like %q: %w", name, dbErr(err))
	}
	return out, nil
}

// LinkRecommendation names the catalogue entry a recommendation is of.
func (tx *Tx) LinkRecommendation(ctx context.Context, recID, entryID int64) error {
	if _, err := tx.exec(ctx, `UPDATE recommendations SET catalogue_id = $2 WHERE id = $1`, recID, entryID); err != nil {
		return fmt.Errorf("storage: link recommendation %d: %w", recID, dbErr(err))
	}
	return nil
}

// Listed is an entry with what became of its recommendations.
type Listed struct {
	Entry
	Problems       pq.Int64Array `db:"problems"`
	Implemented    int           `db:"implemented"`
	InProgress     int           `db:"in_progress"`
	NotImplemented int           `db:"not_implemented"`
}

// Catalogue lists the entries of a kind recommended for requests of a
// sector (any when 0), the most recommended first.
func (tx *Tx) Catalogue(ctx context.Context, kind string, sector int) ([]Listed, error) {
	var out []Listed
	err := tx.sel(ctx, &out, `
		SELECT c.id, c.kind, c.name, c.country, c.site,
			array_agg(DISTINCT r.problem_id ORDER BY r.problem_id) AS problems,
			count(*) FILTER (WHERE r.implementation = 'implemented') AS implemented,
			count(*) FILTER (WHERE r.implementation = 'in_progress') AS in_progress,
			count(*) FILTER (WHERE r.implementation = 'not_implemented') AS not_implemented
		FROM catalogue c
		JOIN recommendations r ON r.catalogue_id = c.id
		JOIN problems p ON p.id = r.problem_id
		WHERE c.kind = $1 AND ($2 = 0 OR p.sector_id = $2)
		GROUP BY c.id
		ORDER BY count(*) DESC, c.name
		LIMIT 30`, kind, sector)
	if err != nil {
		return nil, fmt.Errorf("storage: catalogue of %s: %w", kind, dbErr(err))
	}
	return out, nil
}

// RecommendationAuthor returns who wrote the answer a recommendation marks.
func (tx *Tx) RecommendationAuthor(ctx context.Context, recID int64) (int64, error) {
	var id int64
	err := tx.get(ctx, &id, `SELECT m.author_id FROM recommendations r JOIN messages m ON m.id = r.message_id WHERE r.id = $1`, recID)
	if err != nil {
		return 0, fmt.Errorf("storage: author of recommendation %d: %w", recID, dbErr(err))
	}
	return id, nil
}
