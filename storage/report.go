package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// SectorStats are the figures of one sector for a period.
type SectorStats struct {
	SectorID     int      `db:"sector_id"`
	Received     int      `db:"received"`
	Open         int      `db:"open"`
	Answered     int      `db:"answered"`
	Resolved     int      `db:"resolved"`
	MedianAnswer *float64 `db:"median_answer"` // seconds from reaching experts to the first answer
	AvgRating    *float64 `db:"avg_rating"`
}

// Stats returns, per sector, the problems received in [from, to): how many,
// how many are still open, answered and resolved, the median time to the
// first answer and the average rating.
func (tx *Tx) Stats(ctx context.Context, from, to time.Time) ([]SectorStats, error) {
	var out []SectorStats
	err := tx.sel(ctx, &out, `
		SELECT p.sector_id,
			count(*) AS received,
			count(*) FILTER (WHERE p.status IN ('open', 'taken')) AS open,
			count(*) FILTER (WHERE p.first_answer_at IS NOT NULL) AS answered,
			count(*) FILTER (WHERE p.status = 'resolved') AS resolved,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.first_answer_at - p.routed_at))
				FILTER (WHERE p.first_answer_at IS NOT NULL AND p.routed_at IS NOT NULL) AS median_answer,
			(SELECT avg(r.score) FROM ratings r JOIN problems q ON q.id = r.problem_id
				WHERE q.sector_id = p.sector_id AND q.created_at >= $1 AND q.created_at < $2) AS avg_rating
		FROM problems p
		WHERE p.created_at >= $1 AND p.created_at < $2 AND p.status <> 'draft'
		GROUP BY p.sector_id ORDER BY received DESC, p.sector_id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("storage: stats: %w", dbErr(err))
	}
	return out, nil
}

// RecommendationStats counts recommendations of a type made in a period,
// and how many were implemented.
type RecommendationStats struct {
	Type        string `db:"type"`
	Count       int    `db:"count"`
	Implemented int    `db:"implemented"`
}

// RecommendationStats counts the recommendations made in [from, to) by type.
func (tx *Tx) RecommendationStats(ctx context.Context, from, to time.Time) ([]RecommendationStats, error) {
	var out []RecommendationStats
	err := tx.sel(ctx, &out, `
		SELECT type, count(*) AS count, count(*) FILTER (WHERE implementation = 'implemented') AS implemented
		FROM recommendations WHERE created_at >= $1 AND created_at < $2
		GROUP BY type ORDER BY count DESC, type`, from, to)
	if err != nil {
		return nil, fmt.Errorf("storage: recommendation stats: %w", dbErr(err))
	}
	return out, nil
}

// ExportRow is one problem with its thread, for the committees' CSV.
type ExportRow struct {
	Problem
	Sector          Named    `db:"sector"`
	Region          Named    `db:"region"`
	AuthorName      string   `db:"author_name"`
	OwnerName       string   `db:"owner_name"`
	Answers         string   `db:"answers"`
	Recommendations string   `db:"recommendations"`
	AvgRating       *float64 `db:"avg_rating"`
}

// AddExport records the authors an export's call names.
func (tx *Tx) AddExport(ctx context.Context, outboxID int64, authors []int64) error {
	if _, err := tx.exec(ctx, `INSERT INTO exports (outbox_id, authors) VALUES ($1, $2)`, outboxID, pq.Array(authors)); err != nil {
		return fmt.Errorf("storage: record export %d: %w", outboxID, dbErr(err))
	}
	return nil
}

// Export returns the problems received in [from, to), oldest first, each
// with its answers and recommendations as text.
func (db *DB) Export(ctx context.Context, from, to time.Time) ([]ExportRow, error) {
	return export(ctx, db.db, from, to)
}

// Export is DB.Export inside a transaction.
func (tx *Tx) Export(ctx context.Context, from, to time.Time) ([]ExportRow, error) {
	return export(ctx, tx.tx, from, to)
}

func export(ctx context.Context, q sqlx.QueryerContext, from, to time.Time) ([]ExportRow, error) {
	var out []ExportRow
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT `+prefixed("p.", problemColumns)+`,
			s.id AS "sector.id", s.code AS "sector.code", s.name_kk AS "sector.name_kk",
			s.name_ru AS "sector.name_ru", s.name_en AS "sector.name_en",
			g.id AS "region.id", g.code AS "region.code", g.name_kk AS "region.name_kk",
			g.name_ru AS "region.name_ru", g.name_en AS "region.name_en",
			trim(a.first_name || ' ' || a.last_name) AS author_name,
			COALESCE(trim(o.first_name || ' ' || o.last_name), '') AS owner_name,
			COALESCE((SELECT string_agg(trim(u.first_name || ' ' || u.last_name) || ' (' ||
					to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || '): ' || m.text, E'\n---\n' ORDER BY m.id)
				FROM messages m JOIN users u ON u.id = m.author_id WHERE m.problem_id = p.id), '') AS answers,
			COALESCE((SELECT string_agg(r.type || ': ' || m.text ||
					CASE WHEN r.implementation <> '' THEN ' [' || r.implementation ||
						CASE WHEN r.implementation_comment <> '' THEN ': ' || r.implementation_comment ELSE '' END || ']'
					ELSE '' END, E'\n---\n' ORDER BY r.id)
				FROM recommendations r JOIN messages m ON m.id = r.message_id WHERE r.problem_id = p.id), '') AS recommendations,
			(SELECT avg(score) FROM ratings WHERE problem_id = p.id) AS avg_rating
		FROM problems p
		JOIN users a ON a.id = p.author_id
		JOIN sectors s ON s.id = p.sector_id
		JOIN regions g ON g.id = p.region_id
		LEFT JOIN users o ON o.id = p.owner_id
		WHERE p.created_at >= $1 AND p.created_at < $2 AND p.status <> 'draft'
		ORDER BY p.id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("storage: export: %w", dbErr(err))
	}
	return out, nil
}
