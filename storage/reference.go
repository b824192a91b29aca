package storage

import (
	"context"
	"fmt"
	"strings"
)

// Named is a row of reference data with names in the bot's three languages.
type Named struct {
	ID     int    `db:"id"`
	Code   string `db:"code"`
	NameKK string `db:"name_kk"`
	NameRU string `db:"name_ru"`
	NameEN string `db:"name_en"`
}

// Name returns the name in a language: kk, ru or en.
func (n *Named) Name(lang string) string {
	switch lang {
	case "kk":
		return n.NameKK
	case "en":
		return n.NameEN
	}
	return n.NameRU
}

// Sectors lists the industry sectors in use, in their display order.
func (tx *Tx) Sectors(ctx context.Context) ([]Named, error) {
	var out []Named
	err := tx.sel(ctx, &out, `
		SELECT id, code, name_kk, name_ru, name_en FROM sectors WHERE retired_at IS NULL ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("storage: list sectors: %w", dbErr(err))
	}
	return out, nil
}

// Sector returns a sector, retired or not.
func (tx *Tx) Sector(ctx context.Context, id int) (*Named, error) {
	var n Named
	if err := tx.get(ctx, &n, `SELECT id, code, name_kk, name_ru, name_en FROM sectors WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("storage: sector %d: %w", id, dbErr(err))
	}
	return &n, nil
}

// Regions lists the regions in their display order.
func (tx *Tx) Regions(ctx context.Context) ([]Named, error) {
	var out []Named
	err := tx.sel(ctx, &out, `SELECT id, code, name_kk, name_ru, name_en FROM regions ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("storage: list regions: %w", dbErr(err))
	}
	return out, nil
}

// Region returns a region.
func (tx *Tx) Region(ctx context.Context, id int) (*Named, error) {
	var n Named
	if err := tx.get(ctx, &n, `SELECT id, code, name_kk, name_ru, name_en FROM regions WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("storage: region %d: %w", id, dbErr(err))
	}
	return &n, nil
}

// CentreByCode returns a competence centre in use by its code.
func (tx *Tx) CentreByCode(ctx context.Context, code string) (*Named, error) {
	return tx.namedByCode(ctx, "centres", code)
}

// namedByCode returns a row in use of centres or sectors by its code.
func (tx *Tx) namedByCode(ctx context.Context, table, code string) (*Named, error) {
	var n Named
	err := tx.get(ctx, &n, `
		SELECT id, code, name_kk, name_ru, name_en FROM `+table+` WHERE code = $1 AND retired_at IS NULL`, code)
	if err != nil {
		return nil, fmt.Errorf("storage: %s %q: %w", strings.TrimSuffix(table, "s"), code, dbErr(err))
	}
	return &n, nil
}

// Centres lists the competence centres in use.
func (tx *Tx) Centres(ctx context.Context) ([]Named, error) {
	var out []Named
	err := tx.sel(ctx, &out, `
		SELECT id, code, name_kk, name_ru, name_en FROM centres WHERE retired_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: list centres: %w", dbErr(err))
	}
	return out, nil
}

// ClaimForSandbox reports whether the database is the sandbox's: marked so
// already, or empty (no user, problem, update or call), in which case it
// marks it.
func (tx *Tx) ClaimForSandbox(ctx context.Context) (bool, error) {
	var ok bool
	err := tx.get(ctx, &ok, `
		WITH claim AS (
			INSERT INTO sandbox (made_at)
			SELECT now() WHERE NOT EXISTS (SELECT FROM sandbox)
				AND NOT EXISTS (SELECT FROM users) AND NOT EXISTS (SELECT FROM problems)
				AND NOT EXISTS (SELECT FROM inbox) AND NOT EXISTS (SELECT FROM outbox)
			RETURNING 1
		)
		SELECT EXISTS (SELECT FROM sandbox) OR EXISTS (SELECT FROM claim)`)
	if err != nil {
		return false, fmt.Errorf("storage: claim the database for the sandbox: %w", dbErr(err))
	}
	return ok, nil
}
