// Package console is the moderators' web console, served under /console/
// by the bot's own HTTP server. Nobody has a password: the bot's /web
// sends a moderator a one-time link (valid ten minutes), which opens a
// session kept in an HttpOnly, SameSite=Strict cookie. Every request
// checks the session and the user's role in the database; every form
// carries the session's CSRF token.
package console

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/storage"
)

// Path is where the console is served.
const Path = "/console/"

const (
	cookieName = "expertbot_console"
	sessionTTL = 12 * time.Hour
)

//go:embed templates
var files embed.FS

//go:embed static
var staticFiles embed.FS

// static is the console's one script, for the Mini App.
var static, _ = fs.Sub(staticFiles, "static")

var pages = template.Must(template.New("").Funcs(template.FuncMap{"t": bot.T}).ParseFS(files, "templates/*.html"))

// Console serves the console's pages.
type Console struct {
	db     *storage.DB
	token  string // the bot's, which signs a Mini App's initData
	zone   *time.Location
	secure bool // the cookie only over HTTPS
	log    *slog.Logger
}

// New returns the console's handler. Secure marks the session cookie for
// HTTPS only, as it must be wherever the console is public; token is the
// bot's, for the Mini App's sign-in.
func New(db *storage.DB, zone *time.Location, secure bool, token string, log *slog.Logger) http.Handler {
	c := &Console{db: db, zone: zone, secure: secure, token: token, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Path+"login", c.login)
	mux.HandleFunc("GET "+Path+"app", c.app)
	mux.HandleFunc("POST "+Path+"webapp", c.webapp)
	mux.Handle("GET "+Path+"app.js", http.StripPrefix(Path, http.FileServerFS(static)))
	mux.Handle("GET "+Path+"{$}", c.signedIn(c.queue))
	mux.Handle("POST "+Path+"logout", c.signedIn(c.logout))
	mux.Handle("GET "+Path+"problems", c.signedIn(c.problems))
	mux.Handle("GET "+Path+"problems/{id}", c.signedIn(c.problem))
	mux.HandleFunc(Path, func(w http.ResponseWriter, r *http.Request) {
		c.page(w, r, http.StatusNotFound, "notfound", view{Lang: askedLang(r)})
	})
	return mux
}

// view is what a page shows.
type view struct {
	Lang string
	User *storage.User
	CSRF string
	Zone *time.Location
	Data any
}

// login spends a one-time link and opens a session. It answers with a
// page that goes on to the console rather than a redirect: the link comes
// from Telegram, another site, and a SameSite=Strict cookie would not be
// sent along a redirect that started there.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	c.openSession(w, r, func(tx *storage.Tx) (int64, error) { return tx.UseConsoleLink(r.Context(), r.FormValue("t")) },
		func(lang string) { c.page(w, r, http.StatusOK, "signedin", view{Lang: lang}) })
}

// openSession opens a session for the user who returns, when a
// moderator, sets its cookie and calls done with their language; anyone
// else is told the link is bad.
func (c *Console) openSession(w http.ResponseWriter, r *http.Request, who func(*storage.Tx) (int64, error), done func(lang string)) {
	lang := askedLang(r)
	var token string
	err := c.db.InTx(r.Context(), func(tx *storage.Tx) error {
		id, err := who(tx)
		if err != nil {
			return err
		}
		u, err := tx.User(r.Context(), id)
		if err != nil {
			return err
		}
		if !u.MaySignIn() {
			return storage.ErrNotFound
		}
		lang = bot.UserLang(u)
		token, err = tx.OpenConsoleSession(r.Context(), id, sessionTTL)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		c.page(w, r, http.StatusUnauthorized, "signin", view{Lang: lang, Data: "console_link_bad"})
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: Path, MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteStrictMode})
	done(lang)
}

// signedIn runs a page for a moderator or an observer with a session,
// checking the CSRF token of a form; anyone else is asked to sign in
// through the bot. Each page decides what an observer sees of it.
func (c *Console) signedIn(next func(http.ResponseWriter, *http.Request, *view, *storage.Tx) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cookie, err := r.Cookie(cookieName)
		if err != nil {
			c.page(w, r, http.StatusUnauthorized, "signin", view{Lang: askedLang(r)})
			return
		}
		var v view
		status := http.StatusOK
		err = c.db.InTx(r.Context(), func(tx *storage.Tx) error {
			s, err := tx.ConsoleSession(r.Context(), cookie.Value)
			if errors.Is(err, storage.ErrNotFound) {
				status = http.StatusUnauthorized
				return nil
			} else if err != nil {
				return err
			}
			u, err := tx.User(r.Context(), s.UserID)
			if err != nil {
				return err
			}
			v = view{Lang: bot.UserLang(u), User: u, CSRF: s.CSRF, Zone: c.zone}
			switch {
			case !u.MaySignIn():
				status = http.StatusForbidden
				return nil
			case r.Method == http.MethodPost && subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.CSRF)) != 1:
				status = http.StatusForbidden
				return nil
			}
			return next(w, r, &v, tx)
		})
		switch {
		case err != nil:
			c.fail(w, r, err)
		case status == http.StatusUnauthorized:
			c.page(w, r, status, "signin", view{Lang: askedLang(r)})
		case status == http.StatusForbidden:
			c.page(w, r, status, "forbidden", v)
		}
	})
}

// queue is the console's first page: the requests waiting for moderation.
func (c *Console) queue(w http.ResponseWriter, r *http.Request, v *view, tx *storage.Tx) error {
	if !v.User.IsModerator() {
		// An observer's first page is the published requests.
		http.Redirect(w, r, Path+"problems", http.StatusSeeOther)
		return nil
	}
	waiting, err := tx.ProblemsByStatus(r.Context(), []string{storage.StatusPendingModeration}, 200)
	if err != nil {
		return err
	}
	sectors, err := tx.Sectors(r.Context())
	if err != nil {
		return err
	}
	names := namesOf(sectors, v.Lang)
	type row struct{ ID, Received, Sector, Title, Author string }
	rows := make([]row, len(waiting))
	for i, p := range waiting {
		author, err := tx.User(r.Context(), p.AuthorID)
		if err != nil {
			return err
		}
		rows[i] = row{strconv.FormatInt(p.ID, 10), p.CreatedAt.In(c.zone).Format("02.01.2006 15:04"), names[p.SectorID],
			p.Title, strings.TrimSpace(author.FirstName + " " + author.LastName)}
	}
	v.Data = rows
	c.page(w, r, http.StatusOK, "queue", *v)
	return nil
}

// pageSize is how many requests a page of the list shows.
const pageSize = 50

// statuses are the states the list filters by, in a request's order.
var statuses = []string{storage.StatusPendingModeration, storage.StatusOpen, storage.StatusTaken, storage.StatusAnswered,
	storage.StatusResolved, storage.StatusClosed, storage.StatusRejected}

// problems is every request, filtered by status, sector, region, period
// and words, a page at a time.
func (c *Console) problems(w http.ResponseWriter, r *http.Request, v *view, tx *storage.Tx) error {
	ctx := r.Context()
	f := storage.Filter{Words: storage.SearchWords(r.FormValue("q")), Published: !v.User.IsModerator()}
	if s := r.FormValue("status"); slices.Contains(statuses, s) {
		f.Status = s
	}
	f.Sector, _ = strconv.Atoi(r.FormValue("sector"))
	f.Region, _ = strconv.Atoi(r.FormValue("region"))
	if t, err := time.ParseInLocation("2006-01-02", r.FormValue("from"), c.zone); err == nil {
		f.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", r.FormValue("to"), c.zone); err == nil {
		f.To = t.AddDate(0, 0, 1) // the whole last day
	}
	page, _ := strconv.Atoi(r.FormValue("page"))
	page = max(page, 0)
	found, total, err := tx.FilterProblems(ctx, f, pageSize, page*pageSize)
	if err != nil {
		return err
	}
	sectors, err := tx.Sectors(ctx)
	if err != nil {
		return err
	}
	regions, err := tx.Regions(ctx)
	if err != nil {
		return err
	}
	sectorName, regionName := namesOf(sectors, v.Lang), namesOf(regions, v.Lang)
	type row struct{ ID, Received, Status, Sector, Region, Title string }
	rows := make([]row, len(found))
	for i, p := range found {
		rows[i] = row{strconv.FormatInt(p.ID, 10), p.CreatedAt.In(c.zone).Format("02.01.2006 15:04"), bot.T(v.Lang, "status_"+p.Status),
			sectorName[p.SectorID], regionName[p.RegionID], p.Title}
	}
	type option struct {
		Value, Label string
		Chosen       bool
	}
	options := func(list []storage.Named, chosen int) []option {
		out := []option{{"", "—", chosen == 0}}
		for _, n := range list {
			out = append(out, option{strconv.Itoa(n.ID), n.Name(v.Lang), n.ID == chosen})
		}
		return out
	}
	states := []option{{"", "—", f.Status == ""}}
	for _, s := range statuses {
		states = append(states, option{s, bot.T(v.Lang, "status_"+s), s == f.Status})
	}
	// The same filter, another page.
	more := func(p int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		return "?" + q.Encode()
	}
	data := struct {
		Rows                     []row
		Total, First, Last       int
		Prev, Next               string
		States, Sectors, Regions []option
		Words, From, To          string
	}{Rows: rows, Total: total, First: page*pageSize + 1, Last: page*pageSize + len(rows),
		States: states, Sectors: options(sectors, f.Sector), Regions: options(regions, f.Region),
		Words: r.FormValue("q"), From: r.FormValue("from"), To: r.FormValue("to")}
	if page > 0 {
		data.Prev = more(page - 1)
	}
	if (page+1)*pageSize < total {
		data.Next = more(page + 1)
	}
	v.Data = data
	c.page(w, r, http.StatusOK, "problems", *v)
	return nil
}

// problem is one request as moderators see it: its text, author, status
// history, every message of its thread, supporters and ratings.
func (c *Console) problem(w http.ResponseWriter, r *http.Request, v *view, tx *storage.Tx) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		c.page(w, r, http.StatusNotFound, "notfound", *v)
		return nil
	}
	p, err := tx.ProblemToRead(ctx, id)
	observer := !v.User.IsModerator()
	if err == nil && observer && !p.Published() {
		err = storage.ErrNotFound // an observer sees what search shows anyone
	}
	if errors.Is(err, storage.ErrNotFound) {
		c.page(w, r, http.StatusNotFound, "notfound", *v)
		return nil
	} else if err != nil {
		return err
	}
	name := func(uid int64) (string, error) {
		u, err := tx.User(ctx, uid)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(u.FirstName + " " + u.LastName), nil
	}
	// An observer never sees who wrote a request, nor their company.
	author, company, bin := "", "", ""
	if !observer {
		if author, err = name(p.AuthorID); err != nil {
			return err
		}
		company, bin = p.Company, p.BIN
	}
	sector, err := tx.Sector(ctx, p.SectorID)
	if err != nil {
		return err
	}
	region, err := tx.Region(ctx, p.RegionID)
	if err != nil {
		return err
	}
	events, err := tx.Events(ctx, p.ID)
	if err != nil {
		return err
	}
	msgs, err := tx.ThreadMessages(ctx, p.ID)
	if err != nil {
		return err
	}
	supporters, err := tx.ProblemSupporters(ctx, p.ID)
	if err != nil {
		return err
	}
	type line struct{ At, Who, Text string }
	var history, thread []line
	for _, e := range events {
		who := bot.T(v.Lang, "the_bot")
		if observer {
			who = "" // the author's own steps are among them
		} else if e.ActorID != nil {
			if who, err = name(*e.ActorID); err != nil {
				return err
			}
		}
		history = append(history, line{e.At.In(c.zone).Format("02.01.2006 15:04"), who, bot.T(v.Lang, "status_"+e.To)})
	}
	for _, m := range msgs {
		if observer && m.AuthorRole != "expert" {
			continue // the experts' answers, as search shows them
		}
		who, err := name(m.AuthorID)
		if err != nil {
			return err
		}
		thread = append(thread, line{m.CreatedAt.In(c.zone).Format("02.01.2006 15:04"), who + " (" + bot.T(v.Lang, "role_"+m.AuthorRole) + ")", m.Text})
	}
	courses, err := tx.Courses(ctx, p.ID)
	if err != nil {
		return err
	}
	type course struct {
		Type   string
		Checks []line
	}
	var recs []course
	for _, rc := range courses {
		one := course{Type: bot.T(v.Lang, "rec_"+rc.Type)}
		for _, ch := range rc.Checks {
			comment := ch.Comment
			if observer {
				comment = "" // the entrepreneur's words
			}
			one.Checks = append(one.Checks, line{ch.At.In(c.zone).Format("02.01.2006"), bot.T(v.Lang, "impl_"+ch.Status), comment})
		}
		recs = append(recs, one)
	}
	var lines []string
	for _, s := range supporters {
		if s.Line != "" && !observer {
			lines = append(lines, s.Line)
		}
	}
	v.Data = struct {
		P                      *storage.Problem
		Status, Sector, Region string
		Author, Company, BIN   string
		History, Thread        []line
		Recommendations        []course
		Supporters             int
		Lines                  []string
	}{p, bot.T(v.Lang, "status_"+p.Status), sector.Name(v.Lang), region.Name(v.Lang), author, company, bin, history, thread, recs, len(supporters), lines}
	c.page(w, r, http.StatusOK, "problem", *v)
	return nil
}

// logout ends the session.
func (c *Console) logout(w http.ResponseWriter, r *http.Request, v *view, tx *storage.Tx) error {
	cookie, _ := r.Cookie(cookieName)
	if err := tx.RevokeConsoleSession(r.Context(), cookie.Value); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Path: Path, MaxAge: -1, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteStrictMode})
	c.page(w, r, http.StatusOK, "signin", view{Lang: v.Lang, Data: "console_signed_out"})
	return nil
}

func (c *Console) page(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	var b strings.Builder
	if err := pages.ExecuteTemplate(&b, name+".html", v); err != nil {
		c.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, context.Canceled) {
		c.log.Error("console", "path", r.URL.Path, "err", err)
	}
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// namesOf maps reference rows' ids to their names in a language.
func namesOf(list []storage.Named, lang string) map[int]string {
	m := make(map[int]string, len(list))
	for _, n := range list {
		m[n.ID] = n.Name(lang)
	}
	return m
}

// askedLang is the language a browser asks for first among the bot's,
// Russian when none.
func askedLang(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if lang, _, _ := strings.Cut(strings.ToLower(tag), "-"); lang == "kk" || lang == "ru" || lang == "en" {
			return lang
		}
	}
	return "ru"
}
