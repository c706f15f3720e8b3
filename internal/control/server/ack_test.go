package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/tokentray/tokentray/internal/control"
)

// The caller hears from a live server within control.AckTimeout: the
// answer itself when it is ready at once, else an Ack first (a stopped
// tray says nothing, and its caller runs the request itself).
func TestFirstMessage(t *testing.T) {
	tok := &control.Token{AccessToken: "at-000001", TokenType: "Bearer"}
	for _, c := range []struct {
		name string
		// wait is ackAfter: a test of an answer that comes alone must
		// not depend on how busy the machine is.
		wait time.Duration
		// handle answers the request; release is closed once the test has
		// read the first line.
		handle func(release <-chan struct{}, send func(control.Message) error) control.Message
		want   []string // the lines, in order
	}{
		{"an answer from memory comes alone", time.Hour,
			func(<-chan struct{}, func(control.Message) error) control.Message { return control.Message{Token: tok} },
			[]string{`{"token":{"access_token":"at-000001","token_type":"Bearer"},"done":true}`}},
		{"a slow answer is acked first", ackAfter,
			func(release <-chan struct{}, _ func(control.Message) error) control.Message {
				<-release
				return control.Message{Token: tok}
			},
			[]string{`{"ack":true}`, `{"token":{"access_token":"at-000001","token_type":"Bearer"},"done":true}`}},
		{"a message sent at once needs no ack", time.Hour,
			func(release <-chan struct{}, send func(control.Message) error) control.Message {
				_ = send(control.Message{URL: "https://id.example.com/authorize"})
				<-release
				return control.Message{}
			},
			[]string{`{"url":"https://id.example.com/authorize"}`, `{"done":true}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func(was time.Duration) { ackAfter = was }(ackAfter)
			ackAfter = c.wait
			client, srv := net.Pipe()
			release := make(chan struct{})
			go serve(context.Background(), srv, func(_ context.Context, _ control.Request, send func(control.Message) error) (control.Message, error) {
				return c.handle(release, send), nil
			})
			go func() { _ = json.NewEncoder(client).Encode(control.Request{Op: control.OpToken}) }()
			r := bufio.NewScanner(client)
			var got []string
			for r.Scan() {
				got = append(got, r.Text())
				if len(got) == 1 {
					close(release)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("line %d: got %s, want %s", i+1, got[i], c.want[i])
				}
			}
		})
	}
}
