package fake

import (
	"bytes"
	"net/http"
	"time"
)

// deliver posts queued updates to a webhook, as Telegram does: one at a
// time in order, each until it is answered 200, with the secret token in
// X-Telegram-Bot-Api-Secret-Token. It stops when the webhook is changed or
// deleted, or the server closes.
func (s *Server) deliver(gen int, url, secret string) {
	client := &http.Client{Timeout: 10 * time.Second}
	for {
		s.mu.Lock()
		if s.hookGen != gen {
			s.mu.Unlock()
			return
		}
		var next *queuedUpdate
		for i := range s.queue {
			if len(s.allowed) == 0 || contains(s.allowed, s.queue[i].kind) {
				next = &s.queue[i]
				break
			}
		}
		if next == nil {
			ch := s.changed
			s.mu.Unlock()
			select {
			case <-ch:
			case <-time.After(200 * time.Millisecond):
			case <-s.closed:
				return
			}
			continue
		}
		u := *next
		s.mu.Unlock()

		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(u.raw))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := client.Do(req)
		ok := err == nil && resp.StatusCode == http.StatusOK
		if resp != nil {
			resp.Body.Close()
		}

		s.mu.Lock()
		s.stats.Posts++
		if ok {
			for i := range s.queue {
				if s.queue[i].id == u.id {
					s.queue = append(s.queue[:i], s.queue[i+1:]...)
					break
				}
			}
			s.notify()
		} else {
			s.stats.PostsFailed++
		}
		s.mu.Unlock()
		if !ok {
			select {
			case <-time.After(100 * time.Millisecond):
			case <-s.closed:
				return
			}
		}
	}
}
