package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/bot/telegram/telegramtest"
	"github.com/atameken/expertbot/storage/storagetest"
)

// TestSandboxStartsItsOwnPostgres runs "expertbot sandbox" as a fresh
// machine would: no DATABASE_URL, no token, no address. It must start a
// PostgreSQL of its own, print the address to open, serve the page and
// the demonstration network there, and leave nothing behind on SIGTERM.
func TestSandboxStartsItsOwnPostgres(t *testing.T) {
	t.Parallel()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	// The sandbox's TMPDIR, where PostgreSQL, which runs as postgres when we
	// are root, can reach it (a test's TempDir is private to us).
	tmp, err := os.MkdirTemp("", "sandbox-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	os.Chmod(tmp, 0o755)
	cmd := exec.Command(bin, "sandbox")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + tmp, "HTTP_ADDR=" + addr}
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	var logs bytes.Buffer
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			if _, rest, ok := strings.Cut(sc.Text(), "expertbot sandbox: open "); ok {
				found <- strings.Fields(rest)[0]
			}
		}
		close(found)
	}()
	var url string
	select {
	case url = <-found:
	case <-time.After(90 * time.Second):
	}
	if url != "http://"+addr+"/" {
		t.Fatalf("printed address %q, want http://%s/\n%s", url, addr, logs.String())
	}
	waitHTTP(t, url+"readyz", 30*time.Second)
	for path, want := range map[string]string{"": "expertbot sandbox", "api/personas": "Асель Ибраева", "app.js": "EventSource"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(body.String(), want) {
			t.Errorf("GET /%s: %d %q, want 200 with %q", path, resp.StatusCode, body.String(), want)
		}
	}
	entries, _ := os.ReadDir(tmp)
	if len(entries) != 1 || !strings.HasPrefix(entries[0].Name(), "expertbot-sandbox-") {
		t.Errorf("temporary directory holds %v, want the sandbox's PostgreSQL", entries)
	}

	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("sandbox exited with %v after SIGTERM", err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestSandboxInBrowser drives the sandbox's page in headless Chromium: an
// entrepreneur posts a problem with a photo through the wizard, the
// moderator approves it, the expert of the centre serving the sector takes
// it and answers by replying to the card, and the answer appears on the
// entrepreneur's page, who follows up with a voice note and tries a
// sticker and a location. Then every persona has a tab, eight at once,
// and a message sent in each is answered. Screenshots of the pages and of
// the moderator's /stats and /thread are saved in the test's artifact
// directory (go test -artifacts keeps them).
func TestSandboxInBrowser(t *testing.T) {
	t.Parallel()
	chromium := findChromium(t)
	dsn := storagetest.NewDatabase(t)
	addr := freeAddr(t)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer // written by the logger until run returns, read after
	// Each chat paced ten times as fast as Telegram's, the bot's and its
	// Telegram's alike, as in the other tests.
	env := map[string]string{"DATABASE_URL": dsn, "HTTP_ADDR": addr, "SEND_CHAT_RATE": strconv.Itoa(telegramtest.Speedup)}
	go func() {
		done <- run(ctx, []string{"expertbot", "sandbox"}, func(k string) string { return env[k] }, &logs)
	}()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("sandbox: %v", err)
		}
		if t.Failed() {
			t.Logf("sandbox log:\n%s", logs.String())
		}
	}()
	base := "http://" + addr + "/"
	waitHTTP(t, base+"readyz", 30*time.Second)

	browser, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(412, 860), // a phone's screen
	)...)
	defer cancel()
	first, cancel := chromedp.NewContext(browser)
	defer cancel()
	tab := func(persona int64) *page {
		ctx, _ := chromedp.NewContext(first) // a tab of the same browser
		p := &page{t: t, ctx: ctx, name: fmt.Sprint(persona)}
		// The first call on a tab opens it, and must have no deadline.
		if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s?as=%d", base, persona))); err != nil {
			t.Fatalf("tab %d: %v", persona, err)
		}
		p.waitJS(`document.body.dataset.ready === "true"`)
		return p
	}
	if err := chromedp.Do(first, chromedp.Navigate(base)); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	people, err := chromedp.Run(first, chromedp.Poll[int](`document.querySelectorAll("a.person").length`, chromedp.WithPollingTimeout(pageWait)))
	if err != nil || people != 8 {
		t.Errorf("the picker shows %d people, want 8", people)
	}

	// The entrepreneur, Russian-speaking, posts through the wizard.
	ent := tab(1002)
	ent.do(chromedp.Click(chromedp.CSS("#start-button")))
	ent.press(ru("choose_language"), "Русский")
	ent.press(firstLine(ru("consent_notice", 30)), ru("btn_agree"))
	ent.waitBot(firstLine(ru("welcome")))
	ent.waitJS(`!document.getElementById("menu-button").hidden`)
	ent.do(chromedp.Click(chromedp.CSS("#menu-button")))
	ent.waitJS(`(() => {
		const item = [...document.querySelectorAll("#menu li")].find(li => li.querySelector("b").textContent === "/new");
		item && item.click();
		return !!item;
	})()`)
	ent.press(ru("new_kind"), ru("kind_problem"))
	title := "Трещины в газоблоках после автоклава"
	ent.waitBot(prefix(ru("new_title")))
	ent.send(title)
	ent.waitBot(prefix(ru("new_body")))
	ent.send("После автоклавной обработки до 8 % блоков партии трещат по углам. Режим подъёма давления — 2 часа. Как найти причину?")
	ent.waitBot(prefix(ru("new_files")))
	photo := writePNG(t)
	ent.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{photo}))
	ent.waitJS(`!document.getElementById("attached").hidden`)
	ent.do(chromedp.Click(chromedp.CSS("#send")))
	ent.press(ru("new_file_added", 1), ru("btn_done"))
	ent.waitBot(firstLine(ru("new_sector")))
	ent.screenshot("entrepreneur-sector")
	ent.pressOr(firstLine(ru("new_sector")), "Строительство и стройматериалы", ru("btn_other_sectors"))
	ent.press(firstLine(ru("new_region")), "Карагандинская область")
	ent.press(firstLine(ru("new_company")), ru("btn_skip"))
	ent.press(firstLine(ru("new_anonymous")), ru("anon_no"))
	ent.press("Проверьте", ru("btn_submit"))
	ent.waitBot(prefix(ru("submitted_moderation")))
	var id int64
	db := openSQL(t, dsn)
	if err := db.QueryRow(`SELECT id FROM problems WHERE author_id = 1002 AND title = $1`, title).Scan(&id); err != nil {
		t.Fatalf("the problem is not in the database: %v", err)
	}

	// The moderator approves it in a tab of their own.
	mod := tab(3001)
	mod.press(fmt.Sprintf("Модерация: #%d", id), ru("btn_approve"))
	ent.waitBot(ru("routed", id, 1))

	// The expert of the industry centre takes it and answers by replying
	// to the card.
	exp := tab(2004)
	exp.waitBot(title)
	exp.press(title, ru("btn_take"))
	exp.waitBot(firstLine(ru("card_yours")))
	exp.replyTo(title)
	answer := "Проверьте скорость подъёма давления: при 2 часах блоки не успевают прогреться. Попробуйте 3 часа с выдержкой."
	exp.send(answer)
	exp.press(ru("answer_sent", id), ru("rec_technology"))

	// The answer is on the entrepreneur's page; a voice note in reply to it
	// reaches the expert, who can play it.
	ent.waitBot(answer)
	ent.replyTo(answer)
	ent.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{writeOgg(t)}))
	ent.waitJS(`!document.getElementById("attached").hidden`)
	ent.do(chromedp.Click(chromedp.CSS("#send")))
	exp.waitJS(`document.querySelector(".msg.bot audio.voice") !== null`)
	// The entrepreneur sees it passed on: a 👍 on the voice note.
	ent.waitJS(`[...document.querySelectorAll(".msg.mine")].some(m => m.querySelector("audio") && m.querySelector(".reaction"))`)
	// A sticker and a location, from the attach menu, get an explanation.
	for _, item := range []string{"#attach-sticker", "#attach-location"} {
		ent.do(chromedp.Click(chromedp.CSS("#attach")), chromedp.Click(chromedp.CSS(item)))
	}
	ent.waitJS(fmt.Sprintf(`[...document.querySelectorAll(".msg.bot .text")].filter(e => e.textContent.includes(%s)).length === 2`, jsString(ru("cannot_take"))))
	for _, p := range []*page{ent, mod, exp} {
		p.screenshot(p.name)
	}

	// Every persona in a tab of their own, eight at once: each is answered.
	tabs := map[int64]*page{1002: ent, 3001: mod, 2004: exp}
	for _, id := range []int64{1001, 1003, 2001, 2002, 2003} {
		tabs[id] = tab(id)
	}
	for id, p := range tabs {
		sent := time.Now()
		before := p.count(".msg.bot")
		p.send("/help")
		p.waitJS(fmt.Sprintf(`document.querySelectorAll(".msg.bot").length > %d`, before))
		if took := time.Since(sent); took > 10*time.Second {
			t.Errorf("tab %d: /help answered in %v", id, took)
		}
	}
	mod.send("/stats")
	mod.waitBot(prefix(ru("stats_title")))
	mod.screenshot("moderator-stats")
	mod.send(fmt.Sprintf("/thread %d", id))
	mod.waitBot(answer)
	mod.screenshot("moderator-thread")
	// The moderator signs in to the web console with /web's link, which
	// opens once.
	mod.send("/web")
	mod.waitBot("/console/login?t=")
	link, err := chromedp.Run(mod.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".msg.bot .text")]
		.map(e => e.textContent).filter(s => s.includes("/console/login?t=")).pop().match(/http\S+/)[0]`))
	if err != nil {
		t.Fatalf("the link in /web's answer: %v", err)
	}
	cctx, _ := chromedp.NewContext(first)
	con := &page{t: t, ctx: cctx, name: "console"}
	if err := chromedp.Do(cctx, chromedp.Navigate(link)); err != nil {
		t.Fatalf("console: %v", err)
	}
	// The link's page goes on to the queue by itself; asked across that
	// navigation, the page may not answer.
	queue := "/console/|" + strings.TrimSuffix(ru("console_queue_title", 0), "0")
	for deadline := time.Now().Add(pageWait); ; time.Sleep(100 * time.Millisecond) {
		at, err := chromedp.Run(cctx, chromedp.Evaluate[string](`location.pathname + "|" + ((document.querySelector("h1") || {}).textContent || "")`))
		if err == nil && strings.HasPrefix(at, queue) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the link did not open the queue: at %q (%v)", at, err)
		}
	}
	con.screenshot("console-queue")
	con.do(chromedp.Navigate(link))
	// Refused, in the browser's language: the link names nobody now.
	con.waitJS(fmt.Sprintf(`document.body.innerText.includes(%s)`, jsString(bot.T("en", "console_link_bad"))))
	con.do(chromedp.Navigate(strings.TrimSuffix(link[:strings.Index(link, "login")], "/") + "/problems/" + strconv.FormatInt(id, 10)))
	con.waitJS(fmt.Sprintf(`document.body.innerText.includes(%s)`, jsString(answer)))
	con.screenshot("console-thread")

	ent.send("/subscribe")
	ent.waitBot(firstLine(ru("subscribe_text")))
	ent.screenshot("entrepreneur-subscribe")
	var status, rec string
	var msgs, photos int
	db.QueryRow(`SELECT status FROM problems WHERE id = $1`, id).Scan(&status)
	db.QueryRow(`SELECT count(*) FROM messages WHERE problem_id = $1 AND author_id = 2004 AND reply_to IS NULL AND text = $2`, id, answer).Scan(&msgs)
	db.QueryRow(`SELECT count(*) FROM attachments WHERE problem_id = $1 AND kind = 'photo'`, id).Scan(&photos)
	db.QueryRow(`SELECT type FROM recommendations WHERE problem_id = $1`, id).Scan(&rec)
	if status != "answered" || msgs != 1 || photos != 1 || rec != "technology" {
		t.Errorf("problem %d: status %q, %d answers, %d photos, recommendation %q; want answered, 1, 1, technology", id, status, msgs, photos, rec)
	}
}

// page is one browser tab showing the sandbox as one persona.
type page struct {
	t    *testing.T
	ctx  context.Context
	name string
}

const pageWait = 45 * time.Second

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, pageWait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.screenshot(p.name)
		p.t.Fatalf("tab %s: %v", p.name, err)
	}
}

// waitJS waits until a JavaScript expression is true on the page.
func (p *page) waitJS(expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, pageWait+5*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(pageWait))); err != nil {
		p.screenshot(p.name)
		shown, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.getElementById("log").innerText`))
		p.t.Fatalf("tab %s: waiting for %s: %v\nthe page shows:\n%s", p.name, expr, err, shown)
	}
}

// waitBot waits for a message of the bot that contains text.
func (p *page) waitBot(text string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`[...document.querySelectorAll(".msg.bot .text")].some(e => e.textContent.includes(%s))`, jsString(text)))
}

// press presses the button labelled label under the newest bot message
// containing text, as soon as there is one.
func (p *page) press(text, label string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`(() => {
		const m = [...document.querySelectorAll(".msg.bot")].filter(m => m.querySelector(".text").textContent.includes(%s)).pop();
		const b = m && [...m.querySelectorAll(".kb button")].find(b => [b.textContent, b.textContent.replace(/^✅\s*/, "")].includes(%s));
		if (!b) return false;
		b.click();
		return true;
	})()`, jsString(text), jsString(label)))
}

// pressOr presses the button labelled label under the newest bot message
// containing text, pressing other first when label is not there (the
// wizard's guessed sectors, the whole list behind "another sector").
func (p *page) pressOr(text, label, other string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`(() => {
		const m = [...document.querySelectorAll(".msg.bot")].filter(m => m.querySelector(".text").textContent.includes(%s)).pop();
		const find = l => m && [...m.querySelectorAll(".kb button")].find(b => b.textContent === l);
		const b = find(%s);
		if (b) { b.click(); return true; }
		const o = find(%s);
		if (o && !o.dataset.pressed) { o.dataset.pressed = "1"; o.click(); }
		return false;
	})()`, jsString(text), jsString(label), jsString(other)))
}

// replyTo starts a reply to the newest bot message containing text.
func (p *page) replyTo(text string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`(() => {
		const m = [...document.querySelectorAll(".msg.bot")].filter(m => m.querySelector(".text").textContent.includes(%s)).pop();
		if (!m) return false;
		m.querySelector(".reply-to").click();
		return !document.getElementById("replying").hidden;
	})()`, jsString(text)))
}

// send types text into the message box and presses Send.
func (p *page) send(text string) {
	p.t.Helper()
	p.do(chromedp.SendKeys(chromedp.CSS("#text"), text), chromedp.Click(chromedp.CSS("#send")))
	p.waitJS(`document.getElementById("text").value === ""`)
}

// count counts the elements matching a CSS selector.
func (p *page) count(selector string) int {
	p.t.Helper()
	n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(selector))))
	if err != nil {
		p.t.Fatalf("tab %s: %v", p.name, err)
	}
	return n
}

func (p *page) screenshot(name string) {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Logf("screenshot of tab %s: %v", p.name, err)
		return
	}
	path := filepath.Join(p.t.ArtifactDir(), "sandbox-"+name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Error(err)
	}
	p.t.Logf("screenshot: %s", path)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var tags = regexp.MustCompile(`<[^>]*>`)

// ru is a text of the bot in Russian, as the page shows it.
func ru(key string, args ...any) string {
	return html.UnescapeString(tags.ReplaceAllString(bot.T("ru", key, args...), ""))
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

// prefix is a text's beginning up to its first blank to fill in.
func prefix(s string) string { return strings.SplitN(s, "%", 2)[0] }

// findChromium finds Debian's Chromium, which scripts/test installs.
func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium on PATH: install Debian's chromium package (scripts/test does)")
	return ""
}

func waitHTTP(t *testing.T, url string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer 200 within %v (last: %v)", url, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// writeOgg writes what the sandbox takes for a voice note: a file that
// begins as an Ogg stream does.
func writeOgg(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "question.ogg")
	if err := os.WriteFile(path, append([]byte("OggS\x00\x02"), make([]byte, 200)...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writePNG writes a small picture for the entrepreneur to send.
func writePNG(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 160, 255})
		}
	}
	path := filepath.Join(t.TempDir(), "crack.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// A sandbox served beyond this machine says so in its log, and answers
// to any name; on loopback it answers only to this machine's names.
func TestSandboxWarnsWhenExposed(t *testing.T) {
	t.Parallel()
	for _, exposed := range []bool{false, true} {
		dsn := storagetest.NewDatabase(t)
		addr := freeAddr(t)
		if exposed {
			_, port, _ := net.SplitHostPort(addr)
			addr = "0.0.0.0:" + port
		}
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		var logs syncBuffer
		env := map[string]string{"DATABASE_URL": dsn, "HTTP_ADDR": addr}
		go func() {
			done <- run(ctx, []string{"expertbot", "sandbox"}, func(k string) string { return env[k] }, &logs)
		}()
		_, port, _ := net.SplitHostPort(addr)
		local := "http://127.0.0.1:" + port + "/"
		waitHTTP(t, local+"readyz", 30*time.Second)
		req, _ := http.NewRequest(http.MethodGet, local+"api/personas", nil)
		req.Host = "bot.example.kz:" + port
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		stop()
		if err := <-done; err != nil {
			t.Fatalf("sandbox: %v", err)
		}
		warned := strings.Contains(logs.String(), "served beyond this machine")
		if warned != exposed {
			t.Errorf("on %s: warned %v, want %v\n%s", addr, warned, exposed, logs.String())
		}
		if want := map[bool]int{false: http.StatusForbidden, true: http.StatusOK}[exposed]; resp.StatusCode != want {
			t.Errorf("on %s, a request naming another host: %d, want %d", addr, resp.StatusCode, want)
		}
	}
}

// syncBuffer is a log sink read after its writers are done, and safe
// while they write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
