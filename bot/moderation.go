package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// moderate approves or rejects a problem waiting for moderation, from a
// button (q not nil) or a command. Only moderators may; the database says
// who they are.
func (b *Bot) moderate(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, action string, id int64) error {
	reply := func(text string) error {
		if q != nil {
			if err := r.answer(ctx, q, stripTags(text)); err != nil {
				return err
			}
		}
		return r.send(ctx, text, nil)
	}
	if !r.user.IsModerator() {
		if q != nil {
			return r.answer(ctx, q, r.t("not_allowed"))
		}
		return r.send(ctx, r.t("moderators_only"), nil)
	}
	p, err := r.tx.Problem(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return reply(r.t("not_found", id))
	}
	if err != nil {
		return err
	}
	if p.Status != storage.StatusPendingModeration {
		return reply(r.t("mod_not_pending", p.ID, r.t("status_"+p.Status)))
	}
	author, err := r.tx.User(ctx, p.AuthorID)
	if err != nil {
		return err
	}
	if action == "reject" {
		if err := r.tx.SetStatus(ctx, p.ID, storage.StatusRejected, &r.user.ID, ""); err != nil {
			return err
		}
		msg := textMessages(author.ID, T(userLang(author), "rejected_author", p.ID), nil, storage.PriorityInteractive)
		if err := r.tx.Enqueue(ctx, msg...); err != nil {
			return err
		}
		return reply(r.t("mod_rejected", p.ID))
	}
	if err := r.tx.SetStatus(ctx, p.ID, storage.StatusOpen, &r.user.ID, ""); err != nil {
		return err
	}
	p.Status = storage.StatusOpen
	n, err := b.route(ctx, r.tx, p)
	if err != nil {
		return err
	}
	if err := b.tellRouted(ctx, r.tx, p, n); err != nil {
		return err
	}
	return reply(r.t("mod_approved", p.ID, n))
}

// moderateCommand is /approve N and /reject N.
func (b *Bot) moderateCommand(ctx context.Context, r *req, action, args string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(args), "#"), 10, 64)
	if err != nil || id <= 0 {
		if !r.user.IsModerator() {
			return r.send(ctx, r.t("moderators_only"), nil)
		}
		return r.send(ctx, r.t("usage", "/"+action+" N"), nil)
	}
	return b.moderate(ctx, r, nil, action, id)
}

// manageExpert is /addexpert ID CENTRE and /removeexpert ID CENTRE.
func (b *Bot) manageExpert(ctx context.Context, r *req, add bool, args string) error {
	if !r.user.IsModerator() {
		return r.send(ctx, r.t("moderators_only"), nil)
	}
	cmd := "/removeexpert"
	if add {
		cmd = "/addexpert"
	}
	f := strings.Fields(args)
	var id int64
	var err error
	if len(f) == 2 {
		id, err = strconv.ParseInt(f[0], 10, 64)
	}
	if len(f) != 2 || err != nil || id <= 0 {
		return r.send(ctx, r.t("usage", cmd+" USER_ID CENTRE"), nil)
	}
	centre, err := r.tx.CentreByCode(ctx, f[1])
	if errors.Is(err, storage.ErrNotFound) {
		centres, err := r.tx.Centres(ctx)
		if err != nil {
			return err
		}
		var codes []string
		for _, c := range centres {
			codes = append(codes, c.Code)
		}
		return r.send(ctx, r.t("unknown_centre", strings.Join(codes, ", ")), nil)
	}
	if err != nil {
		return err
	}
	if !add {
		if err := r.tx.RemoveExpert(ctx, id, centre.ID); err != nil {
			return err
		}
		return r.send(ctx, r.t("expert_removed", id, Escape(centre.Name(r.lang))), nil)
	}
	if err := r.tx.EnsureUser(ctx, id); err != nil {
		return err
	}
	if err := r.tx.AddExpert(ctx, id, centre.ID); err != nil {
		return err
	}
	expert, err := r.tx.User(ctx, id)
	if err != nil {
		return err
	}
	if err := b.registerUserCommands(ctx, r.tx, expert); err != nil {
		return err
	}
	return r.send(ctx, r.t("expert_added", id, Escape(centre.Name(r.lang))), nil)
}
