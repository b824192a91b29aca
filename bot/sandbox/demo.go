package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atameken/expertbot/bot"
	"github.com/atameken/expertbot/storage"
)

// Persona is someone the sandbox lets a visitor be.
type Persona struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Role   string `json:"role"`   // entrepreneur, expert or moderator
	Lang   string `json:"lang"`   // the language their Telegram app is in
	About  string `json:"about"`  // a line on who they are, in their language
	Centre string `json:"centre"` // an expert's competence centre, by code
	Reads  string `json:"reads"`  // an expert's languages for requests, if more than Lang
}

// Personas are the people of the demonstration network. Their ids are far
// below real Telegram users' of today, so a demonstration database is
// never mistaken for a real one's.
var Personas = []Persona{
	{ID: 1001, Name: "Ерлан Сейітқали", Role: "entrepreneur", Lang: "kk", About: "Фермер, Ақмола облысы"},
	{ID: 1002, Name: "Ольга Ким", Role: "entrepreneur", Lang: "ru", About: "Производство газоблоков, Караганда"},
	{ID: 1003, Name: "Daniyar Abenov", Role: "entrepreneur", Lang: "en", About: "Logistics start-up, Almaty"},
	{ID: 2001, Name: "Айгерім Нұрланқызы", Role: "expert", Lang: "kk", Centre: "agrotech", Reads: "kk ru", About: "Агроном, ауыл шаруашылығы ғылымдарының кандидаты"},
	{ID: 2002, Name: "Сергей Волков", Role: "expert", Lang: "ru", Centre: "agrotech", About: "Инженер-мелиоратор"},
	{ID: 2003, Name: "Madina Omarova", Role: "expert", Lang: "en", Centre: "digital", Reads: "ru en", About: "Industrial IoT architect"},
	{ID: 2004, Name: "Асхат Жумабеков", Role: "expert", Lang: "ru", Centre: "industry", About: "Технолог строительных материалов"},
	{ID: 3001, Name: "Асель Ибраева", Role: "moderator", Lang: "ru", About: "Модератор, НПП «Атамекен»"},
}

// PersonaByID returns the persona with the given id.
func PersonaByID(id int64) (Persona, bool) {
	for _, p := range Personas {
		if p.ID == id {
			return p, true
		}
	}
	return Persona{}, false
}

// history is an answered problem of the demonstration, posted by someone
// who is not a persona, so that each persona's chat starts empty.
type history struct {
	author     storage.User
	sector     string
	region     string
	title      string
	body       string
	expert     int64
	answer     string
	recommend  string // the answer's recommendation type, or ""
	resolved   bool
	score      int
	implStatus string
}

var histories = []history{
	{
		author: storage.User{ID: 1101, FirstName: "Бауыржан", LastName: "Оспанов", Language: "ru"},
		sector: "agro", region: "turkistan",
		title:     "Засоление почв на орошаемых участках",
		body:      "На 400 га хлопка за три года урожайность упала на четверть, анализы показывают засоление. Какие технологии промывки и дренажа окупятся при нашей цене воды?",
		expert:    2002,
		answer:    "Начните с закрытого горизонтального дренажа на самых засолённых картах и капельного полива с фертигацией: промывка без дренажа лишь поднимет уровень грунтовых вод. Окупаемость в похожих хозяйствах — 3–4 сезона.",
		recommend: "technology", resolved: true, score: 5, implStatus: "in_progress",
	},
	{
		author: storage.User{ID: 1102, FirstName: "Gulnara", LastName: "Seitova", Language: "en"},
		sector: "ict", region: "almaty_city",
		title:     "Paper-based warehouse inventory",
		body:      "Our three warehouses count stock on paper once a month and lose about 2% to errors. What is a realistic first step to digitise inventory for a 40-person company?",
		expert:    2003,
		answer:    "Start with barcode labels and handheld scanners feeding a cloud WMS that integrates with your accounting system; RFID only pays off later. Two local integrators have done this for firms of your size — I can introduce you.",
		recommend: "partner", resolved: true, score: 4,
	},
	{
		author: storage.User{ID: 1103, FirstName: "Нұрлан", LastName: "Әбділдин", Language: "kk"},
		sector: "construction", region: "karaganda",
		title:     "Газоблок өндірісінде цемент шығыны жоғары",
		body:      "Бір текше метр газоблокқа 90 кг цемент жұмсаймыз, бәсекелестерде 60 кг. Рецептураны қалай оңтайландыруға болады?",
		expert:    2004,
		answer:    "Часть цемента можно заменить золой-уносом Карагандинской ТЭЦ (до 25 %) и перейти на автоклавную обработку по ГОСТ 31360; пришлите паспорт смеси — посчитаю рецептуру.",
		recommend: "standard",
	},
}

// pending is a problem waiting for moderation, for the moderator's /queue.
var pending = history{
	author: storage.User{ID: 1104, FirstName: "Марат", LastName: "Ли", Language: "ru"},
	sector: "construction", region: "pavlodar",
	title: "Усадочные трещины в пенобетоне зимой",
	body:  "Блоки из неавтоклавного пенобетона трескаются через месяц после кладки, если их сделали при морозе. Как изменить состав или режим твердения, чтобы зимой не останавливать цех?",
}

// LoadDemo fills an empty database with the demonstration network: the
// personas (experts in their centres, a moderator, each in their language),
// three answered problems and one waiting for moderation. It does nothing
// to a database that has it already, and refuses one that holds anything
// the sandbox did not put there: the sandbox never runs on a real bot's
// data, nor drains its outbox.
//
// The personas who have used the bot before (experts, the moderator) and
// the authors of the answered problems agreed to the privacy notice of
// version privacy; the entrepreneurs a visitor plays are asked.
func LoadDemo(ctx context.Context, db *storage.DB, privacy string) error {
	return db.InTx(ctx, func(tx *storage.Tx) error {
		ours, err := tx.ClaimForSandbox(ctx)
		if err != nil {
			return err
		}
		if !ours {
			return errors.New("sandbox: DATABASE_URL holds data that is not the sandbox's: the sandbox runs only on an empty database, or one it made; unset DATABASE_URL and it makes its own")
		}
		if u, err := tx.User(ctx, Personas[len(Personas)-1].ID); err == nil && u.IsModerator() {
			return nil
		}
		for _, p := range Personas {
			if _, err := tx.TouchUser(ctx, storage.User{ID: p.ID, FirstName: p.Name, TelegramLanguage: p.Lang}); err != nil {
				return err
			}
			switch p.Role {
			case "expert":
				c, err := tx.CentreByCode(ctx, p.Centre)
				if err != nil {
					return err
				}
				if err := tx.AddExpert(ctx, p.ID, c.ID); err != nil {
					return err
				}
				if p.Reads != "" {
					if err := tx.SetLanguages(ctx, p.ID, strings.Fields(p.Reads)); err != nil {
						return err
					}
				}
			case "moderator":
				if err := tx.SetRole(ctx, p.ID, storage.RoleModerator); err != nil {
					return err
				}
			}
			if p.Role != "entrepreneur" {
				// Experts and moderators have used the bot before, and have
				// the menus of their roles.
				if err := tx.SetLanguage(ctx, p.ID, p.Lang); err != nil {
					return err
				}
				if err := tx.SetConsent(ctx, p.ID, privacy, time.Now()); err != nil {
					return err
				}
				if err := bot.QueueMenus(ctx, tx, p.ID); err != nil {
					return err
				}
			}
		}
		for _, h := range histories {
			if err := h.load(ctx, tx, privacy); err != nil {
				return err
			}
		}
		return pending.load(ctx, tx, privacy)
	})
}

func (h history) load(ctx context.Context, tx *storage.Tx, privacy string) error {
	if _, err := tx.TouchUser(ctx, h.author); err != nil {
		return err
	}
	if err := tx.SetConsent(ctx, h.author.ID, privacy, time.Now()); err != nil {
		return err
	}
	if err := tx.SetLanguage(ctx, h.author.ID, h.author.Language); err != nil {
		return err
	}
	sector, err := tx.SectorByCode(ctx, h.sector)
	if err != nil {
		return err
	}
	region, err := regionByCode(ctx, tx, h.region)
	if err != nil {
		return err
	}
	p := &storage.Problem{AuthorID: h.author.ID, Kind: "problem", SectorID: sector.ID, RegionID: region, Title: h.title, Body: h.body}
	if h.expert == 0 {
		_, err := tx.CreateProblem(ctx, p, nil, storage.StatusPendingModeration)
		return err
	}
	id, err := tx.CreateProblem(ctx, p, nil, storage.StatusOpen)
	if err != nil {
		return err
	}
	if _, err := tx.TakeProblem(ctx, id, h.expert); err != nil {
		return err
	}
	// Demonstration messages were never in a Telegram chat: they get
	// negative message ids, which no chat has.
	m := &storage.ThreadMessage{ProblemID: id, AuthorID: h.expert, AuthorRole: "expert", RecipientID: &h.author.ID,
		Text: h.answer, ChatID: h.expert, TgMessageID: -id}
	if _, err := tx.AddMessage(ctx, m); err != nil {
		return err
	}
	if err := tx.MarkAnswered(ctx, id, h.expert); err != nil {
		return err
	}
	if h.recommend != "" {
		rec, _, err := tx.Recommend(ctx, m.ID, id, h.recommend)
		if err != nil {
			return err
		}
		if h.implStatus != "" {
			if _, err := tx.SetImplementation(ctx, rec, h.implStatus, ""); err != nil {
				return err
			}
		}
	}
	if !h.resolved {
		return nil
	}
	if err := tx.SetStatus(ctx, id, storage.StatusResolved, &h.author.ID, ""); err != nil {
		return err
	}
	return tx.Rate(ctx, id, h.expert, h.author.ID, h.score)
}

// regionByCode finds a region's id by its code.
func regionByCode(ctx context.Context, tx *storage.Tx, code string) (int, error) {
	regions, err := tx.Regions(ctx)
	if err != nil {
		return 0, err
	}
	for _, r := range regions {
		if r.Code == code {
			return r.ID, nil
		}
	}
	return 0, fmt.Errorf("sandbox: no region %q", code)
}
