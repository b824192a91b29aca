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
	"log/slog"
	"net/http"
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

var pages = template.Must(template.New("").Funcs(template.FuncMap{"t": bot.T}).ParseFS(files, "templates/*.html"))

// Console serves the console's pages.
type Console struct {
	db     *storage.DB
	zone   *time.Location
	secure bool // the cookie only over HTTPS
	log    *slog.Logger
}

// New returns the console's handler. Secure marks the session cookie for
// HTTPS only, as it must be wherever the console is public.
func New(db *storage.DB, zone *time.Location, secure bool, log *slog.Logger) http.Handler {
	c := &Console{db: db, zone: zone, secure: secure, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Path+"login", c.login)
	mux.Handle("GET "+Path+"{$}", c.signedIn(c.queue))
	mux.Handle("POST "+Path+"logout", c.signedIn(c.logout))
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
	lang := askedLang(r)
	var token string
	err := c.db.InTx(r.Context(), func(tx *storage.Tx) error {
		id, err := tx.UseConsoleLink(r.Context(), r.FormValue("t"))
		if err != nil {
			return err
		}
		u, err := tx.User(r.Context(), id)
		if err != nil {
			return err
		}
		if !u.IsModerator() {
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
	c.page(w, r, http.StatusOK, "signedin", view{Lang: lang})
}

// signedIn runs a page for a moderator with a session, checking the CSRF
// token of a form; anyone else is asked to sign in through the bot.
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
			case !u.IsModerator():
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
	waiting, err := tx.ProblemsByStatus(r.Context(), []string{storage.StatusPendingModeration}, 200)
	if err != nil {
		return err
	}
	sectors, err := tx.Sectors(r.Context())
	if err != nil {
		return err
	}
	names := map[int]string{}
	for _, s := range sectors {
		names[s.ID] = s.Name(v.Lang)
	}
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
