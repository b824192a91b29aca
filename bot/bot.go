package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/bot/dispatch"
	"github.com/atameken/expertbot/bot/intake"
	"github.com/atameken/expertbot/bot/sender"
	"github.com/atameken/expertbot/bot/telegram"
	"github.com/atameken/expertbot/storage"
)

// Config is what the bot needs to run.
type Config struct {
	Token        string
	Endpoint     string // go-telegram-bot-api's endpoint format: "https://api.telegram.org/bot%s/%s"
	ModeratorIDs []int64
	AdminIDs     []int64
	Workers      int           // chats handled at once
	PollTimeout  time.Duration // long-polling timeout
	Limits       sender.Limits
	SendInFlight int           // calls to Telegram at once
	RetryBase    time.Duration // first wait before a failed update is tried again; it doubles
	SendTimeout  time.Duration // longest wait for Telegram to answer one call

	Premoderation       bool          // submitted problems wait for a moderator's approval
	ModeratorChatID     int64         // the moderators' group, if they have one
	FloodLimit          int           // messages a user may send in FloodWindow before being slowed down
	FloodWindow         time.Duration //
	TakeTimeout         time.Duration // a problem nobody took is sent again after this
	AnswerTimeout       time.Duration // a problem nobody answered goes to the moderators after this
	ImplementationCheck time.Duration // the author is asked about a recommendation after this
	ImplementationAsks  int           // and again after as long while they answer "in progress", this many times in all
	ReminderPoll        time.Duration // how often due reminders are looked for

	// Webhook mode, when WebhookURL is set: Telegram posts updates to
	// WebhookHandler, which any number of replicas may serve.
	WebhookURL            string
	WebhookSecret         string
	WebhookMaxConnections int

	// The privacy notice: its version (a user who agreed to another is
	// asked again), the address of its full text if the operator publishes
	// one, and how long handled updates and sent calls are kept.
	PrivacyVersion string
	PrivacyURL     string
	Retention      time.Duration
	RetentionEvery time.Duration // how often the queues are purged

	// Zone is where times are shown and report days begin; nil is
	// Kazakhstan's UTC+5.
	// ConsoleURL is the web console's address, ending in /console/; /web
	// sends links into it. Empty: no console.
	ConsoleURL string
	Zone       *time.Location

	// Now is the clock of timers and reports; nil is time.Now. Tests move
	// it on rather than wait.
	Now func() time.Time
}

// Bot is a running expertbot: the pipeline's stages, wired to the
// handlers of this package.
type Bot struct {
	cfg Config
	db  *storage.DB
	log *slog.Logger

	health     telegram.Health
	intake     *intake.Intake
	dispatcher *dispatch.Dispatcher
	sender     *sender.Sender
	metrics    http.Handler
	commands   map[string]command     // by name, without the slash
	buttons    map[string]button      // by callback action
	username   atomic.Pointer[string] // the bot's, once Telegram said it
	// handleUpdate is handle, unless a test wraps it before Run.
	handleUpdate func(ctx context.Context, tx *storage.Tx, u *tgbotapi.Update, recent int) error
}

// New makes a bot; Run starts it.
func New(cfg Config, db *storage.DB, log *slog.Logger) *Bot {
	if cfg.Endpoint == "" {
		cfg.Endpoint = tgbotapi.APIEndpoint
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.SendInFlight <= 0 {
		cfg.SendInFlight = 8
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 15 * time.Second
	}
	if cfg.TakeTimeout <= 0 {
		cfg.TakeTimeout = 24 * time.Hour
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = 72 * time.Hour
	}
	if cfg.ImplementationAsks <= 0 {
		cfg.ImplementationAsks = 3
	}
	if cfg.ImplementationCheck <= 0 {
		cfg.ImplementationCheck = 30 * 24 * time.Hour
	}
	if cfg.FloodLimit <= 0 {
		cfg.FloodLimit = 40 // an album is up to 10 updates at once
	}
	if cfg.FloodWindow <= 0 {
		cfg.FloodWindow = time.Minute
	}
	if cfg.ReminderPoll <= 0 {
		cfg.ReminderPoll = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Zone == nil {
		cfg.Zone = Kazakhstan
	}
	if cfg.PrivacyVersion == "" {
		cfg.PrivacyVersion = PrivacyVersion
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 30 * 24 * time.Hour
	}
	if cfg.RetentionEvery <= 0 {
		cfg.RetentionEvery = time.Minute
	}
	b := &Bot{cfg: cfg, db: db, log: log}
	b.handleUpdate = b.handle
	b.commands, b.buttons = b.commandTable(), b.buttonTable()
	b.dispatcher = dispatch.New(db, log, dispatch.Config{
		Workers: cfg.Workers, RetryBase: cfg.RetryBase, FloodLimit: cfg.FloodLimit, FloodWindow: cfg.FloodWindow,
	}, handler{b})
	dial := func(ctx context.Context) *telegram.Client { return b.client(ctx, cfg.PollTimeout+10*time.Second, 1) }
	b.intake = intake.New(db, dial, log, intake.Config{
		PollTimeout: cfg.PollTimeout,
		WebhookURL:  cfg.WebhookURL, WebhookSecret: cfg.WebhookSecret, WebhookMaxConnections: cfg.WebhookMaxConnections,
		Me: func(username string) { b.username.Store(&username) },
	}, b.dispatcher.Arrived)
	// The sender's calls are not cut short when the bot stops: it waits for
	// their outcomes, so that none is made again after a restart.
	b.sender = sender.New(db, b.client(context.Background(), cfg.SendTimeout, cfg.SendInFlight), log, sender.Config{
		Limits: cfg.Limits, InFlight: cfg.SendInFlight, Listen: true, Blocked: b.noteUndelivered, Fits: fits,
	})
	b.metrics = newMetrics(db, b.intake.Collectors(), b.dispatcher.Collectors(), b.sender.Collectors())
	return b
}

// client makes a client of the Bot API for up to conns calls at once,
// whose calls end when ctx ends.
func (b *Bot) client(ctx context.Context, timeout time.Duration, conns int) *telegram.Client {
	return telegram.New(b.cfg.Token, b.cfg.Endpoint, telegram.NewHTTPClient(ctx, timeout, conns), &b.health)
}

// Run serves until ctx is cancelled, then stops taking updates, lets the
// handlers in flight finish and the sender finish its calls, and returns.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.db.GrantRole(ctx, b.cfg.ModeratorIDs, storage.RoleModerator, "MODERATOR_IDS"); err != nil {
		return err
	}
	if err := b.db.GrantRole(ctx, b.cfg.AdminIDs, storage.RoleAdmin, "ADMIN_IDS"); err != nil {
		return err
	}
	if err := b.registerCommands(ctx); err != nil {
		return err
	}
	if err := b.db.EnsureDigest(ctx, nextDigest(b.now(), b.cfg.Zone)); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() { b.intake.Run(ctx) })
	wg.Go(func() { b.dispatcher.Run(ctx) })
	wg.Go(func() { b.sender.Run(ctx) })
	wg.Go(func() { b.remind(ctx) })
	wg.Go(func() { b.retain(ctx) })
	wg.Wait()
	b.log.Info("bot stopped")
	return nil
}

// WebhookHandler takes the updates Telegram posts to the webhook.
func (b *Bot) WebhookHandler() http.Handler { return b.intake.Webhook() }

// TelegramReachable reports whether Telegram answered the last call that
// tells: a poll, a send, setWebhook or a periodic getMe.
func (b *Bot) TelegramReachable() bool { return b.health.Reachable() }

// Metrics serves the bot's metrics in the Prometheus text format.
func (b *Bot) Metrics() http.Handler { return b.metrics }

func (b *Bot) now() time.Time { return b.cfg.Now() }

// handler is the bot as the dispatcher's Handler.
type handler struct{ *Bot }

func (h handler) Handle(ctx context.Context, tx *storage.Tx, u *tgbotapi.Update, recent int) error {
	return h.handleUpdate(ctx, tx, u, recent)
}

// Prepare records at once the users the batch's handlers would record one
// by one (newReq): one statement for the batch instead of one for each
// update.
func (h handler) Prepare(ctx context.Context, tx *storage.Tx, us []*tgbotapi.Update) error {
	var users []storage.User
	for _, u := range us {
		if from := recordedBy(u); from != nil {
			users = append(users, userOf(from))
		}
	}
	if len(users) == 0 {
		return nil
	}
	return tx.TouchUsers(ctx, users)
}

// recordedBy returns the user the update's handler surely records: the
// sender of a message in a private chat, the presser of a button.
func recordedBy(u *tgbotapi.Update) *tgbotapi.User {
	switch {
	case u.Message != nil && u.Message.Chat != nil && u.Message.Chat.IsPrivate() &&
		u.Message.From != nil && !u.Message.From.IsBot:
		return u.Message.From
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From
	}
	return nil
}

// Parked tells the user that their update could not be handled, and
// answers the button they pressed, if any, so that it stops spinning.
func (h handler) Parked(ctx context.Context, tx *storage.Tx, su *storage.Update) error {
	var u tgbotapi.Update
	if err := json.Unmarshal(su.Payload, &u); err != nil {
		return nil
	}
	from := u.SentFrom()
	if from == nil || su.ChatID <= 0 {
		return nil
	}
	lang := languageFor("", from.LanguageCode)
	if user, err := tx.User(ctx, from.ID); err == nil {
		lang = languageFor(user.Language, user.TelegramLanguage)
	}
	var calls []storage.Call
	if u.CallbackQuery != nil {
		calls = append(calls, answerCallback(su.ChatID, u.CallbackQuery.ID, T(lang, "error")))
	}
	calls = append(calls, textMessages(su.ChatID, T(lang, "error"), nil, storage.PriorityInteractive)...)
	if err := tx.Enqueue(ctx, calls...); err != nil {
		return fmt.Errorf("apologise for update %d: %w", su.ID, err)
	}
	return nil
}
