package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/atameken/expertbot/storage"
)

// vocabulary is what the generated corpus is written in: Russian, Kazakh
// and English words of the industries, in several forms each, so that a
// query of one form has texts of others to find.
var vocabulary = strings.Fields(`
	полив полива поливу капельный капельного почва почвы влажность влажности датчик датчики датчиков
	пшеница пшеницы элеватор элеватора сушилка сушилки зерно зерна теплица теплицы насос насоса
	трещины трещин газоблок газоблоков автоклав автоклава цемент цемента бетон бетона стандарт стандарта
	тариф тарифа таможня таможни трактор трактора комбайн комбайна фильтр фильтра компрессор компрессора
	бидай бидайдың бидайға суару суаруы топырақ топырағы ылғал ылғалы кептіргіш кептіргіші кептіргішті
	жылыжай жылыжайда сорғы сорғысы желдеткіш желдеткіштер цементі бетонның сүзгі сүзгіні трактордың
	irrigation drip soil moisture sensor sensors wheat elevator dryer dryers grain greenhouse pump pumps
	crack cracks block blocks cement concrete standard standards tariff customs tractor tractors filter
`)

// corpusWords are the words the corpus is written in: the vocabulary and
// as many made-up words of Cyrillic syllables, so that, as in real texts,
// a word is in few of them.
func corpusWords(made int) []string {
	syllables := strings.Fields("ка ра ты лы бе ге ді ме но са та жа қо өн ғы ль ст пр ва ко ре ми ша ұл ек")
	rng := rand.New(rand.NewPCG(3, 4))
	words := slices.Clone(vocabulary)
	for range made {
		var w strings.Builder
		for range 2 + rng.IntN(3) {
			w.WriteString(syllables[rng.IntN(len(syllables))])
		}
		words = append(words, w.String())
	}
	return words
}

// searchBench writes a corpus of -users published problems with an
// expert's answer each, then makes -updates searches of one to three
// words of the vocabulary and reports the time each took, with the plan
// of one.
func (r *runner) searchBench(ctx context.Context) error {
	words := corpusWords(5000)
	start := time.Now()
	var err error
	for _, st := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO users (id, first_name, language) VALUES (6000000, 'Author', 'ru'), (6000001, 'Expert', 'ru')`, nil},
		{`INSERT INTO problems (author_id, kind, sector_id, region_id, title, body, status, language, first_answer_at)
			SELECT 6000000, 'problem', (SELECT id FROM sectors ORDER BY random() + g * 0 LIMIT 1), (SELECT min(id) FROM regions),
				(SELECT string_agg(($1::text[])[1 + floor(random() * cardinality($1::text[]))::int], ' ') FROM generate_series(1, 4 + g * 0)),
				(SELECT string_agg(($1::text[])[1 + floor(random() * cardinality($1::text[]))::int], ' ') FROM generate_series(1, 15 + g * 0)),
				CASE WHEN g % 3 = 0 THEN 'resolved' ELSE 'answered' END, 'ru', now()
			FROM generate_series(1, $2) g`, []any{pq.Array(words), r.o.users}},
		{`INSERT INTO messages (problem_id, author_id, author_role, text, chat_id, tg_message_id)
			SELECT p.id, 6000001, 'expert',
				(SELECT string_agg(($1::text[])[1 + floor(random() * cardinality($1::text[]))::int], ' ') FROM generate_series(1, 12 + (p.id * 0)::int)),
				6000001, p.id
			FROM problems p`, []any{pq.Array(words)}},
		{`ANALYZE problems`, nil},
		{`ANALYZE messages`, nil},
		{`ANALYZE lexicon`, nil},
	} {
		if _, err = r.db.ExecContext(ctx, st.sql, st.args...); err != nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("write the corpus: %w", err)
	}
	fmt.Fprintf(r.out, "corpus: %d problems with an answer each, written in %v\n", r.o.users, time.Since(start).Round(time.Millisecond))

	db, err := storage.Open(ctx, r.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	query := func(rng *rand.Rand) []string {
		words := make([]string, 1+rng.IntN(3))
		for i := range words {
			words[i] = vocabulary[rng.IntN(len(vocabulary))]
		}
		return words
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var took []time.Duration
	var slowest []string
	var slow time.Duration
	found := 0
	for range r.o.updates {
		words := query(rng)
		t0 := time.Now()
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			res, _, err := tx.Search(ctx, words, 0, 5, 0)
			found += len(res)
			return err
		})
		if err != nil {
			return err
		}
		took = append(took, time.Since(t0))
		if d := time.Since(t0); d > slow {
			slow, slowest = d, words
		}
	}
	fmt.Fprintf(r.out, "first searches: %v\n", took[:min(8, len(took))])
	slices.Sort(took)
	q := func(p float64) time.Duration {
		return took[min(len(took)-1, int(p*float64(len(took))))].Round(10 * time.Microsecond)
	}
	fmt.Fprintf(r.out, "searches: %d, %.1f results each; p50 %v, p99 %v, max %v\n",
		len(took), float64(found)/float64(len(took)), q(.5), q(.99), took[len(took)-1].Round(10*time.Microsecond))
	return db.InTx(ctx, func(tx *storage.Tx) error {
		plan, err := tx.ExplainSearch(ctx, slowest, 0)
		fmt.Fprintf(r.out, "plan of the slowest search, for «%s»:\n%s\n", strings.Join(slowest, " "), plan)
		return err
	})
}
