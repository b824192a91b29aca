package bot

import (
	"context"
	"strconv"
	"time"

	"github.com/atameken/expertbot/storage"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// route sends an open problem to the available experts of the centres that
// serve its sector, and sets its timers. With nobody available it goes to
// the moderators with a warning. It returns how many experts got it.
func (b *Bot) route(ctx context.Context, tx *storage.Tx, p *storage.Problem) (int, error) {
	experts, err := tx.RoutingExperts(ctx, p.SectorID, p.AuthorID)
	if err != nil {
		return 0, err
	}
	experts = firstReaders(experts, p.Language)
	if len(experts) == 0 {
		sector, err := tx.Sector(ctx, p.SectorID)
		if err != nil {
			return 0, err
		}
		return 0, b.warnModerators(ctx, tx, p.ID, func(lang string) string {
			return T(lang, "mod_no_experts", p.ID, Escape(sector.Name(lang)))
		})
	}
	for _, e := range experts {
		if err := b.sendCard(ctx, tx, p, &e, ""); err != nil {
			return 0, err
		}
	}
	now := time.Now()
	if err := tx.AddReminder(ctx, storage.ReminderUntaken, &p.ID, nil, now.Add(b.cfg.TakeTimeout)); err != nil {
		return 0, err
	}
	if err := tx.AddReminder(ctx, storage.ReminderUnanswered, &p.ID, nil, now.Add(b.cfg.AnswerTimeout)); err != nil {
		return 0, err
	}
	return len(experts), nil
}

// sendOn routes an open problem and tells its author where it went.
func (b *Bot) sendOn(ctx context.Context, tx *storage.Tx, p *storage.Problem) (int, error) {
	n, err := b.route(ctx, tx, p)
	if err != nil {
		return 0, err
	}
	return n, b.tellRouted(ctx, tx, p, n)
}

// tellRouted tells the author where their problem went.
func (b *Bot) tellRouted(ctx context.Context, tx *storage.Tx, p *storage.Problem, experts int) error {
	author, err := tx.User(ctx, p.AuthorID)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, textMessages(author.ID, routedText(UserLang(author), p.ID, experts), nil, storage.PriorityInteractive)...)
}

// routedText says where a problem went: to experts, or to the moderators
// when no expert could take it.
func routedText(lang string, id int64, experts int) string {
	if experts == 0 {
		return T(lang, "routed_to_moderators", id)
	}
	return T(lang, "routed", id, experts)
}

// sendCard sends a problem's card to an expert: its files, then its text
// with the buttons that apply (Take, Answer and Not my area on an open
// problem). Every part is recorded, so that a reply to any of them reaches
// the problem.
func (b *Bot) sendCard(ctx context.Context, tx *storage.Tx, p *storage.Problem, expert *storage.User, note string) error {
	lang := UserLang(expert)
	text, atts, err := b.cardText(ctx, tx, p, lang)
	if err != nil {
		return err
	}
	if note != "" {
		text = note + "\n\n" + text
	}
	state, err := cardState(ctx, tx, p, expert.ID, false)
	if err != nil {
		return err
	}
	if line, err := cardNote(ctx, tx, lang, p, state); err != nil {
		return err
	} else if line != "" {
		text += "\n\n" + line
	}
	msgs := append(mediaMessages(expert.ID, p.ID, atts, storage.PriorityBulk), textMessages(expert.ID, text, cardKeyboard(lang, p, state), storage.PriorityBulk)...)
	ids, err := tx.EnqueueIDs(ctx, msgs...)
	if err != nil {
		return err
	}
	if err := tx.Assign(ctx, p.ID, expert.ID, ids[len(ids)-1], state); err != nil {
		return err
	}
	return tx.AddRelays(ctx, p.ID, nil, expert.ID, ids)
}

// cardText describes a problem for an expert in their language.
func (b *Bot) cardText(ctx context.Context, tx *storage.Tx, p *storage.Problem, lang string) (string, []storage.Attachment, error) {
	sector, err := tx.Sector(ctx, p.SectorID)
	if err != nil {
		return "", nil, err
	}
	region, err := tx.Region(ctx, p.RegionID)
	if err != nil {
		return "", nil, err
	}
	atts, err := tx.Attachments(ctx, p.ID)
	if err != nil {
		return "", nil, err
	}
	from := T(lang, "anonymous")
	if !p.Anonymous {
		author, err := tx.User(ctx, p.AuthorID)
		if err != nil {
			return "", nil, err
		}
		from = Escape(displayName(author, lang))
		if p.Company != "" {
			from += ", " + Escape(p.Company)
		}
	}
	text := T(lang, "card", p.ID, T(lang, "kind_"+p.Kind), Escape(sector.Name(lang)), Escape(region.Name(lang)),
		Escape(p.Title), Escape(p.Body), from, languageName(p.Language, lang), filesCount(lang, len(atts)))
	if p.Anonymous && len(atts) > 0 {
		text += "\n\n" + T(lang, "anon_files_card")
	}
	if n, err := tx.Supporters(ctx, p.ID); err != nil {
		return "", nil, err
	} else if n > 0 {
		text += "\n" + T(lang, "card_supporters", n)
	}
	return text, atts, nil
}

// tellModerators sends the moderators a text made in their language: to
// their group when they have one, else to each of them.
func (b *Bot) tellModerators(ctx context.Context, tx *storage.Tx, text func(lang string) string) error {
	return b.notifyModerators(ctx, tx, text, func(string) *tgbotapi.InlineKeyboardMarkup { return nil })
}

// warnModerators tells the moderators that a problem needs them, with the
// buttons that resolve it (give it to an expert of any centre, or move it
// to another sector) and its thread a tap away.
func (b *Bot) warnModerators(ctx context.Context, tx *storage.Tx, id int64, text func(lang string) string) error {
	s := strconv.FormatInt(id, 10)
	return b.notifyModerators(ctx, tx, func(lang string) string {
		return text(lang) + "\n/thread_" + s
	}, func(lang string) *tgbotapi.InlineKeyboardMarkup {
		return keyboard(2,
			tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_reassign"), callbackData("reassign", s)),
			tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_change_sector"), callbackData("modsec", s)))
	})
}

func (b *Bot) notifyModerators(ctx context.Context, tx *storage.Tx, text func(lang string) string, kb func(lang string) *tgbotapi.InlineKeyboardMarkup) error {
	targets, err := b.moderationTargets(ctx, tx)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if err := tx.Enqueue(ctx, textMessages(t.chat, text(t.lang), kb(t.lang), storage.PriorityBulk)...); err != nil {
			return err
		}
	}
	return nil
}

// displayName is how a user is named to others, in lang.
func displayName(u *storage.User, lang string) string {
	if u.ForgottenAt != nil {
		return T(lang, "deleted_user")
	}
	name := u.FirstName
	if u.LastName != "" {
		name += " " + u.LastName
	}
	if name == "" && u.Username != "" {
		name = "@" + u.Username
	}
	if name == "" {
		name = "id " + strconv.FormatInt(u.ID, 10)
	}
	return name
}

func orDash(lang, s string) string {
	if s == "" {
		return T(lang, "none")
	}
	return Escape(s)
}

// filesCount is a card's line of how many files a request has, on a line
// of its own; nothing when it has none.
func filesCount(lang string, n int) string {
	if n == 0 {
		return ""
	}
	return "\n" + T(lang, "card_files", n)
}
