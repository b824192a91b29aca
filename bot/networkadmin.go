package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// findUser resolves how a moderator names a user: a Telegram id, or the
// @username of someone who has started the bot. It returns nil when there
// is no such user, having said so.
func (b *Bot) findUser(ctx context.Context, r *req, who string) (*storage.User, error) {
	if name, ok := strings.CutPrefix(who, "@"); ok {
		u, err := r.tx.UserByUsername(ctx, name)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, r.send(ctx, r.t("user_not_found"), nil)
		}
		return u, err
	}
	id, err := strconv.ParseInt(who, 10, 64)
	if err != nil || id <= 0 {
		return nil, r.send(ctx, r.t("user_not_found"), nil)
	}
	if err := r.tx.EnsureUser(ctx, id); err != nil {
		return nil, err
	}
	return r.tx.User(ctx, id)
}

// findCentre resolves a centre code, listing the codes when it is wrong.
func (b *Bot) findCentre(ctx context.Context, r *req, code string) (*storage.Named, error) {
	c, err := r.tx.CentreByCode(ctx, code)
	if !errors.Is(err, storage.ErrNotFound) {
		return c, err
	}
	centres, err := r.tx.Centres(ctx)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, c := range centres {
		codes = append(codes, c.Code)
	}
	return nil, r.send(ctx, r.t("unknown_centre", strings.Join(codes, ", ")), nil)
}

// manageExpert is /addexpert USER CENTRE and /removeexpert USER CENTRE,
// where USER is an id or an @username.
func (b *Bot) manageExpert(ctx context.Context, r *req, add bool, args string) error {
	f := strings.Fields(args)
	if len(f) != 2 {
		cmd := map[bool]string{true: "/addexpert", false: "/removeexpert"}[add]
		return r.send(ctx, r.t("usage", cmd+" ID|@username CENTRE"), nil)
	}
	u, err := b.findUser(ctx, r, f[0])
	if err != nil || u == nil {
		return err
	}
	centre, err := b.findCentre(ctx, r, f[1])
	if err != nil || centre == nil {
		return err
	}
	return b.setExpert(ctx, r, u, centre, add)
}

func (b *Bot) setExpert(ctx context.Context, r *req, u *storage.User, centre *storage.Named, add bool) error {
	action, text := "remove_expert", "expert_removed"
	if add {
		action, text = "add_expert", "expert_added"
		if err := r.tx.AddExpert(ctx, u.ID, centre.ID); err != nil {
			return err
		}
	} else if err := r.tx.RemoveExpert(ctx, u.ID, centre.ID); err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, action, nil, strconv.FormatInt(u.ID, 10), centre.Code); err != nil {
		return err
	}
	if err := registerUserCommands(ctx, r.tx, u); err != nil {
		return err
	}
	return r.send(ctx, r.t(text, u.ID, Escape(centre.Name(r.lang))), nil)
}

// forwarded is a moderator forwarding someone's message to the bot: it
// offers to add that person as an expert of a centre.
func (b *Bot) forwarded(ctx context.Context, r *req, m *tgbotapi.Message) error {
	from := m.ForwardFrom
	if from == nil {
		return r.send(ctx, r.t("forward_hidden"), nil)
	}
	if err := r.tx.EnsureUser(ctx, from.ID); err != nil {
		return err
	}
	centres, err := r.tx.Centres(ctx)
	if err != nil {
		return err
	}
	var buttons []tgbotapi.InlineKeyboardButton
	for _, c := range centres {
		buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(c.Name(r.lang), callbackData("addexp", strconv.FormatInt(from.ID, 10), c.Code)))
	}
	name := strings.TrimSpace(from.FirstName + " " + from.LastName)
	return r.send(ctx, r.t("forward_who", Escape(name), from.ID), keyboard(1, buttons...))
}

// addExpertButton is a centre pressed under a forwarded message.
func (b *Bot) addExpertButton(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	u, err := r.tx.User(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if err != nil {
		return err
	}
	centre, err := r.tx.CentreByCode(ctx, cb.arg(1))
	if errors.Is(err, storage.ErrNotFound) {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if err != nil {
		return err
	}
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	return b.setExpert(ctx, r, u, centre, true)
}

// manageObserver is /addobserver USER and /removeobserver USER: a
// committee member who may sign in to the console and see published
// requests, never personal data. Only admins run these; a moderator is
// not made an observer.
func (b *Bot) manageObserver(ctx context.Context, r *req, add bool, args string) error {
	u, err := b.roleTarget(ctx, r, args, map[bool]string{true: "/addobserver", false: "/removeobserver"}[add])
	if err != nil || u == nil {
		return err
	}
	if u.IsModerator() {
		return r.send(ctx, r.t("observer_is_moderator", u.ID), nil)
	}
	role, action, text := storage.RoleEntrepreneur, "remove_observer", "observer_removed"
	if add {
		role, action, text = storage.RoleObserver, "add_observer", "observer_added"
	}
	if err := setRole(ctx, r, u, role, action); err != nil {
		return err
	}
	return r.send(ctx, r.t(text, u.ID), nil)
}

// roleTarget finds the user a role command names, or answers with the
// command's usage or why there is none; nil then.
func (b *Bot) roleTarget(ctx context.Context, r *req, args, command string) (*storage.User, error) {
	who := strings.TrimSpace(args)
	if who == "" {
		return nil, r.send(ctx, r.t("usage", command+" ID|@username"), nil)
	}
	return b.findUser(ctx, r, who)
}

// setRole gives a user a role, audited as action, and their chat the
// command menu of it.
func setRole(ctx context.Context, r *req, u *storage.User, role, action string) error {
	if err := r.tx.SetRole(ctx, u.ID, role); err != nil {
		return err
	}
	u.Role = role
	if err := r.tx.Audit(ctx, r.user.ID, action, nil, strconv.FormatInt(u.ID, 10), ""); err != nil {
		return err
	}
	return registerUserCommands(ctx, r.tx, u)
}

// manageModerator is /addmoderator USER and /removemoderator USER. Admins
// stay admins unless removed; only admins run these (adminsOnly). A
// removed moderator leaves the moderators' group, where the bot can take
// them out of it.
func (b *Bot) manageModerator(ctx context.Context, r *req, add bool, args string) error {
	u, err := b.roleTarget(ctx, r, args, map[bool]string{true: "/addmoderator", false: "/removemoderator"}[add])
	if err != nil || u == nil {
		return err
	}
	role, action, text := storage.RoleEntrepreneur, "remove_moderator", "moderator_removed"
	if add {
		role, action, text = storage.RoleModerator, "add_moderator", "moderator_added"
		if u.Role == storage.RoleAdmin {
			role = storage.RoleAdmin
		}
	}
	if err := setRole(ctx, r, u, role, action); err != nil {
		return err
	}
	if err := b.setMenuButton(ctx, r.tx, u); err != nil {
		return err
	}
	if !add && b.cfg.ModeratorChatID != 0 {
		if err := r.tx.Enqueue(ctx, removeFromGroup(b.cfg.ModeratorChatID, u.ID)...); err != nil {
			return err
		}
	}
	return r.send(ctx, r.t(text, u.ID), nil)
}

// manageBan is /ban USER reason and /unban USER.
func (b *Bot) manageBan(ctx context.Context, r *req, ban bool, args string) error {
	who, reason, _ := strings.Cut(strings.TrimSpace(args), " ")
	if who == "" {
		return r.send(ctx, r.t("usage", map[bool]string{true: "/ban ID|@username reason", false: "/unban ID|@username"}[ban]), nil)
	}
	u, err := b.findUser(ctx, r, who)
	if err != nil || u == nil {
		return err
	}
	if ban && u.IsModerator() {
		return r.send(ctx, r.t("not_allowed"), nil)
	}
	reason = strings.TrimSpace(reason)
	if ban {
		err = r.tx.Ban(ctx, u.ID, reason)
	} else {
		err = r.tx.Unban(ctx, u.ID)
	}
	if err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, map[bool]string{true: "ban", false: "unban"}[ban], nil, strconv.FormatInt(u.ID, 10), reason); err != nil {
		return err
	}
	return r.send(ctx, r.t(map[bool]string{true: "mod_banned", false: "mod_unbanned"}[ban], u.ID), nil)
}

// showExperts is /experts [CENTRE]: each centre's experts with their load
// and average answer time.
func (b *Bot) showExperts(ctx context.Context, r *req, args string) error {
	centres, err := r.tx.Centres(ctx)
	if err != nil {
		return err
	}
	if code := strings.TrimSpace(args); code != "" {
		c, err := b.findCentre(ctx, r, code)
		if err != nil || c == nil {
			return err
		}
		centres = []storage.Named{*c}
	}
	var text strings.Builder
	for _, c := range centres {
		experts, err := r.tx.CentreExperts(ctx, c.ID)
		if err != nil {
			return err
		}
		text.WriteString("\n\n" + r.t("experts_title", Escape(c.Name(r.lang)), len(experts)))
		for _, e := range experts {
			avg := r.t("no_data")
			if e.AnswerSeconds != nil {
				avg = formatDuration(durationOf(*e.AnswerSeconds), r.lang)
			}
			away := ""
			if e.Away {
				away = r.t("away_mark")
			}
			text.WriteString("\n" + r.t("expert_line", Escape(displayName(&e.User, r.lang)), e.ID, e.Open, avg, away))
		}
	}
	return r.send(ctx, strings.TrimSpace(text.String()), nil)
}

// showAudit is /audit: the latest moderators' and admins' actions, in
// words, with the people they concern named and problems a tap away.
func (b *Bot) showAudit(ctx context.Context, r *req) error {
	entries, err := r.tx.AuditLog(ctx, 30)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return r.send(ctx, r.t("audit_none"), nil)
	}
	names := map[int64]string{}
	name := func(id int64) (string, error) {
		if n, ok := names[id]; ok {
			return n, nil
		}
		u, err := r.tx.User(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return "id " + strconv.FormatInt(id, 10), nil
		}
		if err != nil {
			return "", err
		}
		names[id] = Escape(displayName(u, r.lang))
		return names[id], nil
	}
	text := r.t("audit_title", b.zoneLabel())
	for _, e := range entries {
		actor, err := name(e.ActorID)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("\n%s · %s · %s", b.at(e.At), actor, r.t("audit_"+e.Action))
		if e.ProblemID != nil {
			line += fmt.Sprintf(" · #%d /thread_%d", *e.ProblemID, *e.ProblemID)
		}
		if id, err := strconv.ParseInt(e.Target, 10, 64); err == nil && auditNamesUser[e.Action] {
			target, err := name(id)
			if err != nil {
				return err
			}
			line += " · " + target
		} else if e.Target != "" {
			line += " · " + Escape(e.Target)
		}
		reason := e.Reason
		if e.Action == "add_expert" || e.Action == "remove_expert" {
			// The reason is the centre's code: name it.
			if c, err := r.tx.CentreByCode(ctx, reason); err == nil {
				reason = c.Name(r.lang)
			} else if !errors.Is(err, storage.ErrNotFound) {
				return err
			}
		}
		if reason != "" {
			line += " · " + Escape(reason)
		}
		text += line
	}
	return r.send(ctx, text, nil)
}

// auditNamesUser are the audited actions whose target is a user's id.
var auditNamesUser = map[string]bool{
	"ban": true, "unban": true, "reassign": true, "add_expert": true, "remove_expert": true,
	"add_moderator": true, "remove_moderator": true, "forget_user": true, "grant_moderator": true, "grant_admin": true,
}

// manageCentres is /centres and its sub-commands:
//
//	/centres                                         list centres and sectors with their codes
//	/centres add CODE | kk | ru | en | SECTOR,SECTOR  create or rename a centre and set its sectors
//	/centres retire CODE                              take a centre out of use
//	/centres sector CODE | kk | ru | en               create or rename a sector
//	/centres retiresector CODE                        take a sector out of use
func (b *Bot) manageCentres(ctx context.Context, r *req, args string) error {
	sub, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	parts := strings.Split(rest, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	usage := "/centres add CODE | kk | ru | en | SECTOR,SECTOR\n/centres retire CODE\n/centres sector CODE | kk | ru | en\n/centres retiresector CODE"
	named := func() (storage.Named, bool) {
		if len(parts) < 4 || parts[0] == "" || parts[1] == "" || parts[2] == "" || parts[3] == "" || strings.ContainsAny(parts[0], " :") {
			return storage.Named{}, false
		}
		return storage.Named{Code: parts[0], NameKK: parts[1], NameRU: parts[2], NameEN: parts[3]}, true
	}
	switch sub {
	case "":
		return b.listCentres(ctx, r, usage)
	case "add":
		n, ok := named()
		if !ok || len(parts) != 5 {
			return r.send(ctx, r.t("usage", Escape(usage)), nil)
		}
		var sectorIDs []int
		for _, code := range strings.Split(parts[4], ",") {
			s, err := r.tx.SectorByCode(ctx, strings.TrimSpace(code))
			if errors.Is(err, storage.ErrNotFound) {
				return r.send(ctx, r.t("unknown_sector", Escape(code)), nil)
			}
			if err != nil {
				return err
			}
			sectorIDs = append(sectorIDs, s.ID)
		}
		id, err := r.tx.SaveCentre(ctx, n)
		if err != nil {
			return err
		}
		if err := r.tx.SetCentreSectors(ctx, id, sectorIDs); err != nil {
			return err
		}
		if err := r.tx.Audit(ctx, r.user.ID, "save_centre", nil, n.Code, parts[4]); err != nil {
			return err
		}
		return r.send(ctx, r.t("centre_saved", Escape(n.Name(r.lang))), nil)
	case "sector":
		n, ok := named()
		if !ok || len(parts) != 4 {
			return r.send(ctx, r.t("usage", Escape(usage)), nil)
		}
		if _, err := r.tx.SaveSector(ctx, n); err != nil {
			return err
		}
		if err := r.tx.Audit(ctx, r.user.ID, "save_sector", nil, n.Code, ""); err != nil {
			return err
		}
		return r.send(ctx, r.t("sector_saved", Escape(n.Name(r.lang))), nil)
	case "retire", "retiresector":
		table := map[string]string{"retire": "centres", "retiresector": "sectors"}[sub]
		n, err := r.tx.Retire(ctx, table, strings.TrimSpace(rest))
		if errors.Is(err, storage.ErrNotFound) {
			return b.listCentres(ctx, r, usage)
		}
		if err != nil {
			return err
		}
		if err := r.tx.Audit(ctx, r.user.ID, "retire_"+strings.TrimSuffix(table, "s"), nil, n.Code, ""); err != nil {
			return err
		}
		return r.send(ctx, r.t("retired", Escape(n.Name(r.lang))), nil)
	}
	return r.send(ctx, r.t("usage", Escape(usage)), nil)
}

func (b *Bot) listCentres(ctx context.Context, r *req, usage string) error {
	centres, err := r.tx.Centres(ctx)
	if err != nil {
		return err
	}
	served, err := r.tx.CentreSectors(ctx)
	if err != nil {
		return err
	}
	sectors, err := r.tx.Sectors(ctx)
	if err != nil {
		return err
	}
	var text strings.Builder
	for _, c := range centres {
		fmt.Fprintf(&text, "<code>%s</code> %s: %s\n", c.Code, Escape(c.Name(r.lang)), strings.Join(served[c.ID], ", "))
	}
	text.WriteString("\n")
	for _, s := range sectors {
		fmt.Fprintf(&text, "<code>%s</code> %s\n", s.Code, Escape(s.Name(r.lang)))
	}
	text.WriteString("\n" + Escape(usage))
	return r.send(ctx, text.String(), nil)
}
