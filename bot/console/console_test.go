package console_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/bot/console"
	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

// site is the console on a test server with a moderator and an
// entrepreneur, each able to get a link.
type site struct {
	t   *testing.T
	db  *storage.DB
	srv *httptest.Server
}

func newSite(t *testing.T) *site {
	t.Helper()
	db, _ := storagetest.NewDB(t)
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		for _, u := range []storage.User{{ID: 10, FirstName: "Асель", Language: "ru"}, {ID: 20, FirstName: "Ерлан", Language: "kk"}} {
			if _, err := tx.TouchUser(context.Background(), u); err != nil {
				return err
			}
		}
		return tx.SetRole(context.Background(), 10, storage.RoleModerator)
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(console.New(db, bot.Kazakhstan, false, botToken, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return &site{t: t, db: db, srv: srv}
}

// link is a one-time link's token for a user, valid for ttl.
func (s *site) link(user int64, ttl time.Duration) string {
	s.t.Helper()
	var token string
	err := s.db.InTx(context.Background(), func(tx *storage.Tx) (err error) {
		token, err = tx.ConsoleLink(context.Background(), user, ttl)
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return token
}

// do makes a request with the given cookie and returns its status, body
// and the session cookie it set, if any.
func (s *site) do(method, path, cookie string, form url.Values) (int, string, string) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.srv.URL+path, strings.NewReader(form.Encode()))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "expertbot_console", Value: cookie})
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	set := ""
	for _, c := range resp.Cookies() {
		if c.Name == "expertbot_console" {
			set = c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				s.t.Errorf("the session cookie is not HttpOnly and SameSite=Strict: %+v", c)
			}
		}
	}
	return resp.StatusCode, string(body), set
}

// A link signs a moderator in once; used again, out of date, or for
// someone who is not a moderator, it signs nobody in.
func TestLinkSignsInOnce(t *testing.T) {
	s := newSite(t)
	token := s.link(10, 10*time.Minute)
	status, _, session := s.do("GET", "/console/login?t="+token, "", nil)
	if status != http.StatusOK || session == "" {
		t.Fatalf("the link answered %d with session %q", status, session)
	}
	if status, body, _ := s.do("GET", "/console/", session, nil); status != http.StatusOK || !strings.Contains(body, bot.T("ru", "console_queue_title", 0)) {
		t.Errorf("the console with the session: %d %q", status, body)
	}
	for name, token := range map[string]string{
		"used again":      token,
		"out of date":     s.link(10, -time.Second),
		"not a moderator": s.link(20, 10*time.Minute),
		"made up":         "abc",
	} {
		status, body, session := s.do("GET", "/console/login?t="+token, "", nil)
		if status != http.StatusUnauthorized || session != "" || !strings.Contains(body, bot.T("ru", "console_link_bad")) {
			t.Errorf("a link %s answered %d, session %q:\n%s", name, status, session, body)
		}
	}
}

// Every page and action refuses a request without a valid session, and a
// form without the session's CSRF token; signing out ends the session.
func TestPagesNeedSessionAndForms(t *testing.T) {
	s := newSite(t)
	_, _, session := s.do("GET", "/console/login?t="+s.link(10, time.Minute), "", nil)
	for _, c := range []struct{ method, path, cookie string }{
		{"GET", "/console/", ""},
		{"GET", "/console/", "not-a-session"},
		{"GET", "/console/problems", ""},
		{"GET", "/console/problems/1", ""},
		{"POST", "/console/logout", ""},
	} {
		if status, _, _ := s.do(c.method, c.path, c.cookie, url.Values{}); status != http.StatusUnauthorized {
			t.Errorf("%s %s with cookie %q answered %d, want 401", c.method, c.path, c.cookie, status)
		}
	}
	if status, _, _ := s.do("POST", "/console/logout", session, url.Values{"csrf": {"forged"}}); status != http.StatusForbidden {
		t.Errorf("signing out with a forged CSRF token answered %d, want 403", status)
	}
	_, page, _ := s.do("GET", "/console/", session, nil)
	csrf := page[strings.Index(page, `name="csrf" value="`)+len(`name="csrf" value="`):]
	csrf = csrf[:strings.Index(csrf, `"`)]
	if status, _, _ := s.do("POST", "/console/logout", session, url.Values{"csrf": {csrf}}); status != http.StatusOK {
		t.Errorf("signing out answered %d", status)
	}
	if status, _, _ := s.do("GET", "/console/", session, nil); status != http.StatusUnauthorized {
		t.Errorf("the session after signing out answered %d, want 401", status)
	}
}

// The list of requests filters by status and words, and a request's page
// shows its text, author, history and thread.
func TestRequestsListedAndRead(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	var id int64
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		sectors, err := tx.Sectors(ctx)
		if err != nil {
			return err
		}
		regions, err := tx.Regions(ctx)
		if err != nil {
			return err
		}
		for i, title := range []string{"Зерносушилка шумит", "Трещины в газоблоке"} {
			if id, err = tx.CreateProblem(ctx, &storage.Problem{AuthorID: 20, Kind: "problem", SectorID: sectors[i].ID, RegionID: regions[0].ID,
				Title: title, Body: "Подробности: " + title}, nil, storage.StatusOpen); err != nil {
				return err
			}
		}
		answer := &storage.ThreadMessage{ProblemID: id, AuthorID: 10, AuthorRole: "expert",
			Text: "Проверьте режим автоклава.", ChatID: 10, TgMessageID: 1}
		if _, err = tx.AddMessage(ctx, answer); err != nil {
			return err
		}
		// A recommendation in progress, then implemented with a comment.
		rec, _, err := tx.Recommend(ctx, answer.ID, id, "technology")
		if err != nil {
			return err
		}
		for _, c := range [][2]string{{"in_progress", ""}, {"implemented", ""}, {"implemented", "Режим изменили, трещин нет."}} {
			if _, err := tx.SetImplementation(ctx, rec, c[0], c[1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _, session := s.do("GET", "/console/login?t="+s.link(10, time.Minute), "", nil)
	for query, want := range map[string][]string{
		"":                       {"Зерносушилка шумит", "Трещины в газоблоке"},
		"?q=газоблоков":          {"Трещины в газоблоке"},
		"?q=автоклав":            {"Трещины в газоблоке"}, // in the answer
		"?status=answered":       nil,
		"?status=open&q=сушилка": nil, // all the words, in some form: "сушилка" is not "зерносушилка"
		"?status=open&q=зерносушилки": {"Зерносушилка шумит"},
	} {
		status, body, _ := s.do("GET", "/console/problems"+query, session, nil)
		if status != http.StatusOK || !strings.Contains(body, bot.T("ru", "console_found", len(want))) {
			t.Errorf("%q: %d, want %d found:\n%s", query, status, len(want), body)
		}
		for _, title := range want {
			if !strings.Contains(body, title) {
				t.Errorf("%q does not list %q", query, title)
			}
		}
	}
	status, body, _ := s.do("GET", "/console/problems/"+strconv.FormatInt(id, 10), session, nil)
	for _, want := range []string{"Подробности: Трещины в газоблоке", "Ерлан", "Проверьте режим автоклава.", bot.T("ru", "status_open"),
		bot.T("ru", "impl_in_progress"), bot.T("ru", "impl_implemented") + " — <i>Режим изменили, трещин нет.</i>"} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the request's page (%d) lacks %q", status, want)
		}
	}
	if status, _, _ := s.do("GET", "/console/problems/999999", session, nil); status != http.StatusNotFound {
		t.Errorf("an unknown request answered %d, want 404", status)
	}
}

// botToken is the token the test console checks initData with.
const botToken = "123456:TEST-token"

// initData is what Telegram gives a Mini App opened by user at authDate,
// signed with token as Telegram signs it.
func initData(user int64, authDate time.Time, token string) string {
	v := url.Values{
		"auth_date": {strconv.FormatInt(authDate.Unix(), 10)},
		"query_id":  {"AAHdF6IQAAAAAN0XohDhrOrc"},
		"user":      {`{"id":` + strconv.FormatInt(user, 10) + `,"first_name":"Асель","language_code":"ru"}`},
	}
	keys := []string{"auth_date", "query_id", "user"}
	var lines []string
	for _, k := range keys {
		lines = append(lines, k+"="+v.Get(k))
	}
	key := hmac.New(sha256.New, []byte("WebAppData"))
	key.Write([]byte(token))
	mac := hmac.New(sha256.New, key.Sum(nil))
	mac.Write([]byte(strings.Join(lines, "\n")))
	v.Set("hash", hex.EncodeToString(mac.Sum(nil)))
	return v.Encode()
}

// A Mini App signs a moderator in with Telegram's initData; a wrong hash,
// an old auth_date or someone not a moderator signs nobody in.
func TestMiniAppSignIn(t *testing.T) {
	s := newSite(t)
	now := time.Now()
	for name, c := range map[string]struct {
		data string
		want int
	}{
		"Telegram's, fresh":   {initData(10, now, botToken), http.StatusNoContent},
		"signed with another": {initData(10, now, "654321:OTHER"), http.StatusUnauthorized},
		"two hours old":       {initData(10, now.Add(-2*time.Hour), botToken), http.StatusUnauthorized},
		"not a moderator":     {initData(20, now, botToken), http.StatusUnauthorized},
		"the user changed":    {strings.Replace(initData(10, now, botToken), "%3A10%2C", "%3A20%2C", 1), http.StatusUnauthorized},
		"no initData at all":  {"", http.StatusUnauthorized},
	} {
		status, _, session := s.do("POST", "/console/webapp", "", url.Values{"initData": {c.data}})
		if status != c.want || (status == http.StatusNoContent) != (session != "") {
			t.Errorf("%s: %d with session %q, want %d", name, status, session, c.want)
		}
	}
	if status, body, _ := s.do("GET", "/console/app", "", nil); status != http.StatusOK || !strings.Contains(body, `src="/console/app.js"`) {
		t.Errorf("the Mini App's page: %d %q", status, body)
	}
	if status, body, _ := s.do("GET", "/console/app.js", "", nil); status != http.StatusOK || !strings.Contains(body, "tgWebAppData") {
		t.Errorf("the Mini App's script: %d %q", status, body)
	}
}

// An observer sees only published requests, the experts' answers and no
// one's personal data: not the author's name, company or BIN, nor what
// entrepreneurs wrote in the thread; not the moderation queue.
func TestObserverSeesNoPersonalData(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	var published, open int64
	err := s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.TouchUser(ctx, storage.User{ID: 30, FirstName: "Committee", Language: "en"}); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, 30, storage.RoleObserver); err != nil {
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
		for _, p := range []struct {
			id     *int64
			title  string
			status string
		}{{&published, "Зерносушилка шумит", storage.StatusAnswered}, {&open, "Теплица остывает ночью", storage.StatusOpen}} {
			if *p.id, err = tx.CreateProblem(ctx, &storage.Problem{AuthorID: 20, Kind: "problem", SectorID: sectors[0].ID, RegionID: regions[0].ID,
				Title: p.title, Body: "Подробности: " + p.title, Company: "ТОО Береке", BIN: "040340002192"}, nil, p.status); err != nil {
				return err
			}
		}
		for _, m := range []storage.ThreadMessage{
			{ProblemID: published, AuthorID: 10, AuthorRole: "expert", Text: "Замените вентиляторы.", ChatID: 10, TgMessageID: 1},
			{ProblemID: published, AuthorID: 20, AuthorRole: "entrepreneur", Text: "Звоните мне: +7 701 555 1234", ChatID: 20, TgMessageID: 2},
		} {
			if _, err := tx.AddMessage(ctx, &m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _, session := s.do("GET", "/console/login?t="+s.link(30, time.Minute), "", nil)
	if session == "" {
		t.Fatal("an observer's link signed nobody in")
	}
	if status, _, _ := s.do("GET", "/console/", session, nil); status != http.StatusSeeOther {
		t.Errorf("the queue answered an observer %d, want a redirect to the requests", status)
	}
	pages := map[string]int{
		"/console/problems":                                     http.StatusOK,
		"/console/problems?q=зерносушилка":                      http.StatusOK,
		"/console/problems/" + strconv.FormatInt(published, 10): http.StatusOK,
		"/console/problems/" + strconv.FormatInt(open, 10):      http.StatusNotFound,
	}
	for path, want := range pages {
		status, body, _ := s.do("GET", path, session, nil)
		if status != want {
			t.Errorf("%s answered an observer %d, want %d", path, status, want)
		}
		for _, private := range []string{"Ерлан", "ТОО Береке", "040340002192", "+7 701 555 1234", "Теплица остывает"} {
			if strings.Contains(body, private) {
				t.Errorf("%s shows an observer %q", path, private)
			}
		}
	}
	if _, body, _ := s.do("GET", "/console/problems/"+strconv.FormatInt(published, 10), session, nil); !strings.Contains(body, "Замените вентиляторы.") {
		t.Errorf("an observer does not see the expert's answer:\n%s", body)
	}
}
