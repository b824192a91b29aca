package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// SectorStats are the figures of one sector for a period, or of all
// sectors together when Total.
type SectorStats struct {
	SectorID     int      `db:"sector_id"`
	Total        bool     `db:"total"`
	Received     int      `db:"received"`
	Pending      int      `db:"pending"` // awaiting a moderator's approval
	Open         int      `db:"open"`
	Answered     int      `db:"answered"`
	Resolved     int      `db:"resolved"`
	MedianAnswer *float64 `db:"median_answer"` // seconds from reaching experts to the first answer
	AvgRating    *float64 `db:"avg_rating"`
}

// Stats returns, per sector and then for all sectors together, the
// problems received in [from, to): how many, how many await moderation,
// are still open, answered and resolved, the median time to the first
// answer and the average rating.
func (tx *Tx) Stats(ctx context.Context, from, to time.Time) ([]SectorStats, error) {
	var out []SectorStats
	err := tx.sel(ctx, &out, `
		WITH rated AS (SELECT problem_id, sum(score) AS score, count(*) AS n FROM ratings GROUP BY problem_id)
		SELECT COALESCE(p.sector_id, 0) AS sector_id, grouping(p.sector_id) = 1 AS total,
			count(*) AS received,
			count(*) FILTER (WHERE p.status = 'pending_moderation') AS pending,
			count(*) FILTER (WHERE p.status IN ('open', 'taken')) AS open,
			count(*) FILTER (WHERE p.first_answer_at IS NOT NULL) AS answered,
			count(*) FILTER (WHERE p.status = 'resolved') AS resolved,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.first_answer_at - p.routed_at))
				FILTER (WHERE p.first_answer_at IS NOT NULL AND p.routed_at IS NOT NULL) AS median_answer,
			sum(r.score)::float8 / NULLIF(sum(r.n), 0) AS avg_rating
		FROM problems p LEFT JOIN rated r ON r.problem_id = p.id
		WHERE p.created_at >= $1 AND p.created_at < $2 AND p.status <> 'draft'
		GROUP BY GROUPING SETS ((p.sector_id), ())
		ORDER BY total, received DESC, sector_id`, from, to)
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
	Sector          Named                          `db:"sector"`
	Region          Named                          `db:"region"`
	AuthorName      string                         `db:"author_name"`
	OwnerName       string                         `db:"owner_name"`
	Messages        JSONList[ExportMessage]        `db:"messages"`
	Recommendations JSONList[ExportRecommendation] `db:"recommendations"`
	Ratings         JSONList[ExportRating]         `db:"ratings"`
	Attachments     JSONList[ExportAttachment]     `db:"attachments"`
	Supporters      int                            `db:"supporters"` // Me too: who have the same problem
}

// ExportMessage is one message of an exported thread.
type ExportMessage struct {
	Author string    `json:"author"`
	Role   string    `json:"role"`
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
}

// ExportRecommendation is a recommendation made on an exported problem,
// with what its author said of its implementation.
type ExportRecommendation struct {
	Type           string `json:"type"`
	Text           string `json:"text"`
	Implementation string `json:"implementation"` // empty until the author says
	Comment        string `json:"comment"`
}

// ExportRating is the author's rating of one expert's answers.
type ExportRating struct {
	Expert  string `json:"expert"`
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// ExportAttachment is a file of an exported problem or its thread.
type ExportAttachment struct {
	Kind string `json:"kind"`
	Name string `json:"name"` // empty for photos and others sent without one
}

// JSONList reads a JSON array that a query built with json_agg.
type JSONList[T any] []T

// Scan reads the list from a JSON array.
func (l *JSONList[T]) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("storage: json list: want []byte, got %T", src)
	}
	return json.Unmarshal(b, l)
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
			(SELECT COALESCE(json_agg(json_build_object('author', trim(u.first_name || ' ' || u.last_name),
					'role', m.author_role, 'at', m.created_at, 'text', m.text) ORDER BY m.id), '[]')
				FROM messages m JOIN users u ON u.id = m.author_id WHERE m.problem_id = p.id) AS messages,
			(SELECT COALESCE(json_agg(json_build_object('type', r.type, 'text', m.text,
					'implementation', r.implementation, 'comment', r.implementation_comment) ORDER BY r.id), '[]')
				FROM recommendations r JOIN messages m ON m.id = r.message_id WHERE r.problem_id = p.id) AS recommendations,
			(SELECT COALESCE(json_agg(json_build_object('expert', trim(u.first_name || ' ' || u.last_name),
					'score', r.score, 'comment', r.comment) ORDER BY r.created_at), '[]')
				FROM ratings r JOIN users u ON u.id = r.expert_id WHERE r.problem_id = p.id) AS ratings,
			(SELECT COALESCE(json_agg(json_build_object('kind', f.kind, 'name', f.file_name) ORDER BY f.id), '[]')
				FROM attachments f WHERE f.problem_id = p.id) AS attachments,
			(SELECT count(*) FROM supporters sp WHERE sp.problem_id = p.id) AS supporters
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
