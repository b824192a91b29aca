package storage

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Roles a user can have. Experts are entrepreneurs too: being an expert is
// membership in a competence centre, not a role.
const (
	RoleEntrepreneur = "entrepreneur"
	RoleObserver     = "observer" // a committee member: the console's published requests only
	RoleModerator    = "moderator"
	RoleAdmin        = "admin"
)

// User is a Telegram user who has talked to the bot.
type User struct {
	ID                int64      `db:"id" json:"id"`
	Username          string     `db:"username" json:"username"`
	FirstName         string     `db:"first_name" json:"first_name"`
	LastName          string     `db:"last_name" json:"last_name"`
	TelegramLanguage  string     `db:"telegram_language" json:"telegram_language"`
	Language          string     `db:"language" json:"language"`   // kk, ru, en; empty until chosen
	Languages         string     `db:"languages" json:"languages"` // an expert's, as they said, space-separated; empty until they do
	Role              string     `db:"role" json:"role"`
	UnreachableSince  *time.Time `db:"unreachable_since" json:"unreachable_since"`
	UnreachableReason string     `db:"unreachable_reason" json:"unreachable_reason"`
	BannedAt          *time.Time `db:"banned_at" json:"banned_at"`
	BanReason         string     `db:"ban_reason" json:"ban_reason"`
	ConsentVersion    string     `db:"consent_version" json:"consent_version"` // of the privacy notice agreed to; empty: none
	ConsentedAt       *time.Time `db:"consented_at" json:"consented_at"`
	ForgottenAt       *time.Time `db:"forgotten_at" json:"forgotten_at"` // the user asked to be forgotten; this row is anonymous

	// Expert tells that the user is an expert of a centre in use, as
	// TouchUser found. Not a column.
	Expert bool `db:"expert" json:"expert"`
}

// described is the user as Telegram describes them, the part TouchUser
// records.
func (u *User) described() User {
	return User{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, TelegramLanguage: u.TelegramLanguage}
}

// IsModerator reports whether the user may moderate.
func (u *User) IsModerator() bool { return u.Role == RoleModerator || u.Role == RoleAdmin }

// MaySignIn reports whether a user may use the web console: moderators
// and admins, and observers.
func (u *User) MaySignIn() bool { return u.IsModerator() || u.Role == RoleObserver }

const userColumns = `id, username, first_name, last_name, telegram_language, language, languages, role,
	unreachable_since, unreachable_reason, banned_at, ban_reason, consent_version, consented_at, forgotten_at`

// TouchUser records a user as Telegram describes them now and returns the
// whole row, with whether they are an expert. A user
// who writes to the bot can be reached again, so any mark of having
// blocked the bot is cleared. A user who is already recorded so is only
// read: most updates come from users who have not changed, and rewriting
// their row each time would cost a write per update.
//
// A user TouchUsers recorded earlier in the transaction, as described the
// same, is returned from that, once, without another statement; so is the
// sender of an update taken for handling, when the description is the one
// recorded and the user can be reached.
func (tx *Tx) TouchUser(ctx context.Context, u User) (*User, error) {
	if i := tx.knownUser(u); i >= 0 {
		known := tx.known[i].user
		tx.known = slices.Delete(tx.known, i, i+1)
		return known, nil
	}
	got, err := tx.touchUsers(ctx, []User{u})
	if err != nil {
		return nil, err
	}
	if len(got) == 0 {
		// Another transaction is adding the same new user and has not
		// committed: this statement's snapshot sees neither its row nor one
		// of its own. Retrying the update finds the row.
		return nil, fmt.Errorf("storage: touch user %d: the user is being added by another transaction", u.ID)
	}
	return got[0], nil
}

// TouchUsers is TouchUser for several users at once, in one statement, as
// for the updates of a batch: each is then returned by the transaction's
// next TouchUser of them, as described the same, without a statement of
// its own. A user given twice is recorded once.
func (tx *Tx) TouchUsers(ctx context.Context, users []User) error {
	seen := map[int64]bool{}
	var unique []User
	for _, u := range users {
		if !seen[u.ID] && tx.knownUser(u) < 0 {
			seen[u.ID] = true
			unique = append(unique, u)
		}
	}
	if len(unique) == 0 {
		return nil
	}
	got, err := tx.touchUsers(ctx, unique)
	if err != nil {
		return err
	}
	byID := make(map[int64]*User, len(got))
	for _, u := range got {
		byID[u.ID] = u
	}
	for _, u := range unique {
		if t, ok := byID[u.ID]; ok {
			tx.known = append(tx.known, touching{as: u, user: t})
		}
	}
	return nil
}

// knownUser returns the index in tx.known of the user that serves
// TouchUser(u), or -1 when there is none.
func (tx *Tx) knownUser(u User) int {
	return slices.IndexFunc(tx.known, func(t touching) bool { return t.serves(u) })
}

// touching is a user as recorded, and as they were described.
type touching struct {
	as   User
	user *User
}

// serves reports whether t is what TouchUser(u) would return: the user
// described the same, and not marked unreachable (which TouchUser clears).
func (t touching) serves(u User) bool {
	return t.as == u && t.user.UnreachableSince == nil
}

// touchUsers records users, each id at most once, in order of id so that
// two transactions adding the same new users lock them in the same order,
// and takes their usernames from whoever had them before.
func (tx *Tx) touchUsers(ctx context.Context, users []User) ([]*User, error) {
	sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })
	n := len(users)
	ids, usernames, firsts, lasts, langs := make([]int64, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, u := range users {
		ids[i], usernames[i], firsts[i], lasts[i], langs[i] = u.ID, u.Username, u.FirstName, u.LastName, u.TelegramLanguage
	}
	var got []*User
	err := tx.sel(ctx, &got, `
		WITH touched AS (
			INSERT INTO users (id, username, first_name, last_name, telegram_language)
			SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
			ON CONFLICT (id) DO UPDATE SET
				username = EXCLUDED.username,
				first_name = EXCLUDED.first_name,
				last_name = EXCLUDED.last_name,
				telegram_language = EXCLUDED.telegram_language,
				unreachable_since = NULL,
				unreachable_reason = '',
				updated_at = now()
			WHERE (users.username, users.first_name, users.last_name, users.telegram_language)
					IS DISTINCT FROM (EXCLUDED.username, EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.telegram_language)
				OR users.unreachable_since IS NOT NULL
			RETURNING `+userColumns+`
		),
		-- A @username is one user's: whoever takes it from another leaves
		-- them without it.
		released AS (
			UPDATE users o SET username = '', updated_at = now()
			FROM touched t
			WHERE t.username <> '' AND lower(o.username) = lower(t.username) AND o.username <> ''
				AND o.id NOT IN (SELECT id FROM touched)
		)
		SELECT u.*, `+expertColumn+`
		FROM (
			SELECT `+userColumns+` FROM touched
			UNION ALL
			SELECT `+userColumns+` FROM users WHERE id = ANY($1) AND id NOT IN (SELECT id FROM touched)
		) u`,
		pq.Array(ids), pq.Array(usernames), pq.Array(firsts), pq.Array(lasts), pq.Array(langs))
	if err != nil {
		return nil, fmt.Errorf("storage: touch %d users: %w", n, dbErr(err))
	}
	return got, nil
}

// User returns a user by Telegram id.
func (tx *Tx) User(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := tx.get(ctx, &u, `SELECT `+userColumns+` FROM users WHERE id = $1`, id); err != nil {
		return nil, fmt.Errorf("storage: user %d: %w", id, dbErr(err))
	}
	return &u, nil
}

// SetLanguages stores the languages an expert reads requests in.
func (tx *Tx) SetLanguages(ctx context.Context, id int64, langs []string) error {
	_, err := tx.exec(ctx, `UPDATE users SET languages = $2, updated_at = now() WHERE id = $1`, id, strings.Join(langs, " "))
	if err != nil {
		return fmt.Errorf("storage: set languages of user %d: %w", id, dbErr(err))
	}
	return nil
}

// SetLanguage stores the language a user chose.
func (tx *Tx) SetLanguage(ctx context.Context, id int64, lang string) error {
	_, err := tx.exec(ctx, `UPDATE users SET language = $2, updated_at = now() WHERE id = $1`, id, lang)
	if err != nil {
		return fmt.Errorf("storage: set language of user %d: %w", id, dbErr(err))
	}
	return nil
}

// SetConsent records that a user agreed to a version of the privacy notice.
func (tx *Tx) SetConsent(ctx context.Context, id int64, version string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE users SET consent_version = $2, consented_at = $3, updated_at = now() WHERE id = $1`, id, version, at)
	if err != nil {
		return fmt.Errorf("storage: consent of user %d: %w", id, dbErr(err))
	}
	return nil
}

// SetReachable records whether the bot can write to a user: Telegram tells
// the bot when a user blocks it and when they unblock it.
func (tx *Tx) SetReachable(ctx context.Context, id int64, reachable bool, reason string) error {
	var err error
	if reachable {
		_, err = tx.exec(ctx, `
			UPDATE users SET unreachable_since = NULL, unreachable_reason = '', updated_at = now() WHERE id = $1`, id)
	} else {
		_, err = tx.exec(ctx, `
			UPDATE users SET unreachable_since = COALESCE(unreachable_since, now()), unreachable_reason = $2, updated_at = now()
			WHERE id = $1`, id, reason)
	}
	if err != nil {
		return fmt.Errorf("storage: set reachability of user %d: %w", id, dbErr(err))
	}
	return nil
}

// EnsureUser makes sure a user has a row, for one named before they have
// started the bot.
func (tx *Tx) EnsureUser(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, `INSERT INTO users (id) VALUES ($1) ON CONFLICT DO NOTHING`, id); err != nil {
		return fmt.Errorf("storage: ensure user %d: %w", id, dbErr(err))
	}
	return nil
}

// GrantRole gives the users named in the configuration (from, such as
// "MODERATOR_IDS") at least a role, creating rows for those who have not
// started the bot yet: entrepreneurs become moderators, anyone named an
// admin becomes one. A user whose moderator's or admin's role was ever
// removed is left as they are: the configuration names who starts with a
// role, and a removal outlives restarts. Each grant is in the audit log.
func (db *DB) GrantRole(ctx context.Context, ids []int64, role, from string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := db.exec(ctx, `
		WITH granted AS (
			INSERT INTO users (id, role) SELECT unnest($1::bigint[]), $2
			ON CONFLICT (id) DO UPDATE SET role = $2, updated_at = now()
			WHERE (users.role = 'entrepreneur' OR $2 = 'admin' AND users.role <> 'admin')
				AND NOT EXISTS (SELECT FROM audit_log a WHERE a.action = 'remove_moderator' AND a.target = users.id::text)
			RETURNING id
		)
		INSERT INTO audit_log (actor_id, action, target, reason)
		SELECT id, 'grant_' || $2, id::text, $3 FROM granted`, pq.Array(ids), role, from)
	if err != nil {
		return fmt.Errorf("storage: grant %ss: %w", role, dbErr(err))
	}
	return nil
}
