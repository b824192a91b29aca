package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/lib/pq"
)

// SaveCentre creates a competence centre or renames it (and brings a
// retired one back).
func (tx *Tx) SaveCentre(ctx context.Context, n Named) (int, error) {
	var id int
	err := tx.get(ctx, &id, `
		INSERT INTO centres (code, name_kk, name_ru, name_en) VALUES ($1, $2, $3, $4)
		ON CONFLICT (code) DO UPDATE SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru,
			name_en = EXCLUDED.name_en, retired_at = NULL
		RETURNING id`, n.Code, n.NameKK, n.NameRU, n.NameEN)
	if err != nil {
		return 0, fmt.Errorf("storage: save centre %q: %w", n.Code, dbErr(err))
	}
	return id, nil
}

// SetCentreSectors replaces the sectors a centre serves.
func (tx *Tx) SetCentreSectors(ctx context.Context, centreID int, sectorIDs []int) error {
	if _, err := tx.exec(ctx, `DELETE FROM centre_sectors WHERE centre_id = $1`, centreID); err != nil {
		return fmt.Errorf("storage: sectors of centre %d: %w", centreID, dbErr(err))
	}
	ids := make([]int64, len(sectorIDs))
	for i, s := range sectorIDs {
		ids[i] = int64(s)
	}
	_, err := tx.exec(ctx, `
		INSERT INTO centre_sectors (centre_id, sector_id) SELECT $1, unnest($2::int[])`, centreID, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("storage: sectors of centre %d: %w", centreID, dbErr(err))
	}
	return nil
}

// SaveSector creates a sector or renames it (and brings a retired one back).
func (tx *Tx) SaveSector(ctx context.Context, n Named) (int, error) {
	var id int
	err := tx.get(ctx, &id, `
		INSERT INTO sectors (code, name_kk, name_ru, name_en, position)
		VALUES ($1, $2, $3, $4, (SELECT COALESCE(max(position), 0) + 1 FROM sectors))
		ON CONFLICT (code) DO UPDATE SET name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru,
			name_en = EXCLUDED.name_en, retired_at = NULL
		RETURNING id`, n.Code, n.NameKK, n.NameRU, n.NameEN)
	if err != nil {
		return 0, fmt.Errorf("storage: save sector %q: %w", n.Code, dbErr(err))
	}
	return id, nil
}

// Retire takes a centre or a sector out of use; its history stays.
func (tx *Tx) Retire(ctx context.Context, table, code string) (*Named, error) {
	if table != "centres" && table != "sectors" {
		return nil, fmt.Errorf("storage: retire: no table %q", table)
	}
	var n Named
	err := tx.get(ctx, &n, `
		UPDATE `+table+` SET retired_at = COALESCE(retired_at, now()) WHERE code = $1
		RETURNING id, code, name_kk, name_ru, name_en`, code)
	if err != nil {
		return nil, fmt.Errorf("storage: retire %s %q: %w", strings.TrimSuffix(table, "s"), code, dbErr(err))
	}
	return &n, nil
}

// SectorByCode returns a sector in use by its code.
func (tx *Tx) SectorByCode(ctx context.Context, code string) (*Named, error) {
	return tx.namedByCode(ctx, "sectors", code)
}

// CentreSectors lists the codes of the sectors each centre in use serves.
func (tx *Tx) CentreSectors(ctx context.Context) (map[int][]string, error) {
	var rows []struct {
		Centre int    `db:"centre_id"`
		Code   string `db:"code"`
	}
	err := tx.sel(ctx, &rows, `
		SELECT cs.centre_id, s.code FROM centre_sectors cs JOIN sectors s ON s.id = cs.sector_id
		WHERE s.retired_at IS NULL ORDER BY cs.centre_id, s.position`)
	if err != nil {
		return nil, fmt.Errorf("storage: centre sectors: %w", dbErr(err))
	}
	out := map[int][]string{}
	for _, r := range rows {
		out[r.Centre] = append(out[r.Centre], r.Code)
	}
	return out, nil
}

// ExpertLoad is an expert of a centre with what they are doing.
type ExpertLoad struct {
	User
	Away          bool     `db:"away"`
	Open          int      `db:"open"`           // problems they took that are not finished
	AnswerSeconds *float64 `db:"answer_seconds"` // average time from getting a card to first answering it
}

// CentreExperts lists a centre's experts with their load.
func (tx *Tx) CentreExperts(ctx context.Context, centreID int) ([]ExpertLoad, error) {
	var out []ExpertLoad
	err := tx.sel(ctx, &out, `
		SELECT `+prefixed("u.", userColumns)+`, u.away,
			(SELECT count(*) FROM problems p WHERE p.owner_id = u.id AND p.status IN ('taken', 'answered')) AS open,
			(SELECT avg(extract(epoch FROM fm.first - pe.notified_at))
				FROM (SELECT problem_id, min(created_at) AS first FROM messages
					WHERE author_id = u.id AND author_role = 'expert' GROUP BY problem_id) fm
				JOIN problem_experts pe ON pe.problem_id = fm.problem_id AND pe.expert_id = u.id
				WHERE fm.first >= pe.notified_at) AS answer_seconds
		FROM experts e JOIN users u ON u.id = e.user_id
		WHERE e.centre_id = $1 ORDER BY u.first_name, u.id`, centreID)
	if err != nil {
		return nil, fmt.Errorf("storage: experts of centre %d: %w", centreID, dbErr(err))
	}
	return out, nil
}

// Unreachable reports whether the bot cannot write to a user.
func (u *User) Unreachable() bool { return u.UnreachableSince != nil }

// RosterEntry is an expert to import.
type RosterEntry struct {
	Name      string
	Who       string // as the roster gave it
	UserID    int64
	CentreIDs []int
}

// ImportRoster makes each entry an expert of its centres, creating users
// who have not started the bot yet with the roster's name.
func (tx *Tx) ImportRoster(ctx context.Context, entries []RosterEntry) error {
	for _, e := range entries {
		_, err := tx.exec(ctx, `
			INSERT INTO users (id, first_name) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET first_name = CASE WHEN users.first_name = '' THEN EXCLUDED.first_name ELSE users.first_name END`,
			e.UserID, e.Name)
		if err != nil {
			return fmt.Errorf("storage: import user %d: %w", e.UserID, dbErr(err))
		}
		for _, c := range e.CentreIDs {
			if err := tx.AddExpert(ctx, e.UserID, c); err != nil {
				return err
			}
		}
	}
	return nil
}
