package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/peer"
	"github.com/tokentray/tokentray/words"
)

// The tray's forwarding socket (control.ForwardSocketPath): the one a
// person forwards to a server with `ssh -R`, or mounts into a container.
// How is a forwarded request told from a local one? Not by its peer: over
// ssh the peer is the local ssh client, a process of this very user, and a
// program of the same user can look like anything. So by the socket it
// came in on: everything on this one is from elsewhere, and gets less —
//
//   - the requests opScopes marks fromElsewhere only (token requests:
//     token, git-credential, kubectl-credential, exec), for the tray's own
//     profile file, answered by Handle with the access token alone:
//     refresh tokens and secrets never cross;
//   - as the profile file's forwarded setting says: "ask" (the default)
//     asks the person through the tray (Tray.AskForward), "answer",
//     "refuse".
//
// The control socket, forwarded by mistake, would give a server all of
// the tray; the tray refuses a connection to it from an ssh client with
// RefuseForwardedControl, which says which socket to forward.

// ServeForwarded answers the one request of conn, which came in on the
// tray's forwarding socket from the process from. Only a tray's Server
// (New with a Tray) serves one.
func (s *Server) ServeForwarded(ctx context.Context, conn net.Conn, from peer.Process) {
	serve(ctx, conn, func(ctx context.Context, req control.Request, send func(control.Message) error) (control.Message, error) {
		return s.Forwarded(ctx, from, req, send)
	})
}

// NotForwarded is the refusal of a request from elsewhere, with why as
// its next step for the caller and detail for the log.
func NotForwarded(why, detail string) *control.Error {
	return &control.Error{Kind: control.KindNotForwarded, Msg: detail, Fix: why}
}

// Forwarded answers req, a request that came through the forwarding
// socket from the process from.
func (s *Server) Forwarded(ctx context.Context, from peer.Process, req control.Request, send func(control.Message) error) (control.Message, error) {
	if !req.Op.FromElsewhere() {
		return control.Message{}, NotForwarded(
			words.T("Only token, git-credential, kubectl-credential and exec work through the forwarding socket; run the rest on the computer the tray runs on."),
			fmt.Sprintf("%q is not answered through the forwarding socket", req.Op))
	}
	if s.tray == nil {
		return control.Message{}, control.Errorf(control.KindUsage, "%q through the forwarding socket needs the tray, and none is running", req.Op)
	}
	// The tray's own profile file, whatever the caller's side calls its
	// own (a server has none).
	req.Config = s.sessions.Path()
	if req.Op == control.OpPing {
		return s.Handle(ctx, req, send)
	}
	cfg, err := s.sessions.Config()
	if err != nil {
		return control.Message{}, err
	}
	var name string
	switch req.Op {
	case control.OpGitToken:
		gp := cfg.GitProfile(req.GitURL)
		if gp == nil {
			return control.Message{}, nil // no profile holds it: git asks its next helper, and nothing crosses
		}
		name = gp.Name
	default:
		sess, err := s.sessions.Session(req.Profile)
		if err != nil {
			return control.Message{}, err
		}
		name = sess.Profile().Name
	}
	switch cfg.Forwarded {
	case profile.ForwardRefuse:
		s.log().Info("forwarded request refused (forwarded = refuse)", "op", req.Op, "profile", name, "from", from.Who())
		return control.Message{}, NotForwarded(
			words.T("Its profile file says forwarded = \"refuse\"; set it to \"ask\" or \"answer\" there to allow requests from elsewhere."),
			"forwarded = \"refuse\"")
	case profile.ForwardAsk:
		if err := s.tray.AskForward(ctx, from, name, send); err != nil {
			s.log().Info("forwarded request not allowed", "op", req.Op, "profile", name, "from", from.Who(), "err", err)
			return control.Message{}, err
		}
	}
	s.log().Info("forwarded request answered", "op", req.Op, "profile", name, "from", from.Who())
	if req.Op == control.OpToken {
		req.Profile = name
	}
	return s.Handle(ctx, req, send)
}

// log is where the server notes the requests from elsewhere.
func (s *Server) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// RefuseForwardedControl answers the one request of conn, a connection
// to the tray's control socket that an ssh client makes: the control
// socket forwarded to another machine, which would give it every
// request. It says which socket to forward.
func RefuseForwardedControl(ctx context.Context, conn net.Conn) {
	serve(ctx, conn, func(context.Context, control.Request, func(control.Message) error) (control.Message, error) {
		return control.Message{}, NotForwarded(
			words.T("This is the tray's control socket, which only programs on its own computer may use: forward {socket} instead.", "socket", control.ForwardSocketName),
			"the control socket was reached through ssh")
	})
}
