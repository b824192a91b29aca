package sender

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestCarriedOut(t *testing.T) {
	for _, c := range []struct {
		result string
		id     int64
		album  []int64
	}{
		{`{"message_id":42,"date":1,"chat":{"id":7,"type":"private"}}`, 42, nil},
		{` [{"message_id":5,"date":1},{"message_id":6,"date":1}]`, 5, []int64{5, 6}},
		{`true`, 0, nil}, // answerCallbackQuery, setMyCommands
	} {
		got := carriedOut(3, json.RawMessage(c.result))
		if got.ID != 3 || got.MessageID != c.id || !slices.Equal(got.AlbumIDs, c.album) {
			t.Errorf("carriedOut(%s) = %+v, want message %d, album %v", c.result, *got, c.id, c.album)
		}
	}
}
