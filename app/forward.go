package app

import (
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/server"
	"github.com/tokentray/tokentray/internal/peer"
	"github.com/tokentray/tokentray/words"
)

// The forwarding socket (control.ForwardSocketPath): the one a person
// forwards to a server with `ssh -R`, or mounts into a container. What it
// answers, and for whom, is internal/control/server's (forward.go there):
// token requests only, for the tray's own profile file, with the access
// token alone, as the profile file's forwarded setting says. The tray's
// part is here: listening, and when forwarded = "ask" (the default),
// asking the person in a notification and the menu; an answer holds for
// as long as the connection that asked (the ssh client that forwards, or
// a container's session).
//
// The control socket, forwarded by mistake, would give a server all of
// the tray; a connection to it from an ssh client is refused, saying
// which socket to forward (server.go; Linux, where the peer's program can
// be read).

// askFor is how long a question stands before it is refused unanswered.
const askFor = time.Minute

// forwards are the questions waiting for the person and the answers
// remembered.
type forwards struct {
	mu sync.Mutex
	// answered holds each remembered answer by peer key and profile:
	// Allow and Refuse hold for the connection (or session) that asked.
	answered map[string]bool
	pending  []*question // oldest first
	seq      int
}

type question struct {
	control.Asking
	// key is the peer's key and the profile; "" for a peer that cannot
	// be named (its answer holds for this request only).
	key     string
	done    chan struct{}
	allowed bool
	// why the request was refused: a next step for the caller.
	why string
}

// answerKey is what an answer is remembered by: "" for a peer that
// cannot be named.
func answerKey(p peer.Process, profile string) string {
	k := p.Key()
	if k == "" {
		return ""
	}
	return k + "\x00" + profile
}

// prune forgets the answers given to connections that have ended.
func (f *forwards) prune() {
	for k := range f.answered {
		pk, _, _ := strings.Cut(k, "\x00")
		if !peer.Alive(pk) {
			delete(f.answered, k)
		}
	}
}

// decorate puts the oldest waiting question into v.
func (f *forwards) decorate(v *control.View) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pending) > 0 {
		a := f.pending[0].Asking
		v.Asking = &a
	}
}

// startForwarding listens on the forwarding socket; stop ends it. A
// socket that cannot be made (no AF_UNIX) leaves the tray without one.
func (r *Resident) startForwarding() (stop func()) {
	path, err := control.ForwardSocketPath()
	if err != nil {
		r.log.Warn("no forwarding socket", "err", err)
		return func() {}
	}
	ln, err := listen(path)
	if err != nil {
		r.log.Warn("no forwarding socket", "err", err)
		return func() {}
	}
	r.log.Debug("forwarding socket", "path", path)
	go r.serveForward(ln)
	return func() {
		ln.Close()
		_ = os.Remove(path)
	}
}

// serveForward answers the forwarding socket until ln is closed, through
// the same Server as the control socket (Server.ServeForwarded: token
// requests only, as the profile file's forwarded setting says).
func (r *Resident) serveForward(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		// The same user only, as on the control socket: the ssh client
		// that forwards runs as this user, and so does a container that
		// this user started.
		if err := peerIsUser(c); err != nil {
			r.log.Warn("forwarding socket: connection refused", "err", err)
			c.Close()
			continue
		}
		p, _ := peer.Of(c)
		go r.srv.ServeForwarded(r.ctx, c, p)
	}
}

// AskForward asks the person whether p may have name's access token, and
// waits for the answer: nil when allowed (server.Tray; the server asks it
// when the profile file says forwarded = "ask"). An answer is remembered
// for as long as p's connection (or session) lasts; one question stands
// for all of its requests at once.
func (r *Resident) AskForward(ctx context.Context, p peer.Process, name string, send func(control.Message) error) error {
	f := &r.fwd
	key := answerKey(p, name)
	f.mu.Lock()
	f.prune()
	if allowed, ok := f.answered[key]; ok && key != "" {
		f.mu.Unlock()
		if allowed {
			return nil
		}
		return server.NotForwarded(words.T("It was refused at the tray for this connection; connect again to be asked again."), "refused at the tray")
	}
	var q *question
	for _, w := range f.pending {
		if key != "" && w.key == key {
			q = w
		}
	}
	fresh := q == nil
	if fresh {
		f.seq++
		who := p.Who()
		if who == "" {
			who = words.T("a program elsewhere")
		}
		q = &question{Asking: control.Asking{ID: strconv.Itoa(f.seq), Who: who, Profile: name, Until: time.Now().Add(askFor)},
			key: key, done: make(chan struct{})}
		f.pending = append(f.pending, q)
	}
	f.mu.Unlock()
	if fresh {
		r.changed()
		id := q.ID
		r.note.Notify("forward-"+id,
			words.T("{who} asks for the access token of {profile}", "who", q.Who, "profile", name),
			words.T("Click here to allow it for this connection. Without an answer it is refused in {duration}; the tray menu can allow or refuse it too.", "duration", words.Duration(askFor)),
			func() { r.answerForward(id, true) })
		time.AfterFunc(askFor, func() { r.expireForward(id) })
	}
	_ = send(control.Message{Asking: words.T("Asking at your tray first: choose Allow in its menu or notification there.")})
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-q.done:
	}
	if q.allowed {
		return nil
	}
	return server.NotForwarded(q.why, "not allowed at the tray")
}

// answerForward answers the question id: allowed or refused, for the
// connection that asked.
func (r *Resident) answerForward(id string, allow bool) {
	why := words.T("It was refused at the tray for this connection; connect again to be asked again.")
	if r.fwd.settle(id, allow, true, why) {
		r.log.Info("forwarded request answered at the tray", "allowed", allow)
		r.changed()
	}
}

// expireForward refuses the question id if it still stands: this request
// only; the next one asks again.
func (r *Resident) expireForward(id string) {
	if r.fwd.settle(id, false, false, words.T("No one answered the tray's question in time; try again and choose Allow there.")) {
		r.changed()
	}
}

// settle ends the question id, if it still stands; remember keeps the
// answer for the connection that asked.
func (f *forwards) settle(id string, allow, remember bool, why string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, q := range f.pending {
		if q.ID != id {
			continue
		}
		f.pending = append(f.pending[:i:i], f.pending[i+1:]...)
		q.allowed, q.why = allow, why
		if remember && q.key != "" {
			if f.answered == nil {
				f.answered = map[string]bool{}
			}
			f.answered[q.key] = allow
		}
		close(q.done)
		return true
	}
	return false
}
