package bot

import (
	"context"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// Commands by role: everyone's, then what experts, moderators and admins add.
var (
	commonCommands    = []string{"new", "my", "search", "partners", "technologies", "standards", "subscribe", "language", "help", "cancel", "start", "privacy", "mydata", "forget"}
	expertCommands    = []string{"away", "back", "languages", "note"}
	moderatorCommands = []string{"queue", "thread", "approve", "reject", "stats", "export", "experts", "addexpert",
		"removeexpert", "ban", "unban", "merge", "hide", "unhide", "centres", "audit", "parked", "web"}
	adminCommands    = []string{"addmoderator", "removemoderator", "addobserver", "removeobserver"}
	observerCommands = []string{"web"}
)

// roles are what a user is, for their menu.
type roles struct{ expert, moderator, admin, observer bool }

func commandMenu(lang string, who roles) []tgbotapi.BotCommand {
	names := append([]string(nil), commonCommands...)
	if who.expert {
		names = append(names, expertCommands...)
	}
	if who.moderator || who.admin {
		names = append(names, moderatorCommands...)
	} else if who.observer {
		names = append(names, observerCommands...)
	}
	if who.admin {
		names = append(names, adminCommands...)
	}
	var cmds []tgbotapi.BotCommand
	for _, n := range names {
		cmds = append(cmds, tgbotapi.BotCommand{Command: n, Description: stripTags(T(lang, "cmd_"+n))})
	}
	return cmds
}

// registerCommands queues the command menu of private chats, in each
// language and as the default, and each moderator's own menu.
func (b *Bot) registerCommands(ctx context.Context) error {
	return b.db.InTx(ctx, func(tx *storage.Tx) error {
		var msgs []storage.Call
		for _, lang := range append([]string{""}, Languages...) {
			tl := lang
			if tl == "" {
				tl = defaultLanguage
			}
			msgs = append(msgs, setCommands(commandMenu(tl, roles{}), tgbotapi.NewBotCommandScopeAllPrivateChats(), lang))
		}
		if err := tx.Enqueue(ctx, msgs...); err != nil {
			return err
		}
		mods, err := tx.Moderators(ctx)
		if err != nil {
			return err
		}
		for _, m := range mods {
			if err := registerUserCommands(ctx, tx, &m); err != nil {
				return err
			}
			if err := b.setMenuButton(ctx, tx, &m); err != nil {
				return err
			}
		}
		return nil
	})
}

// setMenuButton gives a moderator's chat a menu button that opens the
// web console as a Mini App, where the console is served over HTTPS (as
// Telegram requires of Mini Apps); anyone else's chat, the command menu.
func (b *Bot) setMenuButton(ctx context.Context, tx *storage.Tx, u *storage.User) error {
	button := map[string]any{"type": "commands"}
	if u.IsModerator() && strings.HasPrefix(b.cfg.ConsoleURL, "https://") {
		button = map[string]any{"type": "web_app", "text": T(UserLang(u), "btn_console"),
			"web_app": map[string]string{"url": b.cfg.ConsoleURL + "app"}}
	}
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", u.ID)
	if err := p.AddInterface("menu_button", button); err != nil {
		return err
	}
	return tx.Enqueue(ctx, storage.Call{ChatID: u.ID, Method: "setChatMenuButton", Params: storage.Params(p)})
}

// registerUserCommands sets the menu of one user's chat, in the language
// they chose, with the commands of their roles. Called when their language
// or roles change.
func registerUserCommands(ctx context.Context, tx *storage.Tx, u *storage.User) error {
	expert, err := isExpert(ctx, tx, u.ID)
	if err != nil {
		return err
	}
	who := roles{expert: expert, moderator: u.IsModerator(), admin: u.Role == storage.RoleAdmin, observer: u.Role == storage.RoleObserver}
	scope := tgbotapi.NewBotCommandScopeChat(u.ID)
	if who == (roles{}) {
		// The menu of all private chats serves them, also after they lost a role.
		return tx.Enqueue(ctx, deleteCommands(scope))
	}
	return tx.Enqueue(ctx, setCommands(commandMenu(UserLang(u), who), scope, ""))
}

// QueueMenus queues the command menus of users whose roles were changed
// outside the bot, by a roster import or the sandbox's demonstration, in
// the transaction of the change; the running bot sends them.
func QueueMenus(ctx context.Context, tx *storage.Tx, ids ...int64) error {
	for _, id := range ids {
		u, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		if err := registerUserCommands(ctx, tx, u); err != nil {
			return err
		}
	}
	return nil
}

// helpText lists the commands a user has. Each text is made once: there
// are a few, by language and role, and /help is among the commonest
// commands of a crowd of new users.
func helpText(lang string, who roles) string {
	key := helpKey{lang, who}
	if text, ok := helpTexts.Load(key); ok {
		return text.(string)
	}
	var b strings.Builder
	b.WriteString(T(lang, "help_title"))
	for _, c := range commandMenu(lang, who) {
		b.WriteString("\n/" + c.Command + " — " + Escape(c.Description))
		if _, ok := texts["usage_"+c.Command]; ok {
			b.WriteString("\n    <i>" + T(lang, "usage_"+c.Command) + "</i>")
		}
	}
	helpTexts.Store(key, b.String())
	return b.String()
}

// helpTexts are the help texts made, by helpKey.
var helpTexts sync.Map

type helpKey struct {
	lang string
	who  roles
}
