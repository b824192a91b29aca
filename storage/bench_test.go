package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/atameken/expertbot/storage"
	"github.com/atameken/expertbot/storage/storagetest"
)

// Benchmarks of what the database does for each update of a burst, on the
// PostgreSQL of DATABASE_URL: keeping a poll's hundred updates, and
// handling a hundred chats' updates with a reply each, as a batch of the
// dispatcher does. The load generator measures the whole bot; these
// measure the statements alone, with no other load on the machine. Run
//
//	go test ./storage/ -run '^$' -bench . -benchtime 300x
//
// scripts/test runs each once, so that they cannot rot.

// pollBatch is how many updates one getUpdates gives at most.
const pollBatch = 100

// helpUpdates returns n batches of /help messages, as Telegram sends them
// (about 400 bytes each), with ids from 1, each from a user of its own, as
// in a campaign's first minutes: the user of update i is i.
func helpUpdates(n int) [][]storage.Update {
	batches := make([][]storage.Update, n)
	id := int64(0)
	for i := range batches {
		batches[i] = make([]storage.Update, pollBatch)
		for j := range batches[i] {
			id++
			batches[i][j] = storage.Update{ID: id, ChatID: id, UserID: id, Kind: "message", Payload: []byte(fmt.Sprintf(
				`{"update_id":%d,"message":{"message_id":%[1]d,"from":{"id":%[1]d,"is_bot":false,"first_name":"Айгерим","last_name":"Нұрланқызы","username":"aigerim_n","language_code":"kk"},"chat":{"id":%[1]d,"first_name":"Айгерим","last_name":"Нұрланқызы","username":"aigerim_n","type":"private"},"date":1700000000,"text":"/help","entities":[{"offset":0,"length":5,"type":"bot_command"}]}}`,
				id))}
		}
	}
	return batches
}

func BenchmarkSaveUpdates(b *testing.B) {
	db, _ := storagetest.NewDB(b)
	ctx := context.Background()
	batches := helpUpdates(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for _, batch := range batches {
		if n, err := db.SaveUpdates(ctx, batch); err != nil || n != len(batch) {
			b.Fatalf("kept %d of %d: %v", n, len(batch), err)
		}
	}
	b.ReportMetric(float64(b.N*pollBatch)/b.Elapsed().Seconds(), "updates/s")
}

func BenchmarkHandleBatch(b *testing.B) {
	db, _ := storagetest.NewDB(b)
	ctx := context.Background()
	batches := helpUpdates(b.N)
	chats := make([][]int64, b.N)
	for i, batch := range batches {
		users := make([]storage.User, len(batch))
		for j, u := range batch {
			chats[i] = append(chats[i], u.ChatID)
			users[j] = storage.User{ID: u.UserID, Username: "aigerim_n", FirstName: "Айгерим", LastName: "Нұрланқызы", TelegramLanguage: "kk"}
		}
		err := db.InTx(ctx, func(tx *storage.Tx) error { return tx.TouchUsers(ctx, users) })
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.SaveUpdates(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	help := strings.Repeat("<b>/new</b> — опишите проблему отрасли; эксперты центров ответят здесь.\n", 8)
	reply := func(ctx context.Context, tx *storage.Tx, u *storage.Update) error {
		return tx.Enqueue(ctx, storage.Call{ChatID: u.ChatID, Method: "sendMessage",
			Params: storage.Params{"chat_id": fmt.Sprint(u.ChatID), "text": help, "parse_mode": "HTML"}})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		handled, _, _, err := db.HandleBatch(ctx, chats[i], nil, reply)
		if err != nil || len(handled) != len(chats[i]) {
			b.Fatalf("handled %d of %d: %v", len(handled), len(chats[i]), err)
		}
	}
	b.ReportMetric(float64(b.N*pollBatch)/b.Elapsed().Seconds(), "updates/s")
}
