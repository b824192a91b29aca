package bot

import (
	"fmt"
	"testing"
)

func TestBatches(t *testing.T) {
	chats := func(n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(i + 1)
		}
		return out
	}
	tests := []struct {
		chats, workers, max int
		want                string // sizes of the batches
	}{
		{0, 8, 32, "[]"},
		{1, 8, 32, "[1]"},
		{8, 8, 32, "[1 1 1 1 1 1 1 1]"},
		{9, 8, 32, "[2 2 2 2 1]"},
		{100, 8, 32, "[13 13 13 13 13 13 13 9]"},
		{1000, 8, 32, fmt.Sprint(append(repeat(32, 31), 8))},
	}
	for _, tt := range tests {
		var sizes []int
		seen := 0
		for _, b := range batches(chats(tt.chats), tt.workers, tt.max) {
			sizes = append(sizes, len(b))
			for _, c := range b {
				if c != int64(seen+1) {
					t.Fatalf("%d chats: batch holds chat %d out of order", tt.chats, c)
				}
				seen++
			}
		}
		if got := fmt.Sprint(sizes); got != tt.want || seen != tt.chats {
			t.Errorf("%d chats, %d workers: batches of %s (%d chats), want %s", tt.chats, tt.workers, got, seen, tt.want)
		}
	}
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}
