package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/storage"
)

// initDataAge is how old a Mini App's initData may be to sign in with.
const initDataAge = time.Hour

var errInitData = errors.New("console: initData is not Telegram's or is out of date")

// initDataUser checks a Mini App's initData as Telegram describes: its
// hash is the HMAC-SHA256 of its other fields, sorted, one key=value a
// line, keyed with the HMAC-SHA256 of the bot's token keyed with
// "WebAppData"; auth_date is recent. It returns the Telegram user's id.
func initDataUser(data, token string, now time.Time) (int64, error) {
	vals, err := url.ParseQuery(data)
	if err != nil || token == "" {
		return 0, errInitData
	}
	got, err := hex.DecodeString(vals.Get("hash"))
	if err != nil {
		return 0, errInitData
	}
	var lines []string
	for k := range vals {
		if k != "hash" {
			lines = append(lines, k+"="+vals.Get(k))
		}
	}
	slices.Sort(lines)
	key := hmac.New(sha256.New, []byte("WebAppData"))
	key.Write([]byte(token))
	mac := hmac.New(sha256.New, key.Sum(nil))
	mac.Write([]byte(strings.Join(lines, "\n")))
	if !hmac.Equal(mac.Sum(nil), got) {
		return 0, errInitData
	}
	at, err := strconv.ParseInt(vals.Get("auth_date"), 10, 64)
	if age := now.Sub(time.Unix(at, 0)); err != nil || age > initDataAge || age < -time.Minute {
		return 0, errInitData
	}
	var user struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(vals.Get("user")), &user); err != nil || user.ID == 0 {
		return 0, errInitData
	}
	return user.ID, nil
}

// app is the page a Mini App opens: its script sends the initData
// Telegram gave it and, signed in, goes on to the console.
func (c *Console) app(w http.ResponseWriter, r *http.Request) {
	c.page(w, r, http.StatusOK, "app", view{Lang: askedLang(r)})
}

// webapp signs a moderator in with a Mini App's initData.
func (c *Console) webapp(w http.ResponseWriter, r *http.Request) {
	id, err := initDataUser(r.PostFormValue("initData"), c.token, time.Now())
	if err != nil {
		http.Error(w, bot.T(askedLang(r), "console_link_bad"), http.StatusUnauthorized)
		return
	}
	c.openSession(w, r, func(*storage.Tx) (int64, error) { return id, nil }, func(string) { w.WriteHeader(http.StatusNoContent) })
}
