package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/server"
	"github.com/tokentray/tokentray/internal/peer"
)

// The resident's side of the control socket: who may connect. What each
// request answers is internal/control/server's, the same code the command
// line runs when no tray does; the tray adds its own part (server.Tray).

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
		if peer.ViaSSH(c) {
			// Forwarded to another machine: the forwarding socket is the
			// one for that (forward.go).
			r.log.Warn("control socket: a connection through ssh refused; forward " + control.ForwardSocketName + " instead")
			go server.RefuseForwardedControl(r.ctx, c)
			continue
		}
		go r.srv.ServeConn(r.ctx, c)
	}
}

// Watch hands send every View the loop renders until ctx ends.
func (r *Resident) Watch(ctx context.Context, send func(control.View) error) error {
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
			if err := send(v); err != nil {
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
