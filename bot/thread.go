package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// recommendationTypes are the kinds of recommendation, after the tasks of
// the competence centres.
var recommendationTypes = []string{"technology", "partner", "standard", "training", "appraisal", "scenario"}

// handleReply takes a Telegram reply to a message the bot relayed (a card,
// an answer, a follow-up) as a message of that problem's thread. The
// mapping from every relayed message to its problem and author is in the
// database: forward_from cannot be trusted, users can hide it.
func (b *Bot) handleReply(ctx context.Context, r *req, relay *storage.Relay, m *tgbotapi.Message) error {
	p, err := r.tx.Problem(ctx, relay.ProblemID)
	if err != nil {
		return err
	}
	var target *storage.ThreadMessage
	if relay.MessageID != nil {
		if target, err = r.tx.ThreadMessage(ctx, *relay.MessageID); err != nil {
			return err
		}
	}
	if r.user.ID == p.AuthorID {
		if target == nil || target.AuthorRole != "expert" {
			return r.send(ctx, r.t("followup_need_reply"), nil)
		}
		return b.postToThread(ctx, r, p, m, "entrepreneur", []int64{target.AuthorID}, target)
	}
	writtenTo := target != nil && target.RecipientID != nil && *target.RecipientID == r.user.ID
	allowed, err := mayWrite(ctx, r.tx, r.user.ID, p, writtenTo)
	if err != nil {
		return err
	}
	if !allowed && relay.RecipientID == r.user.ID {
		return b.supporterLine(ctx, r, p, m)
	}
	if !allowed {
		return r.send(ctx, r.t("not_allowed"), nil)
	}
	return b.postToThread(ctx, r, p, m, "expert", []int64{p.AuthorID}, target)
}

// answerMessage takes the message that follows the Answer button.
func (b *Bot) answerMessage(ctx context.Context, r *req, dlg *storage.Dialog, m *tgbotapi.Message) error {
	var d answerDialog
	if err := json.Unmarshal(dlg.Data, &d); err != nil {
		return err
	}
	p, err := answerableProblem(ctx, r, d.Problem)
	if err != nil {
		return err
	}
	if p == nil {
		if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
			return err
		}
		return r.send(ctx, r.t("not_allowed"), nil)
	}
	if text, files := messageContent(m); text == "" && len(files) == 0 {
		return r.send(ctx, r.t("err_answer_content"), nil) // the dialogue stays: another try
	}
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return err
	}
	return b.postToThread(ctx, r, p, m, "expert", []int64{p.AuthorID}, nil)
}

// postToThread stores a message of a thread and relays it to its
// recipients: an expert's answer to the author, or the author's follow-up
// to an expert (to every expert the problem went to while none answered).
func (b *Bot) postToThread(ctx context.Context, r *req, p *storage.Problem, m *tgbotapi.Message, role string, recipients []int64, replyTo *storage.ThreadMessage) error {
	if p.Status == storage.StatusResolved && role == "entrepreneur" && p.MergedInto == nil &&
		p.ResolvedAt != nil && b.now().Sub(*p.ResolvedAt) <= reopenWindow {
		return b.offerReopen(ctx, r, p, m)
	}
	if p.Closed() {
		return r.send(ctx, r.t("problem_closed", p.ID), nil)
	}
	if untakeable(m) {
		return r.send(ctx, r.t("cannot_take"), nil)
	}
	text, files := messageContent(m)
	if text == "" && len(files) == 0 {
		return r.send(ctx, r.t("err_answer_content"), nil)
	}
	tm := &storage.ThreadMessage{
		ProblemID: p.ID, AuthorID: r.user.ID, AuthorRole: role,
		Text: text, ChatID: r.chat, TgMessageID: int64(m.MessageID),
	}
	if len(recipients) == 1 {
		tm.RecipientID = &recipients[0]
	}
	if replyTo != nil {
		tm.ReplyTo = &replyTo.ID
	}
	if _, err := r.tx.AddMessage(ctx, tm); err != nil {
		return err
	}
	if err := r.tx.AddAttachments(ctx, p.ID, &tm.ID, files); err != nil {
		return err
	}
	if role == "expert" && (replyTo == nil || replyTo.AuthorRole != "entrepreneur") {
		// An answer, not a reply to the author's follow-up, goes to those
		// who have the same problem too.
		supporters, err := r.tx.ProblemSupporters(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, s := range supporters {
			recipients = append(recipients, s.UserID)
		}
	}
	for _, id := range recipients {
		if err := b.relay(ctx, r, p, m, tm, id, replyTo, len(files) > 0); err != nil {
			return err
		}
	}
	if role != "expert" {
		return b.acknowledge(ctx, r, p, m, tm)
	}
	if err := r.tx.MarkAnswered(ctx, p.ID, r.user.ID); err != nil {
		return err
	}
	// The recommendation question is for an answer: not for a reply to the
	// author's follow-up, and once for an album, not for each of its files.
	if replyTo != nil && replyTo.AuthorRole == "entrepreneur" {
		return b.acknowledge(ctx, r, p, m, tm)
	}
	if m.MediaGroupID != "" {
		first, err := r.tx.FirstOfAlbum(ctx, p.ID, m.MediaGroupID, tm.ID)
		if err != nil || !first {
			return err
		}
	}
	var buttons []tgbotapi.InlineKeyboardButton
	for _, t := range append(slices.Clip(recommendationTypes), noRecommendation) {
		buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(r.t("rec_"+t), callbackData("rec", strconv.FormatInt(tm.ID, 10), t)))
	}
	return r.send(ctx, r.t("answer_sent", p.ID), keyboard(1, buttons...))
}

// acknowledge tells the sender that their message was passed on, with a
// reaction on it; once for an album, whose reactions Telegram puts on its
// first message anyway.
func (b *Bot) acknowledge(ctx context.Context, r *req, p *storage.Problem, m *tgbotapi.Message, tm *storage.ThreadMessage) error {
	if m.MediaGroupID != "" {
		first, err := r.tx.FirstOfAlbum(ctx, p.ID, m.MediaGroupID, tm.ID)
		if err != nil || !first {
			return err
		}
	}
	return r.tx.Enqueue(ctx, received(r.chat, int64(m.MessageID)))
}

// choiceMade edits a question to show the choice made, without its buttons;
// nothing when Telegram did not send the message.
func choiceMade(chatID int64, m *tgbotapi.Message, choice string) []storage.Call {
	if m == nil {
		return nil
	}
	return []storage.Call{editText(chatID, int64(m.MessageID), Escape(m.Text)+"\n→ <b>"+Escape(choice)+"</b>", nil)}
}

// relay sends a thread message to one recipient, with a header that says
// whose it is and a hint how to reply, and records the copies.
func (b *Bot) relay(ctx context.Context, r *req, p *storage.Problem, m *tgbotapi.Message, tm *storage.ThreadMessage, recipientID int64, replyTo *storage.ThreadMessage, withFiles bool) error {
	recipient, err := r.tx.User(ctx, recipientID)
	if err != nil {
		return err
	}
	lang := UserLang(recipient)
	var header, hint string
	var kb *tgbotapi.InlineKeyboardMarkup
	priority := storage.PriorityInteractive
	if tm.AuthorRole == "expert" {
		who, err := expertName(ctx, r.tx, r.user, p.SectorID, lang)
		if err != nil {
			return err
		}
		if recipient.ID == p.AuthorID {
			header, hint = T(lang, "answer_to_author", p.ID, Escape(p.Title), who), T(lang, "reply_hint_author")
			kb = keyboard(1, tgbotapi.NewInlineKeyboardButtonData(T(lang, "btn_resolved"), callbackData("resolve", strconv.FormatInt(p.ID, 10))))
		} else {
			// A supporter's copy: perhaps hundreds of them, behind what
			// people wait for.
			header, hint = T(lang, "answer_to_supporter", p.ID, Escape(p.Title), who), T(lang, "reply_hint_supporter")
			priority = storage.PriorityBulk
		}
	} else {
		header, hint = T(lang, "followup_to_expert", p.ID, Escape(p.Title)), T(lang, "reply_hint_expert")
	}
	var msgs []storage.Call
	if withFiles {
		// The file goes as a copy, with the author's caption, after the header.
		msgs = append(textMessages(recipient.ID, header, nil, priority), copyMessage(recipient.ID, r.chat, int64(m.MessageID), kb))
		msgs[len(msgs)-1].Priority = priority
	} else {
		body, foot := Escape(tm.Text), "<i>"+hint+"</i>"
		msgs = textMessages(recipient.ID, header+"\n\n"+body+"\n\n"+foot, kb, priority)
		if len(msgs) == 1 {
			// Messages of this thread from this author waiting for the same
			// chat go out as one, each part with its time.
			msgs[0].Coalesce = &storage.Coalesce{
				Key:  fmt.Sprintf("thread:%d:%d", p.ID, tm.AuthorID),
				Head: header, Part: "<i>" + b.clock(b.now()) + "</i> " + body, Foot: foot,
			}
		}
	}
	if replyTo != nil && replyTo.AuthorID == recipient.ID {
		// Thread the relay under the recipient's own message it answers.
		replyParams(&msgs[0], replyTo.TgMessageID)
	}
	ids, err := r.tx.EnqueueIDs(ctx, msgs...)
	if err != nil {
		return err
	}
	return r.tx.AddRelays(ctx, p.ID, &tm.ID, recipient.ID, ids)
}

// noRecommendation is the answer to the recommendation question that an
// answer is none.
const noRecommendation = "none"

// markRecommendation records the type of recommendation an expert gives
// an answer of theirs, and schedules the question about its implementation.
func (b *Bot) markRecommendation(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	msgID, err := cb.intArg(0)
	typ := cb.arg(1)
	if err != nil || !validRecommendation(typ) && typ != noRecommendation {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	tm, err := r.tx.ThreadMessage(ctx, msgID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (tm.AuthorID != r.user.ID || tm.AuthorRole != "expert")) {
		return r.answer(ctx, q, r.t("not_allowed"))
	}
	if err != nil {
		return err
	}
	if typ == noRecommendation {
		if err := r.answer(ctx, q, ""); err != nil {
			return err
		}
		return r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, r.t("rec_none"))...)
	}
	p, err := r.tx.Problem(ctx, tm.ProblemID)
	if err != nil {
		return err
	}
	recID, isNew, err := r.tx.Recommend(ctx, tm.ID, p.ID, typ)
	if err != nil {
		return err
	}
	if isNew {
		if err := r.tx.AddReminder(ctx, storage.ReminderImplementation, &p.ID, &recID, b.now().Add(b.cfg.ImplementationCheck)); err != nil {
			return err
		}
	}
	saved := r.t("recommendation_saved", r.t("rec_"+typ))
	if err := r.answer(ctx, q, saved); err != nil {
		return err
	}
	if err := r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, r.t("rec_"+typ))...); err != nil {
		return err
	}
	author, err := r.tx.User(ctx, p.AuthorID)
	if err != nil {
		return err
	}
	// The author reads what the recommendation means to them, not the
	// centres' taxonomy that the expert chose from.
	lang := UserLang(author)
	text := T(lang, "rec_author_"+typ, p.ID)
	if isNew {
		text += "\n" + T(lang, "rec_author_later")
	}
	if err := r.tx.Enqueue(ctx, textMessages(author.ID, text, nil, storage.PriorityInteractive)...); err != nil {
		return err
	}
	if isNew && catalogued[typ] {
		return b.askEntry(ctx, r, recID, typ)
	}
	return nil
}

func validRecommendation(t string) bool {
	for _, v := range recommendationTypes {
		if v == t {
			return true
		}
	}
	return false
}

// handleEdit passes an edit of a thread message on to whoever got it, as
// a note; the first text is kept in the database. An edit is held to what
// a new message would be: not from a banned or flooding user, and from an
// expert only while they may still write in the thread.
func (b *Bot) handleEdit(ctx context.Context, tx *storage.Tx, m *tgbotapi.Message, recent int) error {
	if m.From == nil || m.From.IsBot || !m.Chat.IsPrivate() {
		return nil
	}
	tm, err := tx.MessageByTelegram(ctx, m.Chat.ID, int64(m.MessageID))
	if errors.Is(err, storage.ErrNotFound) {
		return nil // not part of a thread
	}
	if err != nil {
		return err
	}
	text, _ := messageContent(m)
	if tm.AuthorID != m.From.ID || text == tm.Text {
		return nil
	}
	r, err := b.newReq(ctx, tx, m.From, m.Chat.ID, recent)
	if err != nil {
		return err
	}
	if stop, err := b.restrained(ctx, r, nil); stop || err != nil {
		return err
	}
	if tm.AuthorRole == "expert" {
		p, err := tx.Problem(ctx, tm.ProblemID)
		if err != nil {
			return err
		}
		if ok, err := mayWrite(ctx, tx, r.user.ID, p, true); err != nil || !ok {
			return err
		}
	}
	if err := tx.EditMessage(ctx, tm.ID, text); err != nil {
		return err
	}
	if tm.RecipientID == nil {
		return nil
	}
	recipient, err := tx.User(ctx, *tm.RecipientID)
	if err != nil {
		return err
	}
	note := T(UserLang(recipient), "edited_note", tm.ProblemID, Escape(text))
	return tx.Enqueue(ctx, textMessages(recipient.ID, note, nil, storage.PriorityInteractive)...)
}

// copyMessage builds a copyMessage call, which sends a message's content
// (a photo or document with its caption) without "forwarded from".
func copyMessage(chatID, fromChat, messageID int64, kb *tgbotapi.InlineKeyboardMarkup) storage.Call {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", chatID)
	p.AddNonZero64("from_chat_id", fromChat)
	p.AddNonZero64("message_id", messageID)
	p.AddInterface("reply_markup", kb)
	return storage.Call{ChatID: chatID, Method: "copyMessage", Params: storage.Params(p), Priority: storage.PriorityInteractive}
}

// replyParams makes a call a reply to a message of its chat, and still
// sends it if that message is gone.
func replyParams(m *storage.Call, messageID int64) {
	b, _ := json.Marshal(map[string]any{"message_id": messageID, "allow_sending_without_reply": true})
	m.Params["reply_parameters"] = string(b)
}
