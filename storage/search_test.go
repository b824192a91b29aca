package storage_test

import (
	"context"
	"slices"
	"testing"

	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

// Search finds a Russian answer by another form of its words, a Kazakh
// text by another case ending, and only what is published.
func TestSearchFindsWordForms(t *testing.T) {
	t.Parallel()
	db, _ := storagetest.NewDB(t)
	ctx := context.Background()
	type problem struct {
		title, body, answer, status string
		hidden                      bool
	}
	problems := map[string]problem{
		"drip": {"Капельный полив пшеницы", "Почва быстро пересыхает на наших полях.",
			"Установите датчики влажности почвы и капельные линии.", storage.StatusResolved, false},
		"grain": {"Бидай кептіргіші сертификаттаудан өтпейді", "Кептіргіштің шуы нормадан асады.",
			"Желдеткіштерді ауыстырыңыз.", storage.StatusAnswered, false},
		"pending": {"Полив теплиц зимой", "Как поливать теплицы зимой?", "", storage.StatusOpen, false},
		"hidden":  {"Полив газонов", "Полив газонов в городе.", "Используйте дождевание.", storage.StatusAnswered, true},
		"tariff": {"Customs tariff for imported tractors", "What duty applies to tractors from Belarus?",
			"The EAEU tariff is zero for tractors made in Belarus.", storage.StatusAnswered, false},
	}
	ids := map[int64]string{}
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.TouchUser(ctx, storage.User{ID: 71, FirstName: "Ерлан"}); err != nil {
			return err
		}
		if _, err := tx.TouchUser(ctx, storage.User{ID: 72, FirstName: "Expert"}); err != nil {
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
		for name, p := range problems {
			id, err := tx.CreateProblem(ctx, &storage.Problem{AuthorID: 71, Kind: "problem", SectorID: sectors[0].ID,
				RegionID: regions[0].ID, Title: p.title, Body: p.body}, nil, p.status)
			if err != nil {
				return err
			}
			ids[id] = name
			if p.answer != "" {
				if _, err := tx.AddMessage(ctx, &storage.ThreadMessage{ProblemID: id, AuthorID: 72, AuthorRole: "expert",
					Text: p.answer, ChatID: 72, TgMessageID: id}); err != nil {
					return err
				}
			}
			if p.hidden {
				if err := tx.HideProblem(ctx, id, true); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"капельного полива", []string{"drip"}},     // another case, in the title
		{"датчик влажности", []string{"drip"}},      // in the answer, another number
		{"бидайдың кептіргішін", []string{"grain"}}, // Kazakh, other case endings
		{"желдеткіш", []string{"grain"}},            // in the answer, without its ending
		{"tractor tariffs", []string{"tariff"}},     // English stems
		{"полив", []string{"drip"}},                 // not the open one, not the hidden one
		{"Ерлан", nil},                              // never by the author's name
		{"космический корабль", nil},
	} {
		var found []string
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			res, total, err := tx.Search(ctx, storage.Query{Words: storage.SearchWords(tt.query), Limit: 5})
			for _, f := range res {
				found = append(found, ids[f.ID])
			}
			if total != len(res) {
				t.Errorf("%q: total %d for %d found", tt.query, total, len(res))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(found, tt.want) {
			t.Errorf("%q found %q, want %q", tt.query, found, tt.want)
		}
	}

	// Near-copies: most of the words, open requests too; not one that
	// shares a word or two.
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"Теплицы зимой: как организовать полив?", []string{"pending"}},
		{"Бидай кептіргішінің шуы нормадан асады", []string{"grain"}},
		{"Полив пшеницы на солончаках весной дорог", nil},
	} {
		var found []string
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			res, _, err := tx.Search(ctx, storage.Query{Words: storage.SearchWords(tt.text), Open: true, Most: true, Limit: 3})
			for _, f := range res {
				found = append(found, ids[f.ID])
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(found, tt.want) {
			t.Errorf("near-copies of %q: %q, want %q", tt.text, found, tt.want)
		}
	}
}
