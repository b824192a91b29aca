// The sandbox's chat page: a persona picker, then one persona's chat with
// the bot, drawn as a Telegram app draws it and kept live by the server's
// event stream.
"use strict";

const words = {
  en: {
    banner: "Sandbox: not connected to Telegram. Everything stays on this computer.",
    pickTitle: "Who are you?", pickHint: "Open several tabs as different people: they talk to each other through the bot.",
    entrepreneur: "Entrepreneurs", expert: "Experts", moderator: "Moderators",
    bot: "bot", you: "You:", message: "Message", start: "START", menu: "Menu", replyTo: "Reply to",
    edited: "edited", reconnecting: "Reconnecting…", attach: "Attach a photo or a file", switchPerson: "Someone else",
    sticker: "Sticker", sendFailed: "Not sent:",
    attachFile: "📎 Photo, video, voice note or file", attachSticker: "🙂 Sticker", attachLocation: "📍 Location",
  },
  ru: {
    banner: "Песочница: нет связи с Telegram. Всё остаётся на этом компьютере.",
    pickTitle: "Кто вы?", pickHint: "Откройте несколько вкладок разными людьми: они общаются друг с другом через бота.",
    entrepreneur: "Предприниматели", expert: "Эксперты", moderator: "Модераторы",
    bot: "бот", you: "Вы:", message: "Сообщение", start: "НАЧАТЬ", menu: "Меню", replyTo: "В ответ",
    edited: "изменено", reconnecting: "Переподключение…", attach: "Прикрепить фото или файл", switchPerson: "Другой человек",
    sticker: "Стикер", sendFailed: "Не отправлено:",
    attachFile: "📎 Фото, видео, голосовое или файл", attachSticker: "🙂 Стикер", attachLocation: "📍 Геопозиция",
  },
  kk: {
    banner: "Сынақ алаңы: Telegram-ға қосылмаған. Бәрі осы компьютерде қалады.",
    pickTitle: "Сіз кімсіз?", pickHint: "Әртүрлі адам ретінде бірнеше бет ашыңыз: олар бір-бірімен бот арқылы сөйлеседі.",
    entrepreneur: "Кәсіпкерлер", expert: "Сарапшылар", moderator: "Модераторлар",
    bot: "бот", you: "Сіз:", message: "Хабарлама", start: "БАСТАУ", menu: "Мәзір", replyTo: "Жауап",
    edited: "өзгертілді", reconnecting: "Қайта қосылуда…", attach: "Фото не файл тіркеу", switchPerson: "Басқа адам",
    sticker: "Стикер", sendFailed: "Жіберілмеді:",
    attachFile: "📎 Фото, видео, дауыстық хабарлама не файл", attachSticker: "🙂 Стикер", attachLocation: "📍 Геолокация",
  },
};

const $ = (id) => document.getElementById(id);
const as = new URLSearchParams(location.search).get("as");
let lang = pickLang(navigator.language);
let replyTo = null;
const shown = new Map(); // message id → element

function pickLang(l) {
  l = (l || "").slice(0, 2);
  return words[l] ? l : "en";
}

function w(key) { return words[lang][key]; }

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function setLang(l) {
  lang = pickLang(l);
  document.documentElement.lang = lang;
  $("banner").textContent = w("banner");
  $("pick-title").textContent = w("pickTitle");
  $("pick-hint").textContent = w("pickHint");
  $("sub").textContent = w("bot");
  $("text").placeholder = w("message");
  $("start-button").textContent = w("start");
  $("menu-button").textContent = w("menu");
  $("replying-label").textContent = w("replyTo");
  $("status").textContent = w("reconnecting");
  $("attach").title = w("attach");
  $("attach-file").textContent = w("attachFile");
  $("attach-sticker").textContent = w("attachSticker");
  $("attach-location").textContent = w("attachLocation");
  $("switch").title = w("switchPerson");
  for (const e of document.querySelectorAll(".meta .edited")) e.textContent = w("edited") + " ";
}

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 3500);
}

async function post(path, form) {
  form.set("as", as);
  const r = await fetch(path, { method: "POST", body: form });
  if (!r.ok) throw new Error((await r.text()).trim());
  return r.json();
}

// The picker.

async function showPicker() {
  $("picker").hidden = false;
  const people = await (await fetch("api/personas")).json();
  const box = $("people");
  for (const role of ["entrepreneur", "expert", "moderator"]) {
    box.append(el("h2", "", w(role)));
    for (const p of people.filter((p) => p.role === role)) {
      const a = el("a", "person");
      a.href = "?as=" + p.id;
      a.dataset.persona = p.id;
      const av = el("div", "avatar " + role, p.name.slice(0, 1));
      const who = el("div");
      who.append(el("b", "", p.name), el("small", "", p.about));
      if (p.centre_name) who.append(el("small", "", p.centre_name));
      a.append(av, who);
      box.append(a);
    }
  }
}

// The chat.

// rich turns the bot's text in Telegram's HTML into page elements, keeping
// only the tags Telegram knows and links that go somewhere harmless.
function rich(html) {
  const doc = new DOMParser().parseFromString("<body>" + html, "text/html");
  const out = document.createDocumentFragment();
  const tags = { B: "b", STRONG: "b", I: "i", EM: "i", U: "u", INS: "u", S: "s", STRIKE: "s", DEL: "s",
    CODE: "code", PRE: "pre", BLOCKQUOTE: "blockquote", A: "a", SPAN: "span", "TG-SPOILER": "span" };
  (function walk(from, to) {
    for (const n of from.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) { to.append(n.textContent); continue; }
      if (n.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = tags[n.tagName];
      if (!tag) { walk(n, to); continue; }
      const e = document.createElement(tag);
      if (tag === "a") {
        const href = n.getAttribute("href") || "";
        if (/^(https?:|mailto:|tg:)/i.test(href)) { e.href = href; e.target = "_blank"; e.rel = "noopener noreferrer"; }
      }
      if (tag === "span" && (n.tagName === "TG-SPOILER" || n.classList.contains("tg-spoiler"))) {
        e.className = "spoiler";
        e.onclick = () => e.classList.add("open");
      }
      walk(n, e);
      to.append(e);
    }
  })(doc.body, out);
  return out;
}

function draw(m) {
  const box = el("div", "msg" + (m.from_bot ? " bot" : " mine"));
  box.dataset.id = m.id;
  const b = el("div", "bubble");
  if (m.reply_to) {
    const q = el("div", "quote");
    q.append(el("b", "", m.reply_to.from_bot ? "Expertbot" : w("you").replace(":", "")), m.reply_to.text);
    q.onclick = () => {
      const orig = shown.get(m.reply_to.id);
      if (!orig) return;
      orig.scrollIntoView({ block: "center", behavior: "smooth" });
      const ob = orig.querySelector(".bubble");
      ob.classList.remove("flash"); void ob.offsetWidth; ob.classList.add("flash");
    };
    b.append(q);
  }
  if (m.photo) {
    const img = el("img");
    img.src = "api/files/" + encodeURIComponent(m.photo);
    img.alt = "";
    img.loading = "lazy";
    b.append(img);
  }
  if (m.document) {
    const a = el("a", "file", m.document.name);
    a.href = "api/files/" + encodeURIComponent(m.document.file_id) + "?download=1";
    b.append(a);
  }
  if (m.media) {
    const video = m.media.kind === "video" || m.media.kind === "video_note";
    const player = el(video ? "video" : "audio", "media " + m.media.kind);
    player.src = "api/files/" + encodeURIComponent(m.media.file_id);
    player.controls = true;
    player.preload = "metadata";
    b.append(player);
  }
  if (m.location) b.append(el("div", "location", "📍 " + m.location));
  if (m.sticker) b.append(w("sticker"));
  const body = el("span", "text");
  if (m.html) body.append(rich(m.html)); else body.textContent = m.text || "";
  b.append(body);
  if (m.reaction) b.append(el("span", "reaction", m.reaction));
  const meta = el("span", "meta");
  if (m.edited) meta.append(el("span", "edited", w("edited") + " "));
  meta.append(new Date(m.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }));
  b.append(meta);
  const rb = el("button", "reply-to", "↩");
  rb.type = "button";
  rb.setAttribute("aria-label", "reply");
  rb.onclick = () => startReply(m);
  b.append(rb);
  box.append(b);
  if (m.buttons) box.append(keyboard(m));
  return box;
}

function keyboard(m) {
  const kb = el("div", "kb");
  for (const row of m.buttons) {
    const r = el("div", "row");
    for (const k of row) {
      if (k.url) {
        const a = el("a", "", k.text);
        a.href = k.url; a.target = "_blank"; a.rel = "noopener noreferrer";
        r.append(a);
        continue;
      }
      const btn = el("button", "", k.text);
      btn.type = "button";
      btn.onclick = async () => {
        btn.classList.add("busy");
        const f = new FormData();
        f.set("message_id", m.id);
        f.set("data", k.data);
        try {
          const a = await post("api/press", f);
          if (a.text) toast(a.text);
        } catch (e) {
          toast(e.message);
        } finally {
          btn.classList.remove("busy");
        }
      };
      r.append(btn);
    }
    kb.append(r);
  }
  return kb;
}

function upsert(m) {
  const log = $("log");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  const old = shown.get(m.id);
  if (m.deleted) {
    // The bot deleted it, as Telegram takes a message out of the chat.
    if (old) old.remove();
    shown.delete(m.id);
    return;
  }
  const e = draw(m);
  if (old) {
    old.replaceWith(e);
  } else {
    let next = null;
    for (const [id, x] of shown) if (id > m.id && (!next || id < +next.dataset.id)) next = x;
    log.insertBefore(e, next);
  }
  shown.set(m.id, e);
  $("start").hidden = true;
  if (atBottom || !m.from_bot) log.scrollTop = log.scrollHeight;
}

function startReply(m) {
  replyTo = m.id;
  $("replying-text").textContent = m.text || (m.html ? rich(m.html).textContent : "") || "📎";
  $("replying").hidden = false;
  $("text").focus();
}

function stopReply() {
  replyTo = null;
  $("replying").hidden = true;
}

function setMenu(menu) {
  const list = $("menu");
  list.replaceChildren();
  for (const c of menu || []) {
    const li = el("li");
    li.append(el("b", "", "/" + c.command), c.description);
    li.onclick = () => { list.hidden = true; sendText("/" + c.command); };
    list.append(li);
  }
  $("menu-button").hidden = !menu || menu.length === 0;
}

async function sendText(text) {
  const f = new FormData();
  f.set("text", text);
  await sendForm(f);
}

async function sendForm(f) {
  if (replyTo) f.set("reply_to", replyTo);
  try {
    await post("api/send", f);
    stopReply();
  } catch (e) {
    toast(w("sendFailed") + " " + e.message);
  }
}

async function submit(ev) {
  ev.preventDefault();
  const text = $("text").value;
  const file = $("file").files[0];
  if (!text.trim() && !file) return;
  const f = new FormData();
  f.set("text", text);
  if (replyTo) f.set("reply_to", replyTo);
  if (file) f.set("file", file);
  try {
    await post("api/send", f);
    $("text").value = "";
    $("file").value = "";
    $("attached").hidden = true;
    stopReply();
    grow();
  } catch (e) {
    toast(w("sendFailed") + " " + e.message);
  }
}

function grow() {
  const t = $("text");
  t.style.height = "auto";
  t.style.height = t.scrollHeight + "px";
}

async function showChat() {
  $("chat").hidden = false;
  const people = await (await fetch("api/personas")).json();
  const me = people.find((p) => String(p.id) === as);
  if (!me) { location.search = ""; return; }
  setLang(me.lang);
  document.title = me.name + " · expertbot sandbox";
  $("me").textContent = me.name;
  $("composer").onsubmit = submit;
  $("text").addEventListener("input", grow);
  $("text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("file").onchange = () => {
    const f = $("file").files[0];
    $("attached-name").textContent = f ? "📎 " + f.name : "";
    $("attached").hidden = !f;
  };
  $("attached-cancel").onclick = () => { $("file").value = ""; $("attached").hidden = true; };
  $("replying-cancel").onclick = stopReply;
  $("menu-button").onclick = () => { $("menu").hidden = !$("menu").hidden; };
  $("start-button").onclick = () => sendText("/start");

  $("attach").onclick = () => { $("attach-menu").hidden = !$("attach-menu").hidden; };
  $("attach-file").onclick = () => { $("attach-menu").hidden = true; $("file").click(); };
  $("attach-sticker").onclick = () => {
    $("attach-menu").hidden = true;
    const f = new FormData();
    f.set("sticker", "1");
    sendForm(f);
  };
  $("attach-location").onclick = () => {
    $("attach-menu").hidden = true;
    const f = new FormData();
    f.set("location", "51.12820,71.43040"); // Astana, as a phone would share it
    sendForm(f);
  };

  listen({
    message: (data) => upsert(JSON.parse(data)),
    state: (data) => {
      const st = JSON.parse(data);
      setLang(st.lang);
      setMenu(st.menu);
    },
    ready: () => {
      $("status").hidden = true;
      document.body.dataset.ready = "true";
      if (shown.size === 0) $("start").hidden = false;
    },
    error: () => { $("status").hidden = false; },
  });
}

// listen follows the persona's chat: through the shared worker, which
// keeps one stream for all the browser's tabs, or with a stream of the
// page's own where there are no shared workers.
function listen(on) {
  if (window.SharedWorker) {
    const worker = new SharedWorker("events.js");
    worker.port.onmessage = (e) => on[e.data.type](e.data.data);
    worker.port.start();
    worker.port.postMessage({ as });
    addEventListener("pagehide", () => worker.port.postMessage({ bye: true }));
    return;
  }
  const events = new EventSource("api/events?as=" + encodeURIComponent(as));
  for (const type of ["message", "state", "ready"]) events.addEventListener(type, (e) => on[type](e.data));
  events.onerror = on.error;
}

setLang(lang);
if (as) showChat(); else showPicker();
