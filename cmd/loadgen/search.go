package main

import (
	"context"
	"fmt"
	"math"
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

// corpusWords are the words the corpus is written in, the commonest
// first: made-up words of Cyrillic syllables, with the vocabulary among
// them at the 200th place or so. Texts take them as real texts take words
// (pick): the first two hundred are in most texts, the industries' words
// in a hundred or two of each ten thousand, most of the others in few.
func corpusWords(made int) []string {
	syllables := strings.Fields("ка ра ты лы бе ге ді ме но са та жа қо өн ғы ль ст пр ва ко ре ми ша ұл ек")
	rng := rand.New(rand.NewPCG(3, 4))
	var words []string
	for i := range made {
		if i == 200 {
			words = append(words, vocabulary...)
		}
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
	words := corpusWords(50000)
	start := time.Now()
	var err error
	for _, st := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO users (id, first_name, language) VALUES (6000000, 'Author', 'ru'), (6000001, 'Expert', 'ru')`, nil},
		{`INSERT INTO problems (author_id, kind, sector_id, region_id, title, body, status, language, first_answer_at)
			SELECT 6000000, 'problem', (SELECT id FROM sectors ORDER BY random() + g * 0 LIMIT 1), (SELECT min(id) FROM regions),
				(SELECT string_agg(($1::text[])[floor(exp(random() * ln(cardinality($1::text[]))))::int], ' ') FROM generate_series(1, 4 + g * 0)),
				(SELECT string_agg(($1::text[])[floor(exp(random() * ln(cardinality($1::text[]))))::int], ' ') FROM generate_series(1, 15 + g * 0)),
				CASE WHEN g % 3 = 0 THEN 'resolved' ELSE 'answered' END, 'ru', now()
			FROM generate_series(1, $2) g`, []any{pq.Array(words), r.o.users}},
		{`INSERT INTO messages (problem_id, author_id, author_role, text, chat_id, tg_message_id)
			SELECT p.id, 6000001, 'expert',
				(SELECT string_agg(($1::text[])[floor(exp(random() * ln(cardinality($1::text[]))))::int], ' ') FROM generate_series(1, 12 + (p.id * 0)::int)),
				6000001, p.id
			FROM problems p`, []any{pq.Array(words)}},
		{`ANALYZE problems`, nil},
		{`ANALYZE messages`, nil},
		{`ANALYZE lexicon`, nil},
		// As autovacuum would after so many writes: each answer rewrote its
		// problem's document, and a search would read the old ones too.
		{`VACUUM ANALYZE search_docs`, nil},
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
	// /search: one to three words of the industries.
	search := func(rng *rand.Rand) storage.Query {
		q := make([]string, 1+rng.IntN(3))
		for i := range q {
			q[i] = vocabulary[rng.IntN(len(vocabulary))]
		}
		return storage.Query{Words: q, Limit: 5}
	}
	// The hint while posting: a new request's title and description,
	// written as the corpus is; open requests are found too.
	hint := func(rng *rand.Rand) storage.Query {
		var text []string
		for range 19 {
			text = append(text, words[pick(rng, len(words))])
		}
		return storage.Query{Words: storage.SearchWords(strings.Join(text, " ")), Open: true, Most: true, Limit: 3}
	}
	for _, kind := range []struct {
		name  string
		query func(*rand.Rand) storage.Query
	}{{"searches", search}, {"hints", hint}} {
		if err := r.timeSearches(ctx, db, kind.name, kind.query); err != nil {
			return err
		}
	}
	return nil
}

// timeSearches makes -updates searches of one kind and reports the time
// each took, with the plan of the slowest.
func (r *runner) timeSearches(ctx context.Context, db *storage.DB, name string, query func(*rand.Rand) storage.Query) error {
	rng := rand.New(rand.NewPCG(1, 2))
	var took []time.Duration
	var slowest storage.Query
	var slow time.Duration
	found := 0
	for range r.o.updates {
		q := query(rng)
		t0 := time.Now()
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			res, _, err := tx.Search(ctx, q)
			found += len(res)
			return err
		})
		if err != nil {
			return err
		}
		took = append(took, time.Since(t0))
		if d := time.Since(t0); d > slow {
			slow, slowest = d, q
		}
	}
	slices.Sort(took)
	p := func(p float64) time.Duration {
		return took[min(len(took)-1, int(p*float64(len(took))))].Round(10 * time.Microsecond)
	}
	fmt.Fprintf(r.out, "%s: %d, %.1f results each; p50 %v, p99 %v, max %v\n",
		name, len(took), float64(found)/float64(len(took)), p(.5), p(.99), took[len(took)-1].Round(10*time.Microsecond))
	return db.InTx(ctx, func(tx *storage.Tx) error {
		plan, err := tx.ExplainSearch(ctx, slowest)
		fmt.Fprintf(r.out, "plan of the slowest, for «%s»:\n%s\n", strings.Join(slowest.Words, " "), plan)
		return err
	})
}

// pick is the index of a word among n as texts choose them: the chance of
// the k-th is about 1/k (log-uniform, as Zipf's law has it for words), as
// the corpus's statement picks them.
func pick(rng *rand.Rand, n int) int {
	return min(n, int(math.Exp(rng.Float64()*math.Log(float64(n))))) - 1
}
