package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/tokentray/tokentray/internal/control"
)

// The resident's side of the control socket: who may connect, which
// profile file it answers for, and the requests only a tray can answer.
// The rest is the service's, the same code the command line runs when no
// tray does.

// serve answers the control socket until ln is closed.
func (r *Resident) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		if err := peerIsUser(c); err != nil {
			r.log.Warn("control socket: connection refused", "err", err)
			c.Close()
			continue
		}
		go serveConn(r.ctx, c, r.handle)
	}
}

// fileOps answer for one profile file only: another file's commands run
// in the caller's own process.
var fileOps = map[control.Op]bool{
	control.OpToken: true, control.OpStatus: true, control.OpLogin: true, control.OpLogout: true,
	control.OpImport: true, control.OpRemove: true, control.OpDefault: true, control.OpClipboard: true,
	control.OpInspect: true, control.OpGitToken: true,
}

func (r *Resident) handle(ctx context.Context, req control.Request, send func(control.Message) error) (control.Message, error) {
	if fileOps[req.Op] && filepath.Clean(req.Config) != filepath.Clean(r.sessions.Path()) {
		return control.Message{}, control.Errorf(control.KindElsewhere, "this tray serves %s", r.sessions.Path())
	}
	switch req.Op {
	case control.OpStatus:
		// With a sign-in that waits (a code to enter elsewhere); how the
		// last one ended is the windows' business, and a command run
		// without the tray must answer the same.
		v := r.View()
		for i := range v.Profiles {
			if !v.Profiles[i].SignIn.Active {
				v.Profiles[i].SignIn = control.SignInView{}
			}
		}
		return control.Message{View: &v}, nil
	case control.OpShow:
		r.show(req.Window, req.Profile)
		return control.Message{}, nil
	case control.OpWatch:
		return control.Message{}, r.watch(ctx, send)
	case control.OpSignIn:
		r.SignIn(req.Profile) // the sign-in window shows how it goes
		return control.Message{}, nil
	case control.OpCancel:
		r.signIns.cancel(req.Profile)
		return control.Message{}, nil
	case control.OpCopyLink:
		p, _ := r.View().Profile(req.Profile)
		switch {
		case p.SignIn.Device != nil:
			// A user code alone signs no one in: the person must too.
			return control.Message{}, r.clip.Copy(p.SignIn.Device.UserCode, 0)
		case p.SignIn.URL == "":
			return control.Message{}, errors.New("no sign-in is waiting")
		}
		// The address is no secret (PKCE keeps the verifier here).
		return control.Message{}, r.clip.Copy(p.SignIn.URL, 0)
	case control.OpOpenPage:
		return control.Message{}, r.openSignInPage(req.Profile)
	case control.OpAutostart:
		return control.Message{}, r.SetAutostart(req.Autostart)
	case control.OpCopy:
		return control.Message{}, r.Copy(req.Profile, req.Header)
	case control.OpCopyClaim:
		return control.Message{}, r.copyClaim(ctx, req.Profile, req.Claim)
	}
	m, err := r.svc.handle(ctx, req, send)
	if (req.Op == control.OpLogout || req.Op == control.OpRemove) && m.Logout != nil && m.Logout.WasSignedIn {
		// The token the tray copied is revoked with the sign-in: not left
		// on the clipboard to paste.
		r.clip.ClearToken(r.profileName(req.Profile))
	}
	return m, err
}

// watch streams Views until the caller hangs up.
func (r *Resident) watch(ctx context.Context, send func(control.Message) error) error {
	ch := make(chan control.View, 1)
	ch <- r.View()
	r.mu.Lock()
	r.watchers[ch] = struct{}{}
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.watchers, ch)
		r.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case v := <-ch:
			if err := send(control.Message{View: &v}); err != nil {
				return err
			}
		}
	}
}

// listen takes over the socket path: a socket file nobody answers on is
// left from a crash and removed; one that answers belongs to a running
// resident (errRunning).
func listen(path string) (net.Listener, error) {
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, errRunning
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	// The directory is private already; this is belt and braces.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	return ln, nil
}

// errRunning means another resident serves the control socket.
var errRunning = errors.New("tokentray is already running")
