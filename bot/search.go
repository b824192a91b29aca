package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/atameken/expertbot/storage"
)

// searchPage is how many results a page of /search shows.
const searchPage = 5

// search is /search words: the published answers that have them, a page
// at a time, with a button to open each and to narrow them to a sector.
// Anyone may search; nobody's name or company is shown but the experts'.
func (b *Bot) search(ctx context.Context, r *req, args string) error {
	words := strings.TrimSpace(args)
	if len(storage.SearchWords(words)) == 0 {
		return r.send(ctx, r.t("search_what"), nil)
	}
	words = clipText(words, 200)
	id, err := r.tx.SaveSearch(ctx, r.user.ID, words)
	if err != nil {
		return err
	}
	text, kb, err := b.searchResults(ctx, r, id, words, 0, 0)
	if err != nil {
		return err
	}
	return r.send(ctx, text, kb)
}

// searchResults is a page of a search's results, in a sector or in all.
func (b *Bot) searchResults(ctx context.Context, r *req, id int64, words string, page, sector int) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	found, total, err := r.tx.Search(ctx, storage.Query{Words: storage.SearchWords(words), Sector: sector, Limit: searchPage, Offset: page * searchPage})
	if err != nil {
		return "", nil, err
	}
	sectors, err := r.tx.Sectors(ctx)
	if err != nil {
		return "", nil, err
	}
	sectorName := map[int]string{}
	for _, s := range sectors {
		sectorName[s.ID] = s.Name(r.lang)
	}
	var t strings.Builder
	if sector != 0 {
		t.WriteString(r.t("search_in", Escape(sectorName[sector])) + "\n")
	}
	if total == 0 {
		t.WriteString(r.t("search_none", Escape(words)))
	} else {
		t.WriteString(r.t("search_head", Escape(words), total, page*searchPage+1, page*searchPage+len(found)))
	}
	var open []tgbotapi.InlineKeyboardButton
	for _, f := range found {
		facts := []string{Escape(sectorName[f.SectorID]), r.t("status_" + f.Status), r.t("search_answers", f.Answers)}
		if f.Rating != nil {
			facts = append(facts, "★ "+formatDecimal(*f.Rating, r.lang))
		}
		fmt.Fprintf(&t, "\n\n<b>#%d</b> %s\n%s", f.ID, Escape(f.Title), strings.Join(facts, " · "))
		open = append(open, tgbotapi.NewInlineKeyboardButtonData(clipText(fmt.Sprintf("#%d %s", f.ID, f.Title), 40), callbackData("found", strconv.FormatInt(f.ID, 10))))
	}
	if page == 0 {
		// The experts' trend notes and the catalogue's entries with the
		// words, under the first page.
		notes, err := r.tx.SearchNotes(ctx, storage.SearchWords(words), sector, 3)
		if err != nil {
			return "", nil, err
		}
		if len(notes) > 0 {
			t.WriteString("\n\n" + r.t("search_notes"))
		}
		for _, n := range notes {
			fmt.Fprintf(&t, "\n📰 <i>%s</i> · %s", Escape(sectorName[n.SectorID]), Escape(clipText(n.Text, 300)))
		}
		entries, err := r.tx.SearchEntries(ctx, storage.SearchWords(words), sector, 3)
		if err != nil {
			return "", nil, err
		}
		if len(entries) > 0 {
			t.WriteString("\n\n" + r.t("search_catalogue"))
		}
		for _, e := range entries {
			fmt.Fprintf(&t, "\n%s %s · /%s", catalogueIcons[e.Kind], Escape(entryLabel(&e)), catalogueCommands[e.Kind])
		}
	}
	kb := keyboard(1, open...)
	s, sec := strconv.FormatInt(id, 10), strconv.Itoa(sector)
	var nav []tgbotapi.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_prev"), callbackData("srch", s, strconv.Itoa(page-1), sec)))
	}
	if (page+1)*searchPage < total {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_next"), callbackData("srch", s, strconv.Itoa(page+1), sec)))
	}
	if total > 0 || sector != 0 {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_sectors"), callbackData("srchsec", s)))
	}
	if len(nav) > 0 {
		kb.InlineKeyboard = append(kb.InlineKeyboard, nav)
	}
	if len(kb.InlineKeyboard) == 0 {
		kb = nil // none found, anywhere
	}
	return t.String(), kb, nil
}

// searchButton turns a search's pages, narrows it to a sector, or lists
// the sectors to choose from, in the message of the results. Only the
// person who searched can press them: the search is theirs.
func (b *Bot) searchButton(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	words, err := r.tx.SavedSearch(ctx, r.user.ID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	if err != nil {
		return err
	}
	var text string
	var kb *tgbotapi.InlineKeyboardMarkup
	if cb.action == "srchsec" {
		sectors, err := r.tx.Sectors(ctx)
		if err != nil {
			return err
		}
		s := strconv.FormatInt(id, 10)
		buttons := []tgbotapi.InlineKeyboardButton{tgbotapi.NewInlineKeyboardButtonData(r.t("stats_total"), callbackData("srch", s, "0", "0"))}
		for _, sec := range sectors {
			buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(sec.Name(r.lang), callbackData("srch", s, "0", strconv.Itoa(sec.ID))))
		}
		text, kb = r.t("search_head_sectors", Escape(words)), keyboard(2, buttons...)
	} else {
		page, _ := strconv.Atoi(cb.arg(1))
		sector, _ := strconv.Atoi(cb.arg(2))
		if text, kb, err = b.searchResults(ctx, r, id, words, max(page, 0), sector); err != nil {
			return err
		}
	}
	if err := r.answer(ctx, q, ""); err != nil || q.Message == nil {
		return err
	}
	return r.tx.Enqueue(ctx, editText(r.chat, int64(q.Message.MessageID), text, kb))
}

// openFound shows a published problem as search shows it to anyone: the
// problem, its experts' answers with their names and centres, the types
// of recommendation and the rating, and never its author.
func (b *Bot) openFound(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	text, err := b.foundText(ctx, r, id)
	if err != nil {
		return err
	}
	if text == "" {
		return r.answer(ctx, q, r.t("found_gone"))
	}
	if err := r.answer(ctx, q, ""); err != nil {
		return err
	}
	return r.send(ctx, text, metooKeyboard(r, id))
}

// metooKeyboard is the Me too button under a published problem.
func metooKeyboard(r *req, id int64) *tgbotapi.InlineKeyboardMarkup {
	return keyboard(1, tgbotapi.NewInlineKeyboardButtonData(r.t("btn_metoo"), callbackData("metoo", strconv.FormatInt(id, 10))))
}

// meToo records that the presser has the same problem, once, and tells
// them how many have it: its weight, which the experts and moderators see.
func (b *Bot) meToo(ctx context.Context, r *req, q *tgbotapi.CallbackQuery, cb callback) error {
	id, err := cb.intArg(0)
	if err != nil {
		return r.answer(ctx, q, r.t("button_expired"))
	}
	p, err := r.tx.Problem(ctx, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	switch {
	case err != nil || !p.Published() && p.Status != storage.StatusOpen && p.Status != storage.StatusTaken:
		return r.answer(ctx, q, r.t("found_gone"))
	case p.AuthorID == r.user.ID:
		return r.answer(ctx, q, r.t("metoo_own"))
	}
	added, n, err := r.tx.Support(ctx, id, r.user.ID)
	if err != nil {
		return err
	}
	if !added {
		return r.answer(ctx, q, r.t("metoo_already"))
	}
	if err := r.answer(ctx, q, r.t("metoo_counted", n+1)); err != nil {
		return err
	}
	// Where the answers will come, and how to say how their case differs:
	// a reply to this message.
	ids, err := r.tx.EnqueueIDs(ctx, textMessages(r.chat, r.t("metoo_welcome", p.ID, Escape(p.Title)), nil, storage.PriorityInteractive)...)
	if err != nil {
		return err
	}
	return r.tx.AddRelays(ctx, p.ID, nil, r.user.ID, ids)
}

// maxSupportLine is how long a supporter's line about their case may be.
const maxSupportLine = 500

// supporterLine keeps what a supporter wrote in reply to a copy of the
// problem they support, as their line about their own case, and passes it
// on to the experts who took or answered it, without their name.
func (b *Bot) supporterLine(ctx context.Context, r *req, p *storage.Problem, m *tgbotapi.Message) error {
	text, _ := messageContent(m)
	if text == "" {
		return r.send(ctx, r.t("metoo_line_text", maxSupportLine), nil)
	}
	if utf8.RuneCountInString(text) > maxSupportLine {
		return r.send(ctx, r.t("metoo_line_long", maxSupportLine), nil)
	}
	ok, err := r.tx.SetSupportLine(ctx, p.ID, r.user.ID, text)
	if err != nil {
		return err
	}
	if !ok {
		return r.send(ctx, r.t("not_allowed"), nil)
	}
	experts, err := r.tx.Answerers(ctx, p.ID)
	if err != nil {
		return err
	}
	if p.OwnerID != nil && !slices.Contains(experts, *p.OwnerID) {
		experts = append(experts, *p.OwnerID)
	}
	for _, id := range experts {
		u, err := r.tx.User(ctx, id)
		if err != nil {
			return err
		}
		lang := UserLang(u)
		if err := r.tx.Enqueue(ctx, textMessages(id, T(lang, "metoo_line_to_expert", p.ID, Escape(p.Title), Escape(text)), nil, storage.PriorityBulk)...); err != nil {
			return err
		}
	}
	return r.send(ctx, r.t("metoo_line_saved"), nil)
}

// deepLinkPrefix starts the /start argument of a link that opens a
// published problem: t.me/bot?start=p42.
const deepLinkPrefix = "p"

// problemLink is the link that opens a published problem in the bot, ""
// while the bot does not know its username.
func (b *Bot) problemLink(id int64) string {
	name := b.username.Load()
	if name == nil || *name == "" {
		return ""
	}
	return fmt.Sprintf("https://t.me/%s?start=%s%d", *name, deepLinkPrefix, id)
}

// foundText is a request as anyone may see it, never its author: a
// published one with its answers, or an open one (approved, with the
// experts), which a shared link lets others support; "" for any other.
func (b *Bot) foundText(ctx context.Context, r *req, id int64) (string, error) {
	p, err := r.tx.Problem(ctx, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return "", err
	}
	open := p != nil && p.MergedInto == nil && (p.Status == storage.StatusOpen || p.Status == storage.StatusTaken)
	if err != nil || !p.Published() && !open {
		return "", nil
	}
	sector, err := r.tx.Sector(ctx, p.SectorID)
	if err != nil {
		return "", err
	}
	msgs, err := r.tx.ThreadMessages(ctx, p.ID)
	if err != nil {
		return "", err
	}
	recs, err := r.tx.Recommendations(ctx, p.ID)
	if err != nil {
		return "", err
	}
	var t strings.Builder
	fmt.Fprintf(&t, "<b>#%d</b> · %s · %s\n\n<b>%s</b>\n%s", p.ID, Escape(sector.Name(r.lang)), r.t("status_"+p.Status), Escape(p.Title), Escape(p.Body))
	experts := map[int64]string{}
	for _, m := range msgs {
		if m.AuthorRole != "expert" || m.Text == "" {
			continue
		}
		name, ok := experts[m.AuthorID]
		if !ok {
			u, err := r.tx.User(ctx, m.AuthorID)
			if err != nil {
				return "", err
			}
			if name, err = expertName(ctx, r.tx, u, p.SectorID, r.lang); err != nil {
				return "", err
			}
			experts[m.AuthorID] = name
		}
		t.WriteString("\n\n" + r.t("found_answer", name) + "\n" + Escape(m.Text))
		if typ, ok := recs[m.ID]; ok {
			t.WriteString("\n<i>" + r.t("found_rec", r.t("rec_"+typ)) + "</i>")
		}
	}
	return t.String(), nil
}

// hideFromSearch is a moderator's /hide N and /unhide N.
func (b *Bot) hideFromSearch(ctx context.Context, r *req, hide bool, args string) error {
	id, _, ok := problemNumber(args)
	if !ok {
		return r.send(ctx, r.t("usage", map[bool]string{true: "/hide N", false: "/unhide N"}[hide]), nil)
	}
	if _, err := r.tx.Problem(ctx, id); errors.Is(err, storage.ErrNotFound) {
		return r.send(ctx, r.t("not_found", id), nil)
	} else if err != nil {
		return err
	}
	if err := r.tx.HideProblem(ctx, id, hide); err != nil {
		return err
	}
	action := map[bool]string{true: "hide", false: "unhide"}[hide]
	if err := r.tx.Audit(ctx, r.user.ID, action, &id, "", ""); err != nil {
		return err
	}
	return r.send(ctx, r.t(map[bool]string{true: "mod_hidden", false: "mod_unhidden"}[hide], id), nil)
}

// article is an inline query's result that sends a message: one of the
// Bot API's InlineQueryResultArticle, with only the fields it uses.
type article struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Content     struct {
		Text      string `json:"message_text"`
		ParseMode string `json:"parse_mode"`
	} `json:"input_message_content"`
	ReplyMarkup *tgbotapi.InlineKeyboardMarkup `json:"reply_markup,omitempty"`
}

// answerInline answers "@bot words" typed in any chat with the published
// answers that have the words, so that an expert or a committee member
// drops a verified answer into a sector's group: each result sends the
// problem's title and its first answer with the expert's name. Nothing of
// the person asking is kept.
func (b *Bot) answerInline(ctx context.Context, tx *storage.Tx, q *tgbotapi.InlineQuery) error {
	lang := languageFor("", q.From.LanguageCode)
	results := []article{}
	if words := storage.SearchWords(q.Query); len(words) > 0 {
		found, _, err := tx.Search(ctx, storage.Query{Words: words, Limit: 10})
		if err != nil {
			return err
		}
		for _, f := range found {
			msgs, err := tx.ThreadMessages(ctx, f.ID)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(msgs, func(m storage.ThreadMessage) bool { return m.AuthorRole == "expert" && m.Text != "" })
			if i < 0 {
				continue
			}
			expert, err := tx.User(ctx, msgs[i].AuthorID)
			if err != nil {
				return err
			}
			name, err := expertName(ctx, tx, expert, f.SectorID, lang)
			if err != nil {
				return err
			}
			a := article{Type: "article", ID: strconv.FormatInt(f.ID, 10), Title: fmt.Sprintf("#%d %s", f.ID, f.Title),
				Description: clipText(msgs[i].Text, 120)}
			a.Content.Text = fmt.Sprintf("<b>#%d %s</b>\n\n%s\n%s", f.ID, Escape(f.Title), T(lang, "found_answer", name), Escape(clipText(msgs[i].Text, 3000)))
			a.Content.ParseMode = tgbotapi.ModeHTML
			if link := b.problemLink(f.ID); link != "" {
				a.ReplyMarkup = keyboard(1, tgbotapi.NewInlineKeyboardButtonURL(T(lang, "btn_open_in_bot"), link))
			}
			results = append(results, a)
		}
	}
	raw, err := json.Marshal(results)
	if err != nil {
		return err
	}
	p := tgbotapi.Params{"inline_query_id": q.ID, "results": string(raw), "cache_time": "300"}
	return tx.Enqueue(ctx, storage.Call{ChatID: q.From.ID, Method: "answerInlineQuery", Params: storage.Params(p), Priority: storage.PriorityInteractive})
}

// start is /start: the language question, which greets a newcomer; with a
// link's argument (start=p42) the published problem it opens comes first,
// and a newcomer is asked their language after it.
func (b *Bot) start(ctx context.Context, r *req, args string) error {
	if n, ok := strings.CutPrefix(strings.TrimSpace(args), deepLinkPrefix); ok {
		if id, err := strconv.ParseInt(n, 10, 64); err == nil && id > 0 {
			text, err := b.foundText(ctx, r, id)
			if err != nil {
				return err
			}
			var kb *tgbotapi.InlineKeyboardMarkup
			if text == "" {
				text = r.t("found_gone")
			} else {
				kb = metooKeyboard(r, id)
			}
			if err := r.send(ctx, text, kb); err != nil {
				return err
			}
			if r.user.Language != "" {
				return nil
			}
		}
	}
	return b.askLanguage(ctx, r, true)
}
