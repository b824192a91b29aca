package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// dialogCatalogue is an expert naming the partner, technology or standard
// a recommendation of theirs is of.
const dialogCatalogue = "catalogue"

type catalogueDialog struct {
	Rec   int64         `json:"rec"`
	Entry storage.Entry `json:"entry"` // as typed, while the expert says whether it is one listed
}

// catalogued are the kinds of recommendation whose object the catalogue
// keeps.
var catalogued = map[string]bool{"partner": true, "technology": true, "standard": true}

// askEntry asks the expert who marked a recommendation what it is of.
func (b *Bot) askEntry(ctx context.Context, r *req, recID int64, kind string) error {
	data, _ := json.Marshal(catalogueDialog{Rec: recID, Entry: storage.Entry{Kind: kind}})
	if err := r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: dialogCatalogue, Step: "name", Data: data}); err != nil {
		return err
	}
	skip := keyboard(1, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_skip"), callbackData("catskip", strconv.FormatInt(recID, 10))))
	return r.send(ctx, r.t("cat_ask_"+kind), skip)
}

// maxEntryName is how long a catalogue entry's name may be.
const maxEntryName = 200

// entryMessage takes what the recommendation is of: a partner as "name,
// country, site", a technology or a standard by its name or code. A name
// like one listed is asked about first.
func (b *Bot) entryMessage(ctx context.Context, r *req, d *storage.Dialog, m *tgbotapi.Message) error {
	var cd catalogueDialog
	if err := json.Unmarshal(d.Data, &cd); err != nil {
		return err
	}
	text, _ := messageContent(m)
	e := storage.Entry{Kind: cd.Entry.Kind, Name: strings.TrimSpace(text)}
	if e.Kind == "partner" {
		parts := strings.Split(text, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		e.Name = parts[0]
		if len(parts) > 1 {
			e.Country = parts[1]
		}
		if len(parts) > 2 {
			e.Site = strings.Join(parts[2:], ", ")
		}
	}
	if e.Name == "" || utf8.RuneCountInString(e.Name) > maxEntryName {
		return r.send(ctx, r.t("cat_ask_"+e.Kind), nil) // another try
	}
	like, err := r.tx.LikeEntries(ctx, e.Kind, e.Name)
	if err != nil {
		return err
	}
	if len(like) == 0 {
		return b.linkEntry(ctx, r, cd.Rec, &e)
	}
	cd.Entry = e
	data, _ := json.Marshal(cd)
	if err := r.tx.SaveDialog(ctx, &storage.Dialog{UserID: r.user.ID, Name: dialogCatalogue, Step: "same", Data: data}); err != nil {
		return err
	}
	rec := strconv.FormatInt(cd.Rec, 10)
	var buttons []tgbotapi.InlineKeyboardButton
	for _, l := range like {
		buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(clipText("= "+entryLabel(&l), 60),
			callbackData("catsame", rec, strconv.FormatInt(l.ID, 10))))
	}
	buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_cat_new"), callbackData("catnew", rec)))
	return r.send(ctx, r.t("cat_same", Escape(entryLabel(&e))), keyboard(1, buttons...))
}

// entryButton is the expert's answer to whether what they typed is one
// listed ("catsame"), a new one ("catnew"), or nothing to list ("catskip").
func (b *Bot) entryButton(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	recID, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	author, err := r.tx.RecommendationAuthor(ctx, recID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if err != nil || author != r.user.ID {
		return r.answer(ctx, q, r.t("not_allowed"))
	}
	d, err := r.tx.Dialog(ctx, r.user.ID)
	var cd catalogueDialog
	if err == nil && d.Name == dialogCatalogue {
		err = json.Unmarshal(d.Data, &cd)
	}
	if errors.Is(err, storage.ErrNotFound) || (err == nil && cd.Rec != recID) {
		return r.answer(ctx, q, r.t("button_expired"))
	} else if err != nil {
		return err
	}
	var same *storage.Entry
	if cb.action == "catsame" {
		id, err := cb.intArg(1)
		if err == nil {
			same, err = r.tx.Entry(ctx, id)
		}
		if errors.Is(err, storage.ErrNotFound) || errors.Is(err, errBadCallback) || err == nil && same.Kind != cd.Entry.Kind {
			return r.answer(ctx, q, r.t("button_expired"))
		} else if err != nil {
			return err
		}
	}
	if cb.action == "catnew" && cd.Entry.Name == "" {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	switch cb.action {
	case "catskip":
		if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
			return err
		}
		return r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, r.t("btn_skip"))...)
	case "catsame":
		if err := r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, entryLabel(same))...); err != nil {
			return err
		}
		return b.linkEntry(ctx, r, recID, same)
	}
	if err := r.tx.Enqueue(ctx, choiceMade(r.chat, q.Message, r.t("btn_cat_new"))...); err != nil {
		return err
	}
	return b.linkEntry(ctx, r, recID, &cd.Entry)
}

// linkEntry names the entry a recommendation is of, adding it to the
// catalogue when it is new (ID 0), and ends the dialogue.
func (b *Bot) linkEntry(ctx context.Context, r *req, recID int64, e *storage.Entry) error {
	if e.ID == 0 {
		if _, err := r.tx.AddEntry(ctx, e, r.user.ID); err != nil {
			return err
		}
	}
	if err := r.tx.LinkRecommendation(ctx, recID, e.ID); err != nil {
		return err
	}
	if err := r.tx.EndDialog(ctx, r.user.ID); err != nil {
		return err
	}
	return r.send(ctx, r.t("cat_linked", Escape(entryLabel(e)), "/"+catalogueCommands[e.Kind]), nil)
}

// entryLabel is an entry as a line: a partner with its country and site.
func entryLabel(e *storage.Entry) string {
	label := e.Name
	for _, s := range []string{e.Country, e.Site} {
		if s != "" {
			label += " · " + s
		}
	}
	return label
}

// catalogueIcons mark each kind in a list.
var catalogueIcons = map[string]string{"partner": "🤝", "technology": "⚙️", "standard": "📜"}

// catalogueCommands are the commands that list each kind.
var catalogueCommands = map[string]string{"partner": "partners", "technology": "technologies", "standard": "standards"}

// showCatalogue is /partners, /technologies and /standards: what the
// experts recommended, with sector buttons.
func (b *Bot) showCatalogue(kind string) command {
	return func(ctx context.Context, r *req, _ string) error {
		text, kb, err := b.catalogueText(ctx, r, kind, 0)
		if err != nil {
			return err
		}
		return r.send(ctx, text, kb)
	}
}

// catalogueSector is the press of a sector under a catalogue's list.
func (b *Bot) catalogueSector(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	kind := cb.arg(0)
	sector, err := strconv.Atoi(cb.arg(1))
	if !catalogued[kind] || err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	text, kb, err := b.catalogueText(ctx, r, kind, sector)
	if err != nil {
		return err
	}
	if err := r.answer(ctx, q, ""); err != nil || q.Message == nil {
		return err
	}
	return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), text, kb))
}

func (b *Bot) catalogueText(ctx context.Context, r *req, kind string, sector int) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	listed, err := r.tx.Catalogue(ctx, kind, sector)
	if err != nil {
		return "", nil, err
	}
	sectors, err := r.tx.Sectors(ctx)
	if err != nil {
		return "", nil, err
	}
	where := r.t("cat_all_sectors")
	var buttons []tgbotapi.InlineKeyboardButton
	for _, s := range sectors {
		label := s.Name(r.lang)
		if s.ID == sector {
			where, label = s.Name(r.lang), "✅ "+label
		}
		buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(label, callbackData("catsec", kind, strconv.Itoa(s.ID))))
	}
	if sector != 0 {
		buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(r.t("cat_all_sectors"), callbackData("catsec", kind, "0")))
	}
	var t strings.Builder
	t.WriteString(r.t("cat_title_"+kind, Escape(where)))
	if len(listed) == 0 {
		t.WriteString("\n\n" + r.t("cat_empty"))
	}
	for _, l := range listed {
		var ids []string
		for _, id := range l.Problems {
			ids = append(ids, fmt.Sprintf("#%d", id))
		}
		fmt.Fprintf(&t, "\n\n<b>%s</b>", Escape(entryLabel(&l.Entry)))
		t.WriteString("\n" + r.t("cat_line", len(l.Problems), strings.Join(ids, ", "), l.Implemented, l.InProgress, l.NotImplemented))
	}
	return t.String(), keyboard(2, buttons...), nil
}
