package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/bot/dispatch"
	"github.com/atameken/expertbot/storage"
)

// handle routes an update to its handler. It runs in the transaction that
// marks the update handled; recent is how many updates its sender sent
// within the flood window, this one included.
func (b *Bot) handle(ctx context.Context, tx *storage.Tx, u *tgbotapi.Update, recent int) error {
	if unused(u) {
		if err := tx.StripUpdate(ctx, int64(u.UpdateID)); err != nil {
			return err
		}
	}
	var err error
	switch {
	case u.Message != nil:
		err = b.handleMessage(ctx, tx, u.Message, recent)
	case u.EditedMessage != nil:
		err = b.handleEdit(ctx, tx, u.EditedMessage, recent)
	case u.CallbackQuery != nil:
		err = b.handleCallback(ctx, tx, u.CallbackQuery, recent)
	case u.MyChatMember != nil:
		err = b.handleMyChatMember(ctx, tx, u.MyChatMember)
	case u.InlineQuery != nil:
		err = b.answerInline(ctx, tx, u.InlineQuery)
	}
	// Kinds the bot does not act on are kept in the inbox only.
	if err != nil {
		return err
	}
	return b.refreshCards(ctx, tx)
}

// handleMyChatMember notes when a user blocks the bot ("kicked") or starts
// it again, so that moderators and experts know who cannot be reached.
func (b *Bot) handleMyChatMember(ctx context.Context, tx *storage.Tx, m *tgbotapi.ChatMemberUpdated) error {
	if !m.Chat.IsPrivate() {
		return nil
	}
	switch m.NewChatMember.Status {
	case "kicked":
		return tx.SetReachable(ctx, m.Chat.ID, false, "blocked the bot")
	case "member":
		return tx.SetReachable(ctx, m.Chat.ID, true, "")
	}
	return nil
}

func (b *Bot) handleMessage(ctx context.Context, tx *storage.Tx, m *tgbotapi.Message, recent int) error {
	if m.From == nil || m.From.IsBot {
		return nil
	}
	modGroup := b.cfg.ModeratorChatID != 0 && m.Chat.ID == b.cfg.ModeratorChatID
	if !m.Chat.IsPrivate() && !(modGroup && m.IsCommand()) {
		return nil // other groups, and talk in the moderators' group, are not for the bot
	}
	r, err := b.newReq(ctx, tx, m.From, m.Chat.ID, recent)
	if err != nil {
		return err
	}
	if stop, err := b.restrained(ctx, r, nil); stop || err != nil {
		return err
	}
	if m.IsCommand() {
		if !b.consented(r.user) && !commandsWithoutConsent[m.Command()] {
			return b.askConsent(ctx, r, r.t("consent_needed"))
		}
		return b.handleCommand(ctx, r, m.Command(), m.CommandArguments())
	}
	if !b.consented(r.user) {
		// Nothing they write is kept before they agree; but the language
		// question of /start, which comes first, is answered.
		d, err := tx.Dialog(ctx, r.user.ID)
		if err == nil && d.Name == dialogLanguage {
			return b.continueDialog(ctx, r, d, m)
		}
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		return b.askConsent(ctx, r, r.t("consent_needed"))
	}
	if r.user.IsModerator() && (m.ForwardFrom != nil || m.ForwardSenderName != "") {
		return b.forwarded(ctx, r, m)
	}
	// A reply to a message the bot relayed belongs to that problem's thread.
	if reply := m.ReplyToMessage; reply != nil && reply.From != nil && reply.From.IsBot {
		relay, err := tx.RelayAt(ctx, r.chat, int64(reply.MessageID))
		if err == nil {
			return b.handleReply(ctx, r, relay, m)
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		// The user may have replied to a message before its sending was
		// recorded with its Telegram id: then try again in a moment.
		sending, err := tx.Sending(ctx, r.chat, int64(reply.MessageID))
		if err != nil {
			return err
		}
		if sending {
			return &dispatch.NotYet{Why: fmt.Sprintf("a reply to message %d, whose sending is not recorded yet", reply.MessageID)}
		}
		// Each statement reads what is committed when it starts: the sending
		// may have been recorded between the two, and the relay is there now.
		relay, err = tx.RelayAt(ctx, r.chat, int64(reply.MessageID))
		if err == nil {
			return b.handleReply(ctx, r, relay, m)
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	d, err := tx.Dialog(ctx, r.user.ID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return b.unaddressed(ctx, r, m)
	case err != nil:
		return err
	}
	return b.continueDialog(ctx, r, d, m)
}

// handleCommand runs a command, as the table of commands has it.
func (b *Bot) handleCommand(ctx context.Context, r *req, cmd, args string) error {
	if run, ok := b.commands[cmd]; ok {
		return run(ctx, r, args)
	}
	// Lists link items as "/thread_5", which Telegram makes tappable: the
	// number after the underscore is the argument.
	if name, arg, ok := strings.Cut(cmd, "_"); ok && positive(arg) {
		if run, ok := b.commands[name]; ok {
			return run(ctx, r, arg)
		}
	}
	return r.send(ctx, r.t("unknown"), nil)
}

func positive(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0
}

// command runs a command with its arguments.
type command func(ctx context.Context, r *req, args string) error

// commandTable is every command, each behind the check of who may run it.
func (b *Bot) commandTable() map[string]command {
	plain := func(run func(context.Context, *req) error) command {
		return func(ctx context.Context, r *req, _ string) error { return run(ctx, r) }
	}
	toggle := func(on bool, run func(context.Context, *req, bool, string) error) command {
		return func(ctx context.Context, r *req, args string) error { return run(ctx, r, on, args) }
	}
	return map[string]command{
		"start":    b.start,
		"language": func(ctx context.Context, r *req, _ string) error { return b.askLanguage(ctx, r, false) },
		"help": func(ctx context.Context, r *req, _ string) error {
			who := roles{expert: r.user.Expert, moderator: r.user.IsModerator(), admin: r.user.Role == storage.RoleAdmin, observer: r.user.Role == storage.RoleObserver}
			return r.send(ctx, helpText(r.lang, who), nil)
		},
		"privacy":      plain(b.showPrivacy),
		"mydata":       plain(b.sendMyData),
		"forget":       b.askForget, // a moderator's /forget USER is checked inside
		"new":          plain(b.startNew),
		"cancel":       plain(b.cancel),
		"my":           plain(b.showMine),
		"search":       b.search,
		"subscribe":    b.showSubscriptions,
		"partners":     b.showCatalogue("partner"),
		"technologies": b.showCatalogue("technology"),
		"standards":    b.showCatalogue("standard"),

		"away":      expertsOnly(func(ctx context.Context, r *req, _ string) error { return b.setAway(ctx, r, true) }),
		"back":      expertsOnly(func(ctx context.Context, r *req, _ string) error { return b.setAway(ctx, r, false) }),
		"languages": expertsOnly(b.showLanguages),
		"note":      expertsOnly(b.startNote),

		"approve": moderatorsOnly(func(ctx context.Context, r *req, args string) error {
			return b.moderateCommand(ctx, r, "approve", args)
		}),
		"reject":          moderatorsOnly(func(ctx context.Context, r *req, args string) error { return b.moderateCommand(ctx, r, "reject", args) }),
		"addexpert":       moderatorsOnly(toggle(true, b.manageExpert)),
		"removeexpert":    moderatorsOnly(toggle(false, b.manageExpert)),
		"addmoderator":    adminsOnly(toggle(true, b.manageModerator)),
		"removemoderator": adminsOnly(toggle(false, b.manageModerator)),
		"ban":             moderatorsOnly(toggle(true, b.manageBan)),
		"unban":           moderatorsOnly(toggle(false, b.manageBan)),
		"parked":          moderatorsOnly(plain(b.showParked)),
		"queue":           moderatorsOnly(plain(b.showQueue)),
		"audit":           moderatorsOnly(plain(b.showAudit)),
		"thread":          b.showThread, // moderators see all, the others their own
		"stats":           moderatorsOnly(b.showStats),
		"export":          moderatorsOnly(b.export),
		"experts":         moderatorsOnly(b.showExperts),
		"merge":           moderatorsOnly(b.merge),
		"centres":         moderatorsOnly(b.manageCentres),
		"hide":            moderatorsOnly(toggle(true, b.hideFromSearch)),
		"web":             plain(b.consoleLink), // moderators and observers, checked inside
		"addobserver":     adminsOnly(toggle(true, b.manageObserver)),
		"removeobserver":  adminsOnly(toggle(false, b.manageObserver)),
		"unhide":          moderatorsOnly(toggle(false, b.hideFromSearch)),
	}
}

// continueDialog takes a message as the answer to the dialogue's question.
func (b *Bot) continueDialog(ctx context.Context, r *req, d *storage.Dialog, m *tgbotapi.Message) error {
	if untakeable(m) && d.Name != dialogNew { // the wizard says so and asks its question again
		return r.send(ctx, r.t("cannot_take"), nil)
	}
	switch d.Name {
	case dialogLanguage:
		// The question is answered with the buttons: ask it again.
		if err := r.send(ctx, r.t("use_buttons"), nil); err != nil {
			return err
		}
		return r.send(ctx, r.t("choose_language"), languageKeyboard(r.lang))
	case dialogNew:
		return b.newMessage(ctx, r, d, m)
	case dialogAnswer:
		return b.answerMessage(ctx, r, d, m)
	case dialogNote:
		return b.noteMessage(ctx, r, d, m)
	case dialogCatalogue:
		return b.entryMessage(ctx, r, d, m)
	case dialogRateComment, dialogImplComment:
		return b.commentMessage(ctx, r, d, m)
	case dialogPick:
		return b.pickMessage(ctx, r, d, m)
	}
	// A dialogue this version does not know: forget it rather than trap the user.
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return err
	}
	return r.send(ctx, r.t("unknown"), nil)
}

func (b *Bot) handleCallback(ctx context.Context, tx *storage.Tx, q *tgbotapi.CallbackQuery, recent int) error {
	chat := q.From.ID
	if q.Message != nil {
		chat = q.Message.Chat.ID
	}
	r, err := b.newReq(ctx, tx, q.From, chat, recent)
	if err != nil {
		return err
	}
	if stop, err := b.restrained(ctx, r, q); stop || err != nil {
		return err
	}
	cb, err := parseCallback(q.Data)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if !b.consented(r.user) && !buttonsWithoutConsent[cb.action] {
		if err := r.answer(ctx, q, ""); err != nil {
			return err
		}
		return b.askConsent(ctx, r, r.t("consent_needed"))
	}
	if press, ok := b.buttons[cb.action]; ok {
		return press(ctx, r, q, cb)
	}
	return r.answer(ctx, q, r.t("button_expired"))
}

// button handles a press of an inline button, its data parsed.
type button func(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error

// buttonTable is every button by its callback action, each behind the
// check of who may press it; the handlers check the rest (whose problem
// it is) in the database.
func (b *Bot) buttonTable() map[string]button {
	t := map[string]button{
		"lang":     b.chooseLanguage,
		"new":      b.newButton,
		"take":     b.expertButton,
		"answer":   b.expertButton,
		"decline":  b.expertButton,
		"rec":      b.markRecommendation,
		"to":       b.pickProblem,
		"newfrom":  b.newFrom,
		"resolve":  b.resolve,
		"resolved": b.resolve,
		"notyet":   b.resolve,
		"again":    b.reopenOwn,
		"rate":     b.rate,
		"impl":     b.implementation,
		"skip":     b.skipComment,
		"noop": func(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, _ callback) error {
			return r.answer(ctx, q, "")
		},
		"addexp":  moderatorsPress(b.addExpertButton),
		"consent": b.agree,
		"srch":    b.searchButton,
		"srchsec": b.searchButton,
		"found":   b.openFound,
		"metoo":   b.meToo,
		"notesec": b.noteSector,
		"noteok":  moderatorsPress(b.decideNote),
		"noteno":  moderatorsPress(b.decideNote),
		"sub":     b.toggleSubscription,
		"subm":    b.toggleSubscription,
		"unsub":   b.toggleSubscription,
		"catsame": b.entryButton,
		"catnew":  b.entryButton,
		"catskip": b.entryButton,
		"catsec":  b.catalogueSector,
		"reads":   expertsPress(b.toggleLanguage),
		"forget":  b.forgetButton,
	}
	for _, action := range []string{"approve", "reject", "rejr", "modsec", "modback", "setsec", "ban", "banyes", "mmerge"} {
		t[action] = moderatorsPress(b.modButton)
	}
	for _, action := range []string{"thr", "close", "reopen", "reassign", "reassc", "assignto"} {
		t[action] = moderatorsPress(b.threadButton)
	}
	return t
}

// showParked lists the updates that could not be handled, for moderators.
func (b *Bot) showParked(ctx context.Context, r *req) error {
	parked, err := r.tx.ParkedUpdates(ctx, 10)
	if err != nil {
		return err
	}
	if len(parked) == 0 {
		return r.send(ctx, r.t("parked_none"), nil)
	}
	text := r.t("parked_title")
	for _, p := range parked {
		cause := p.Error
		if len(cause) > 300 {
			cause = cause[:300] + "…"
		}
		text += "\n\n" + r.t("parked_item", p.ID, p.Kind, p.ChatID, p.Attempts,
			b.at(p.ParkedAt)+" "+b.zoneLabel(), Escape(cause))
	}
	return r.send(ctx, text, nil)
}
