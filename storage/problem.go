package storage

import (
	"context"
	"fmt"
	"time"
)

// Problem statuses.
const (
	StatusDraft             = "draft"
	StatusPendingModeration = "pending_moderation"
	StatusOpen              = "open"
	StatusTaken             = "taken"
	StatusAnswered          = "answered"
	StatusResolved          = "resolved"
	StatusClosed            = "closed"
	StatusRejected          = "rejected"
)

// Problem is what an entrepreneur asks the experts.
type Problem struct {
	ID            int64      `db:"id"`
	AuthorID      int64      `db:"author_id"`
	Kind          string     `db:"kind"` // problem or appraisal
	SectorID      int        `db:"sector_id"`
	RegionID      int        `db:"region_id"`
	Title         string     `db:"title"`
	Body          string     `db:"body"`
	Company       string     `db:"company"`
	BIN           string     `db:"bin"`
	Anonymous     bool       `db:"anonymous"`
	Status        string     `db:"status"`
	OwnerID       *int64     `db:"owner_id"`
	CreatedAt     time.Time  `db:"created_at"`
	RoutedAt      *time.Time `db:"routed_at"`
	FirstAnswerAt *time.Time `db:"first_answer_at"`
	ResolvedAt    *time.Time `db:"resolved_at"` // when last marked solved
	MergedInto    *int64     `db:"merged_into"`
	RejectReason  string     `db:"reject_reason"`
	Language      string     `db:"language"`  // the author's when posted: kk, ru, en; empty if not known
	HiddenAt      *time.Time `db:"hidden_at"` // a moderator keeps it out of search
}

// Closed reports whether the problem takes no more answers.
func (p *Problem) Closed() bool {
	switch p.Status {
	case StatusResolved, StatusClosed, StatusRejected:
		return true
	}
	return false
}

const problemColumns = `id, author_id, kind, sector_id, region_id, title, body, company, bin, anonymous,
	status, owner_id, created_at, routed_at, first_answer_at, resolved_at, merged_into, reject_reason, language, hidden_at`

// Attachment is a photo or document kept by Telegram's file_id.
type Attachment struct {
	ID           int64  `db:"id"`
	Kind         string `db:"kind"` // photo, document, voice, audio, video or video_note
	FileID       string `db:"file_id"`
	FileName     string `db:"file_name"`
	MediaGroupID string `db:"media_group_id"`
	Caption      string `db:"caption"`
	MessageID    *int64 `db:"message_id"` // the thread message it came with; nil: with the problem
}

// CreateProblem stores a submitted problem with its attachments, as a draft
// that becomes status at once; both steps go into its history.
func (tx *Tx) CreateProblem(ctx context.Context, p *Problem, atts []Attachment, status string) (int64, error) {
	var id int64
	err := tx.get(ctx, &id, `
		INSERT INTO problems (author_id, kind, sector_id, region_id, title, body, company, bin, anonymous, language, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft')
		RETURNING id`,
		p.AuthorID, p.Kind, p.SectorID, p.RegionID, p.Title, p.Body, p.Company, p.BIN, p.Anonymous, p.Language)
	if err != nil {
		return 0, fmt.Errorf("storage: create problem: %w", dbErr(err))
	}
	if err := tx.addEvent(ctx, id, &p.AuthorID, "", StatusDraft, ""); err != nil {
		return 0, err
	}
	if err := tx.AddAttachments(ctx, id, nil, atts); err != nil {
		return 0, err
	}
	if err := tx.SetStatus(ctx, id, status, &p.AuthorID, ""); err != nil {
		return 0, err
	}
	return id, nil
}

// Problem returns a problem and locks it until the transaction ends, so
// that actions on one problem happen one after another.
func (tx *Tx) Problem(ctx context.Context, id int64) (*Problem, error) {
	var p Problem
	if err := tx.get(ctx, &p, `SELECT `+problemColumns+` FROM problems WHERE id = $1 FOR UPDATE`, id); err != nil {
		return nil, fmt.Errorf("storage: problem %d: %w", id, dbErr(err))
	}
	return &p, nil
}

// SetStatus moves a problem to a status and records who did it and why.
// actor nil means the bot itself. Setting the status it has is a no-op.
func (tx *Tx) SetStatus(ctx context.Context, id int64, status string, actor *int64, note string) error {
	var from string
	err := tx.get(ctx, &from, `
		UPDATE problems p SET status = $2, updated_at = now(),
			routed_at = CASE WHEN $2 = 'open' THEN COALESCE(p.routed_at, now()) ELSE p.routed_at END,
			resolved_at = CASE WHEN $2 = 'resolved' THEN now() ELSE p.resolved_at END
		FROM problems old WHERE p.id = $1 AND old.id = p.id
		RETURNING old.status`, id, status)
	if err != nil {
		return fmt.Errorf("storage: set status of problem %d: %w", id, dbErr(err))
	}
	if from == status {
		return nil
	}
	tx.changedProblem(id)
	return tx.addEvent(ctx, id, actor, from, status, note)
}

func (tx *Tx) addEvent(ctx context.Context, id int64, actor *int64, from, to, note string) error {
	_, err := tx.exec(ctx, `
		INSERT INTO problem_events (problem_id, actor_id, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5)`,
		id, actor, from, to, note)
	if err != nil {
		return fmt.Errorf("storage: record event of problem %d: %w", id, dbErr(err))
	}
	return nil
}

// TakeProblem makes an expert the problem's owner if nobody is. It reports
// whether this expert got it; of two experts pressing Take at once, exactly
// one does.
func (tx *Tx) TakeProblem(ctx context.Context, id, expertID int64) (bool, error) {
	res, err := tx.exec(ctx, `
		UPDATE problems SET owner_id = $2, updated_at = now(),
			status = CASE WHEN status = 'open' THEN 'taken' ELSE status END
		WHERE id = $1 AND owner_id IS NULL AND status IN ('open', 'answered')`, id, expertID)
	if err != nil {
		return false, fmt.Errorf("storage: take problem %d: %w", id, dbErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	tx.changedProblem(id)
	return true, tx.addEvent(ctx, id, &expertID, StatusOpen, StatusTaken, "")
}

// ReleaseProblem takes the problem from its owner, back to open if it was
// only taken.
func (tx *Tx) ReleaseProblem(ctx context.Context, id, expertID int64) error {
	var from string
	err := tx.get(ctx, &from, `
		UPDATE problems p SET owner_id = NULL, updated_at = now(),
			status = CASE WHEN p.status = 'taken' THEN 'open' ELSE p.status END
		FROM problems old WHERE p.id = $1 AND old.id = p.id AND p.owner_id = $2
		RETURNING old.status`, id, expertID)
	if err != nil {
		if dbErr(err) == ErrNotFound {
			return nil
		}
		return fmt.Errorf("storage: release problem %d: %w", id, dbErr(err))
	}
	tx.changedProblem(id)
	if from == StatusTaken {
		return tx.addEvent(ctx, id, &expertID, StatusTaken, StatusOpen, "not my area")
	}
	return nil
}

// MarkAnswered notes an expert's answer: the first answer's time, and the
// status answered unless the problem is past that.
func (tx *Tx) MarkAnswered(ctx context.Context, id, expertID int64) error {
	if _, err := tx.exec(ctx, `
		UPDATE problems SET first_answer_at = COALESCE(first_answer_at, now()) WHERE id = $1`, id); err != nil {
		return fmt.Errorf("storage: mark problem %d answered: %w", id, dbErr(err))
	}
	p, err := tx.Problem(ctx, id)
	if err != nil {
		return err
	}
	if p.Status == StatusOpen || p.Status == StatusTaken {
		return tx.SetStatus(ctx, id, StatusAnswered, &expertID, "")
	}
	return nil
}

// AddAttachments stores files of a problem; message nil for those attached
// when it was posted.
func (tx *Tx) AddAttachments(ctx context.Context, problemID int64, message *int64, atts []Attachment) error {
	for _, a := range atts {
		_, err := tx.exec(ctx, `
			INSERT INTO attachments (problem_id, message_id, kind, file_id, file_name, media_group_id, caption)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, problemID, message, a.Kind, a.FileID, a.FileName, a.MediaGroupID, a.Caption)
		if err != nil {
			return fmt.Errorf("storage: attach to problem %d: %w", problemID, dbErr(err))
		}
	}
	return nil
}

// Attachments lists the files attached to a problem when it was posted.
func (tx *Tx) Attachments(ctx context.Context, problemID int64) ([]Attachment, error) {
	var out []Attachment
	err := tx.sel(ctx, &out, `
		SELECT id, kind, file_id, file_name, media_group_id, caption FROM attachments
		WHERE problem_id = $1 AND message_id IS NULL ORDER BY id`, problemID)
	if err != nil {
		return nil, fmt.Errorf("storage: attachments of problem %d: %w", problemID, dbErr(err))
	}
	return out, nil
}

// ThreadAttachments lists every file of a problem: posted with it and sent
// in its thread.
func (tx *Tx) ThreadAttachments(ctx context.Context, problemID int64) ([]Attachment, error) {
	var out []Attachment
	err := tx.sel(ctx, &out, `
		SELECT id, kind, file_id, file_name, media_group_id, caption, message_id FROM attachments
		WHERE problem_id = $1 ORDER BY id`, problemID)
	if err != nil {
		return nil, fmt.Errorf("storage: files of problem %d: %w", problemID, dbErr(err))
	}
	return out, nil
}

// ProblemsByAuthor lists an entrepreneur's problems, newest first.
func (tx *Tx) ProblemsByAuthor(ctx context.Context, authorID int64, limit int) ([]Problem, error) {
	var out []Problem
	err := tx.sel(ctx, &out, `
		SELECT `+problemColumns+` FROM problems WHERE author_id = $1 ORDER BY id DESC LIMIT $2`, authorID, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: problems of user %d: %w", authorID, dbErr(err))
	}
	return out, nil
}

// ProblemsOwnedBy lists the unfinished problems an expert took, newest first.
func (tx *Tx) ProblemsOwnedBy(ctx context.Context, expertID int64, limit int) ([]Problem, error) {
	var out []Problem
	err := tx.sel(ctx, &out, `
		SELECT `+problemColumns+` FROM problems
		WHERE owner_id = $1 AND status IN ('taken', 'answered') ORDER BY id DESC LIMIT $2`, expertID, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: problems of expert %d: %w", expertID, dbErr(err))
	}
	return out, nil
}

// ProblemsWaitingFor lists the open problems nobody took that were sent to
// an expert who has not declined them, oldest first.
func (tx *Tx) ProblemsWaitingFor(ctx context.Context, expertID int64, limit int) ([]Problem, error) {
	var out []Problem
	err := tx.sel(ctx, &out, `
		SELECT `+prefixed("p.", problemColumns)+` FROM problems p
		JOIN problem_experts pe ON pe.problem_id = p.id AND pe.expert_id = $1 AND pe.declined_at IS NULL
		WHERE p.status = 'open' AND p.owner_id IS NULL ORDER BY p.id LIMIT $2`, expertID, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: problems waiting for expert %d: %w", expertID, dbErr(err))
	}
	return out, nil
}

// Event is one change of a problem's status.
type Event struct {
	ActorID *int64    `db:"actor_id"`
	From    string    `db:"from_status"`
	To      string    `db:"to_status"`
	Note    string    `db:"note"`
	At      time.Time `db:"at"`
}

// Events returns a problem's status history, oldest first.
func (tx *Tx) Events(ctx context.Context, problemID int64) ([]Event, error) {
	var out []Event
	err := tx.sel(ctx, &out, `
		SELECT actor_id, from_status, to_status, note, at FROM problem_events WHERE problem_id = $1 ORDER BY id`, problemID)
	if err != nil {
		return nil, fmt.Errorf("storage: events of problem %d: %w", problemID, dbErr(err))
	}
	return out, nil
}

// ProblemsInHand lists, newest first, the problems a user's message may
// be about: their own with the experts, and those they took as an expert.
func (tx *Tx) ProblemsInHand(ctx context.Context, userID int64, limit int) ([]Problem, error) {
	var out []Problem
	err := tx.sel(ctx, &out, `
		SELECT `+problemColumns+` FROM problems
		WHERE (author_id = $1 AND status IN ('open', 'taken', 'answered') OR owner_id = $1 AND status IN ('taken', 'answered'))
			AND merged_into IS NULL
		ORDER BY updated_at DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: problems in hand of user %d: %w", userID, dbErr(err))
	}
	return out, nil
}

// Company is a company's name and BIN as an author gave them.
type Company struct {
	Company string `db:"company"`
	BIN     string `db:"bin"`
}

// LastCompany returns the company of an author's latest problem that named
// one; empty when none did.
func (tx *Tx) LastCompany(ctx context.Context, authorID int64) (Company, error) {
	var c Company
	err := tx.get(ctx, &c, `
		SELECT company, bin FROM problems WHERE author_id = $1 AND company <> '' ORDER BY id DESC LIMIT 1`, authorID)
	if err != nil && dbErr(err) != ErrNotFound {
		return c, fmt.Errorf("storage: last company of %d: %w", authorID, dbErr(err))
	}
	return c, nil
}
