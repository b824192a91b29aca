package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// rejectReasons are the reasons a moderator picks from; any other is typed
// with /reject N reason.
var rejectReasons = []string{"spam", "duplicate", "off_topic", "incomplete"}

// moderationTargets are the chats moderation cards go to: the moderators'
// group when there is one, else each moderator privately, with the
// language to write in.
func (b *Bot) moderationTargets(ctx context.Context, tx *storage.Tx) ([]chatLang, error) {
	if b.cfg.ModeratorChatID != 0 {
		return []chatLang{{b.cfg.ModeratorChatID, defaultLanguage}}, nil
	}
	mods, err := tx.Moderators(ctx)
	if err != nil {
		return nil, err
	}
	var out []chatLang
	for _, m := range mods {
		out = append(out, chatLang{m.ID, UserLang(&m)})
	}
	return out, nil
}

type chatLang struct {
	chat int64
	lang string
}

// sendForModeration shows a submitted problem to the moderators with the
// buttons Approve, Reject, Change sector and Ban author, and records each
// card so that all of them show the outcome once one moderator acts.
func (b *Bot) sendForModeration(ctx context.Context, tx *storage.Tx, p *storage.Problem) error {
	targets, err := b.moderationTargets(ctx, tx)
	if err != nil {
		return err
	}
	atts, err := tx.Attachments(ctx, p.ID)
	if err != nil {
		return err
	}
	// The earlier requests most like it, to merge it into with one press.
	similar, err := nearCopies(ctx, tx, p.Title+" "+p.Body, p.ID)
	if err != nil {
		return err
	}
	for _, t := range targets {
		text, err := b.modCardText(ctx, tx, p, t.lang)
		if err != nil {
			return err
		}
		if len(similar) > 0 {
			text += "\n\n" + T(t.lang, "mod_similar")
			for _, f := range similar {
				text += fmt.Sprintf("\n<b>#%d</b> %s · %s", f.ID, Escape(f.Title), T(t.lang, "status_"+f.Status))
			}
		}
		msgs := append(mediaMessages(t.chat, p.ID, atts, storage.PriorityBulk), textMessages(t.chat, text, modKeyboard(p.ID, t.lang, similar), storage.PriorityBulk)...)
		ids, err := tx.EnqueueIDs(ctx, msgs...)
		if err != nil {
			return err
		}
		if err := tx.AddModerationCard(ctx, p.ID, t.chat, ids[len(ids)-1]); err != nil {
			return err
		}
	}
	return nil
}

// modKeyboard is a moderation card's buttons, with Merge into each of the
// similar earlier requests.
func modKeyboard(id int64, lang string, similar []storage.Found) *tgbotapi.InlineKeyboardMarkup {
	s := strconv.FormatInt(id, 10)
	kb := keyboard(2,
		tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_approve"), callbackData("approve", s)),
		tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_reject"), callbackData("reject", s)),
		tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_change_sector"), callbackData("modsec", s)),
		tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_ban"), callbackData("ban", s)))
	for _, f := range similar {
		kb.InlineKeyboard = append(kb.InlineKeyboard, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(
			T(lang, "btn_merge_into", f.ID), callbackData("mmerge", s, strconv.FormatInt(f.ID, 10)))))
	}
	return kb
}

// modCardText describes a problem for moderators, author included even
// when anonymous to experts.
func (b *Bot) modCardText(ctx context.Context, tx *storage.Tx, p *storage.Problem, lang string) (string, error) {
	author, err := tx.User(ctx, p.AuthorID)
	if err != nil {
		return "", err
	}
	sector, err := tx.Sector(ctx, p.SectorID)
	if err != nil {
		return "", err
	}
	region, err := tx.Region(ctx, p.RegionID)
	if err != nil {
		return "", err
	}
	atts, err := tx.Attachments(ctx, p.ID)
	if err != nil {
		return "", err
	}
	anon := ""
	if p.Anonymous {
		anon = T(lang, "mod_anonymous_mark")
	}
	return T(lang, "mod_card", p.ID, T(lang, "kind_"+p.Kind), Escape(sector.Name(lang)), Escape(region.Name(lang)),
		Escape(p.Title), Escape(clipText(p.Body, 1500)), Escape(displayName(author, lang)), author.ID, anon,
		orDash(lang, p.Company), orDash(lang, p.BIN), filesCount(lang, len(atts))), nil
}

// showOutcome turns every moderation card of a problem into a record of
// what was done, without buttons, so that nobody acts twice.
func (b *Bot) showOutcome(ctx context.Context, tx *storage.Tx, p *storage.Problem, outcome func(lang string) string) error {
	cards, err := tx.ModerationCards(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, c := range cards {
		lang := defaultLanguage
		if c.ChatID > 0 {
			if u, err := tx.User(ctx, c.ChatID); err == nil {
				lang = UserLang(u)
			}
		}
		text, err := b.modCardText(ctx, tx, p, lang)
		if err != nil {
			return err
		}
		edit := editText(c.ChatID, 0, text+"\n\n"+outcome(lang), nil)
		delete(edit.Params, "message_id")
		edit.EditOf = c.OutboxID
		if err := tx.Enqueue(ctx, edit); err != nil {
			return err
		}
	}
	return nil
}

// modButton handles the buttons of moderation cards. Only moderators may
// press them; the database says who they are.
func (b *Bot) modButton(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	p, err := moderatedProblem(ctx, r, q, cb)
	if err != nil || p == nil {
		return err
	}
	s := strconv.FormatInt(p.ID, 10)
	switch cb.action {
	case "reject", "modsec", "modback":
		// Show the reasons, the sectors, or the card's buttons again.
		if p.Status != storage.StatusPendingModeration && cb.action != "modsec" {
			return r.answer(ctx, q, stripTags(r.t("mod_not_pending", p.ID, r.t("status_"+p.Status))))
		}
		var kb *tgbotapi.InlineKeyboardMarkup
		switch cb.action {
		case "reject":
			var buttons []tgbotapi.InlineKeyboardButton
			for _, reason := range rejectReasons {
				buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(r.t("reason_"+reason), callbackData("rejr", s, reason)))
			}
			buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_back"), callbackData("modback", s)))
			kb = keyboard(2, buttons...)
		case "modsec":
			sectors, err := r.tx.Sectors(ctx)
			if err != nil {
				return err
			}
			var buttons []tgbotapi.InlineKeyboardButton
			for _, sec := range sectors {
				if sec.ID != p.SectorID {
					buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(sec.Name(r.lang), callbackData("setsec", s, strconv.Itoa(sec.ID))))
				}
			}
			back := "modback"
			if p.Status != storage.StatusPendingModeration {
				back = "noop"
			}
			buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_back"), callbackData(back, s)))
			kb = keyboard(2, buttons...)
		default:
			similar, err := nearCopies(ctx, r.tx, p.Title+" "+p.Body, p.ID)
			if err != nil {
				return err
			}
			kb = modKeyboard(p.ID, r.lang, similar)
		}
		if err := r.answer(ctx, q, ""); err != nil {
			return err
		}
		if q.Message == nil {
			return nil
		}
		return r.tx.Enqueue(ctx, editMarkup(r.chat, int64(q.Message.MessageID), kb))
	case "approve":
		return b.approve(ctx, r, q, p)
	case "rejr":
		return b.reject(ctx, r, q, p, cb.arg(1), r.t("reason_"+cb.arg(1)))
	case "setsec":
		sector, err := strconv.Atoi(cb.arg(1))
		if err != nil {
			return r.answer(ctx, q, r.t("button_expired"))
		}
		return b.changeSector(ctx, r, q, p, sector)
	case "ban":
		// A ban is not undone by the author: it is asked twice.
		if err := r.answer(ctx, q, stripTags(r.t("ban_confirm", p.ID))); err != nil || q.Message == nil {
			return err
		}
		return r.tx.Enqueue(ctx, editMarkup(r.chat, int64(q.Message.MessageID), keyboard(1,
			tgbotapi.NewInlineKeyboardButtonData(r.t("btn_ban_yes"), callbackData("banyes", s)),
			tgbotapi.NewInlineKeyboardButtonData(r.t("btn_back"), callbackData("modback", s)))))
	case "banyes":
		return b.banAuthor(ctx, r, q, p)
	case "mmerge":
		if p.Status != storage.StatusPendingModeration {
			return b.notPending(ctx, r, q, p)
		}
		id, err := cb.intArg(1)
		if err != nil {
			return r.answer(ctx, q, r.t("button_expired"))
		}
		into, err := r.tx.Problem(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return r.answer(ctx, q, stripTags(r.t("not_found", id)))
		} else if err != nil {
			return err
		}
		if err := b.mergeInto(ctx, r, p, into); err != nil {
			return err
		}
		return b.done(ctx, r, q, r.t("mod_merged", p.ID, into.ID))
	}
	return r.answer(ctx, q, r.t("button_expired"))
}

// moderatedProblem loads the problem a moderator's button names, or
// returns nil having answered a press that is not a moderator's or names
// no problem.
func moderatedProblem(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) (*storage.Problem, error) {
	id, err := cb.intArg(0)
	if err != nil {
		return nil, r.answer(ctx, q, r.t("button_expired"))
	}
	p, err := r.tx.Problem(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, r.answer(ctx, q, stripTags(r.t("not_found", id)))
	}
	return p, err
}

// notPending answers a moderator who acts on a problem already handled.
func (b *Bot) notPending(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem) error {
	text := r.t("mod_not_pending", p.ID, r.t("status_"+p.Status))
	if q != nil {
		return r.answer(ctx, q, stripTags(text))
	}
	return r.send(ctx, text, nil)
}

// done answers the moderator who acted.
func (b *Bot) done(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, text string) error {
	if q != nil {
		return r.answer(ctx, q, stripTags(text))
	}
	return r.send(ctx, text, nil)
}

func (b *Bot) approve(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem) error {
	if p.Status != storage.StatusPendingModeration {
		return b.notPending(ctx, r, q, p)
	}
	if err := r.tx.SetStatus(ctx, p.ID, storage.StatusOpen, &r.user.ID, ""); err != nil {
		return err
	}
	p.Status = storage.StatusOpen
	n, err := b.sendOn(ctx, r.tx, p)
	if err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, "approve", &p.ID, "", ""); err != nil {
		return err
	}
	who := Escape(displayName(r.user, r.lang))
	if err := b.showOutcome(ctx, r.tx, p, func(lang string) string { return T(lang, "outcome_approved", who, n) }); err != nil {
		return err
	}
	return b.done(ctx, r, q, r.t("mod_approved", p.ID, n))
}

// reject refuses a problem; code is one of rejectReasons, or "" for a
// typed reason.
func (b *Bot) reject(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem, code, reason string) error {
	if p.Status != storage.StatusPendingModeration {
		return b.notPending(ctx, r, q, p)
	}
	if err := r.tx.SetStatus(ctx, p.ID, storage.StatusRejected, &r.user.ID, reason); err != nil {
		return err
	}
	if err := r.tx.SetRejectReason(ctx, p.ID, reason); err != nil {
		return err
	}
	author, err := r.tx.User(ctx, p.AuthorID)
	if err != nil {
		return err
	}
	lang := UserLang(author)
	told := reason
	if code != "" {
		told = T(lang, "reason_"+code) // in the author's language
	}
	msg := textMessages(author.ID, T(lang, "rejected_author", p.ID)+"\n"+T(lang, "reason_line", Escape(told)), nil, storage.PriorityInteractive)
	if err := r.tx.Enqueue(ctx, msg...); err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, "reject", &p.ID, "", reason); err != nil {
		return err
	}
	who := Escape(displayName(r.user, r.lang))
	if err := b.showOutcome(ctx, r.tx, p, func(lang string) string {
		shown := reason
		if code != "" {
			shown = T(lang, "reason_"+code)
		}
		return T(lang, "outcome_rejected", who, Escape(shown))
	}); err != nil {
		return err
	}
	return b.done(ctx, r, q, r.t("mod_rejected", p.ID))
}

// changeSector moves a problem to another sector and sends it to that
// sector's experts: at once when it waits for moderation (which approves
// it), or again when it is already with experts (who are released).
func (b *Bot) changeSector(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem, sectorID int) error {
	if p.Closed() {
		return b.notPending(ctx, r, q, p)
	}
	sector, err := r.tx.Sector(ctx, sectorID)
	if errors.Is(err, storage.ErrNotFound) {
		return b.done(ctx, r, q, r.t("button_expired"))
	}
	if err != nil {
		return err
	}
	if err := r.tx.ChangeSector(ctx, p.ID, sectorID); err != nil {
		return err
	}
	p.SectorID = sectorID
	if p.OwnerID != nil {
		if err := r.tx.ReleaseProblem(ctx, p.ID, *p.OwnerID); err != nil {
			return err
		}
		p.OwnerID = nil
	}
	wasPending := p.Status == storage.StatusPendingModeration
	if wasPending || p.Status == storage.StatusTaken {
		if err := r.tx.SetStatus(ctx, p.ID, storage.StatusOpen, &r.user.ID, "sector: "+sector.Code); err != nil {
			return err
		}
		p.Status = storage.StatusOpen
	}
	n, err := b.sendOn(ctx, r.tx, p)
	if err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, "change_sector", &p.ID, sector.Code, ""); err != nil {
		return err
	}
	who := Escape(displayName(r.user, r.lang))
	if wasPending {
		if err := b.showOutcome(ctx, r.tx, p, func(lang string) string {
			return T(lang, "outcome_sector", who, Escape(sector.Name(lang)), n)
		}); err != nil {
			return err
		}
	}
	return b.done(ctx, r, q, r.t("mod_sector_changed", p.ID, Escape(sector.Name(r.lang)), n))
}

// banAuthor bans a problem's author and rejects the problem as spam.
func (b *Bot) banAuthor(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, p *storage.Problem) error {
	reason := "#" + strconv.FormatInt(p.ID, 10)
	if err := r.tx.Ban(ctx, p.AuthorID, reason); err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, "ban", &p.ID, strconv.FormatInt(p.AuthorID, 10), reason); err != nil {
		return err
	}
	if p.Status == storage.StatusPendingModeration {
		return b.reject(ctx, r, q, p, "spam", r.t("reason_spam"))
	}
	return b.done(ctx, r, q, r.t("mod_banned", p.AuthorID))
}

// moderateCommand is /approve N and /reject N [reason].
func (b *Bot) moderateCommand(ctx context.Context, r *req, action, args string) error {
	id, reason, ok := problemNumber(args)
	if !ok {
		return r.send(ctx, r.t("usage", "/"+action+" N"), nil)
	}
	p, err := r.tx.Problem(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return r.send(ctx, r.t("not_found", id), nil)
	}
	if err != nil {
		return err
	}
	if action == "approve" {
		return b.approve(ctx, r, nil, p)
	}
	code := ""
	if reason = strings.TrimSpace(reason); reason == "" {
		code, reason = "incomplete", r.t("reason_incomplete")
	}
	return b.reject(ctx, r, nil, p, code, reason)
}

// problemNumber reads a command's arguments that start with a problem's
// number, "42" or "#42", and returns the number and the rest.
func problemNumber(args string) (int64, string, bool) {
	num, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	id, err := strconv.ParseInt(strings.TrimPrefix(num, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, "", false
	}
	return id, strings.TrimSpace(rest), true
}

// showQueue is /queue: the problems waiting for moderation.
func (b *Bot) showQueue(ctx context.Context, r *req) error {
	waiting, err := r.tx.ProblemsByStatus(ctx, []string{storage.StatusPendingModeration}, 50)
	if err != nil {
		return err
	}
	if len(waiting) == 0 {
		return r.send(ctx, r.t("queue_empty"), nil)
	}
	text := r.t("queue_title", len(waiting), b.zoneLabel())
	for _, p := range waiting {
		text += fmt.Sprintf("\n#%d · %s · %s /thread_%d", p.ID, b.at(p.CreatedAt), Escape(p.Title), p.ID)
	}
	return r.send(ctx, text+"\n\n"+r.t("queue_hint"), nil)
}

// editMarkup builds an editMessageReplyMarkup call.
func editMarkup(chatID, messageID int64, kb *tgbotapi.InlineKeyboardMarkup) storage.Call {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", chatID)
	p.AddNonZero64("message_id", messageID)
	p.AddInterface("reply_markup", kb)
	return storage.Call{ChatID: chatID, Method: "editMessageReplyMarkup", Params: storage.Params(p)}
}

// consoleLinkTTL is how long a /web link may be opened, once.
const consoleLinkTTL = 10 * time.Minute

// consoleLink is a moderator's or an observer's /web: a one-time link
// into the web console.
func (b *Bot) consoleLink(ctx context.Context, r *req) error {
	if !r.user.MaySignIn() {
		return r.send(ctx, r.t("moderators_only"), nil)
	}
	if b.cfg.ConsoleURL == "" {
		return r.send(ctx, r.t("web_off"), nil)
	}
	token, err := r.tx.ConsoleLink(ctx, r.user.ID, consoleLinkTTL)
	if err != nil {
		return err
	}
	return r.send(ctx, r.t("web_link", Escape(b.cfg.ConsoleURL+"login?t="+token)), nil)
}
