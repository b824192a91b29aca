package bot

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// dialogNote is an expert writing a trend note: its data is the sector.
const dialogNote = "note"

type noteDialog struct {
	Sector int `json:"sector"`
}

// startNote is an expert's /note: the sector first, when they serve more
// than one, then the note.
func (b *Bot) startNote(ctx context.Context, r *req, _ string) error {
	sectors, err := r.tx.ExpertSectors(ctx, r.user.ID)
	if err != nil {
		return err
	}
	switch len(sectors) {
	case 0:
		return r.send(ctx, r.t("experts_only"), nil)
	case 1:
		return b.askNote(ctx, r, &sectors[0])
	}
	var buttons []tgbotapi.InlineKeyboardButton
	for _, s := range sectors {
		buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(s.Name(r.lang), callbackData("notesec", strconv.Itoa(s.ID))))
	}
	return r.send(ctx, r.t("note_sector"), keyboard(2, buttons...))
}

// noteSector is the press of a sector for a note.
func (b *Bot) noteSector(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	sectors, err := r.tx.ExpertSectors(ctx, r.user.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(sectors, func(s storage.Named) bool { return s.ID == int(id) })
	if i < 0 {
		return r.answer(ctx, q, r.t("not_allowed"))
	}
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	return b.askNote(ctx, r, &sectors[i])
}

func (b *Bot) askNote(ctx context.Context, r *req, sector *storage.Named) error {
	data, _ := json.Marshal(noteDialog{Sector: sector.ID})
	if err := r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: dialogNote, Step: "text", Data: data}); err != nil {
		return err
	}
	return r.send(ctx, r.t("note_write", Escape(sector.Name(r.lang))), nil)
}

// noteMessage takes the note: a text, or a file with a caption. It goes
// to the moderators first.
func (b *Bot) noteMessage(ctx context.Context, r *req, d *storage.Dialog, m *tgbotapi.Message) error {
	var nd noteDialog
	if err := json.Unmarshal(d.Data, &nd); err != nil {
		return err
	}
	text, files := messageContent(m)
	if text == "" {
		return r.send(ctx, r.t("note_need_text"), nil) // the dialogue stays: another try
	}
	n := &storage.Note{AuthorID: r.user.ID, SectorID: nd.Sector, Text: text, ChatID: r.chat,
		MessageID: int64(m.MessageID), HasFile: len(files) > 0}
	if _, err := r.tx.AddNote(ctx, n); err != nil {
		return err
	}
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return err
	}
	targets, err := b.moderationTargets(ctx, r.tx)
	if err != nil {
		return err
	}
	id := strconv.FormatInt(n.ID, 10)
	for _, t := range targets {
		card, err := b.noteCard(ctx, r.tx, n, t.lang)
		if err != nil {
			return err
		}
		var msgs []storage.Call
		if n.HasFile {
			msgs = append(msgs, copyMessage(t.chat, n.ChatID, n.MessageID, nil))
		}
		kb := keyboard(2,
			tgbotapi.NewInlineKeyboardButtonData(T(t.lang, "btn_approve"), callbackData("noteok", id)),
			tgbotapi.NewInlineKeyboardButtonData(T(t.lang, "btn_reject"), callbackData("noteno", id)))
		if err := r.tx.Enqueue(ctx, append(msgs, textMessages(t.chat, card, kb, storage.PriorityBulk)...)...); err != nil {
			return err
		}
	}
	return r.send(ctx, r.t("note_sent", n.ID), nil)
}

// noteCard describes a note for moderators.
func (b *Bot) noteCard(ctx context.Context, tx *storage.Tx, n *storage.Note, lang string) (string, error) {
	sector, err := tx.Sector(ctx, n.SectorID)
	if err != nil {
		return "", err
	}
	author, err := tx.User(ctx, n.AuthorID)
	if err != nil {
		return "", err
	}
	who, err := expertName(ctx, tx, author, n.SectorID, lang)
	if err != nil {
		return "", err
	}
	return T(lang, "note_card", n.ID, Escape(sector.Name(lang)), who, Escape(clipText(n.Text, 3000))), nil
}

// decideNote is a moderator's Approve or Reject of a note. An approved
// note goes to the sector's subscribers at the outbox's bulk pace, behind
// what people wait for.
func (b *Bot) decideNote(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	n, err := r.tx.Note(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return r.answer(ctx, q, r.t("button_expired"))
	} else if err != nil {
		return err
	}
	if n.Status != storage.NotePending {
		return r.answer(ctx, q, r.t("note_decided", n.ID))
	}
	status := storage.NoteApproved
	if cb.action == "noteno" {
		status = storage.NoteRejected
	}
	if err := r.tx.DecideNote(ctx, n.ID, status, r.user.ID); err != nil {
		return err
	}
	if err := r.tx.Audit(ctx, r.user.ID, "note_"+status, nil, "#"+strconv.FormatInt(n.ID, 10), ""); err != nil {
		return err
	}
	sent := 0
	if status == storage.NoteApproved {
		if sent, err = b.sendNote(ctx, r.tx, n); err != nil {
			return err
		}
	}
	author, err := r.tx.User(ctx, n.AuthorID)
	if err != nil {
		return err
	}
	// An approval says to how many it went; a rejection, nothing more.
	counted := func(args ...any) []any {
		if status == storage.NoteApproved {
			return append(args, sent)
		}
		return args
	}
	if err := r.tx.Enqueue(ctx, textMessages(author.ID, T(UserLang(author), "note_"+status+"_author", counted(n.ID)...), nil, storage.PriorityInteractive)...); err != nil {
		return err
	}
	if err := r.answer(ctx, q, ""); err != nil || q.Message == nil {
		return err
	}
	card, err := b.noteCard(ctx, r.tx, n, r.lang)
	if err != nil {
		return err
	}
	outcome := r.t("note_"+status+"_by", counted(Escape(displayName(r.user, r.lang)))...)
	return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), card+"\n\n"+outcome, nil))
}

// sendNote sends an approved note to its sector's subscribers, each with
// a button to unsubscribe, and returns to how many.
func (b *Bot) sendNote(ctx context.Context, tx *storage.Tx, n *storage.Note) (int, error) {
	subscribers, err := tx.Subscribers(ctx, n.SectorID)
	if err != nil {
		return 0, err
	}
	sector, err := tx.Sector(ctx, n.SectorID)
	if err != nil {
		return 0, err
	}
	author, err := tx.User(ctx, n.AuthorID)
	if err != nil {
		return 0, err
	}
	heads := map[string]string{}
	var msgs []storage.Call
	sent := 0
	for _, u := range subscribers {
		if u.ID == n.AuthorID {
			continue
		}
		lang := UserLang(&u)
		head, ok := heads[lang]
		if !ok {
			who, err := expertName(ctx, tx, author, n.SectorID, lang)
			if err != nil {
				return 0, err
			}
			head = T(lang, "note_head", Escape(sector.Name(lang)), who)
			heads[lang] = head
		}
		kb := keyboard(1, tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_unsubscribe", sector.Name(lang)), callbackData("unsub", strconv.Itoa(sector.ID))))
		if n.HasFile {
			msgs = append(msgs, textMessages(u.ID, head, nil, storage.PriorityBulk)...)
			c := copyMessage(u.ID, n.ChatID, n.MessageID, kb)
			c.Priority = storage.PriorityBulk
			msgs = append(msgs, c)
		} else {
			msgs = append(msgs, textMessages(u.ID, head+"\n\n"+Escape(n.Text), kb, storage.PriorityBulk)...)
		}
		sent++
	}
	return sent, tx.Enqueue(ctx, msgs...)
}

// showSubscriptions is /subscribe: the sectors, each a press to subscribe
// to its notes or to unsubscribe.
func (b *Bot) showSubscriptions(ctx context.Context, r *req, _ string) error {
	text, kb, err := subscriptionsMenu(ctx, r)
	if err != nil {
		return err
	}
	return r.send(ctx, text, kb)
}

func subscriptionsMenu(ctx context.Context, r *req) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	sectors, err := r.tx.Sectors(ctx)
	if err != nil {
		return "", nil, err
	}
	mine, err := r.tx.Subscriptions(ctx, r.user.ID)
	if err != nil {
		return "", nil, err
	}
	var buttons []tgbotapi.InlineKeyboardButton
	for _, s := range sectors {
		label := s.Name(r.lang)
		if slices.Contains(mine, s.ID) {
			label = "✅ " + label
		}
		buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(label, callbackData("subm", strconv.Itoa(s.ID))))
	}
	return r.t("subscribe_text"), keyboard(2, buttons...), nil
}

// toggleSubscription is a press of a sector in /subscribe ("subm"), of the
// offer after a first request in it ("sub"), or of Unsubscribe under a
// note ("unsub").
func (b *Bot) toggleSubscription(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	sector, err := r.tx.Sector(ctx, int(id))
	if errors.Is(err, storage.ErrNotFound) {
		return r.answer(ctx, q, r.t("button_expired"))
	} else if err != nil {
		return err
	}
	mine, err := r.tx.Subscriptions(ctx, r.user.ID)
	if err != nil {
		return err
	}
	on := !slices.Contains(mine, sector.ID)
	switch cb.action {
	case "sub":
		on = true
	case "unsub":
		on = false
	}
	if _, err := r.tx.Subscribe(ctx, r.user.ID, sector.ID, on); err != nil {
		return err
	}
	key := map[bool]string{true: "subscribed", false: "unsubscribed"}[on]
	if err := r.answer(ctx, q, r.t(key, sector.Name(r.lang))); err != nil || q.Message == nil {
		return err
	}
	if cb.action == "subm" {
		text, kb, err := subscriptionsMenu(ctx, r)
		if err != nil {
			return err
		}
		return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), text, kb))
	}
	return nil
}

// subscribeOffer is the button under a first request in a sector that
// subscribes its author to the sector's notes; nil when they are already
// or have posted there before.
func subscribeOffer(ctx context.Context, r *req, sectorID int) (*tgbotapi.InlineKeyboardMarkup, error) {
	n, err := r.tx.ProblemsInSector(ctx, r.user.ID, sectorID)
	if err != nil || n != 1 {
		return nil, err
	}
	mine, err := r.tx.Subscriptions(ctx, r.user.ID)
	if err != nil || slices.Contains(mine, sectorID) {
		return nil, err
	}
	sector, err := r.tx.Sector(ctx, sectorID)
	if err != nil {
		return nil, err
	}
	return keyboard(1, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_subscribe", sector.Name(r.lang)), callbackData("sub", strconv.Itoa(sectorID)))), nil
}
