// Package server is the server half of the contract in internal/control:
// it answers every request over a profile file's sessions (auth.Sessions),
// builds the View, and turns the engine's errors into the typed ones that
// cross the socket. The tray serves it on the control socket, with its own
// part (Tray) added, and the token requests alone on its forwarding socket
// (ServeForwarded); a command run when no tray serves its profile file
// runs it in its own process (Direct). Each request has this one
// implementation, whichever process runs it, so both answer alike.
package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"path/filepath"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/peer"
	"github.com/tokentray/tokentray/words"
)

// Server answers the requests of one profile file's sessions.
type Server struct {
	sessions *auth.Sessions
	tray     Tray
	// Log notes the requests from elsewhere (ServeForwarded) and how each
	// was answered; nil notes nothing. It never holds a token.
	Log *slog.Logger
}

// Tray is what a running tray adds: the requests only it answers
// (control.Op.TrayOnly), and its part in two that everyone answers. A
// command run on its own has none.
type Tray interface {
	// View is the tray's View: the sessions' (Server.View) with the
	// sign-ins it runs and start at login.
	View() control.View
	// Login runs a sign-in as the tray's own, which shows its progress;
	// Server.SignIn does the signing in.
	Login(ctx context.Context, profile string, o control.LoginOptions) (control.LoginResult, error)
	// SignedOut says that the profile ("" is the default one) was signed
	// out: a token the tray copied is revoked with it.
	SignedOut(profile string)

	Show(window, profile string)                                    // OpShow
	Watch(ctx context.Context, send func(control.View) error) error // OpWatch: until ctx ends
	SignIn(profile string, show bool)                               // OpSignIn
	CancelSignIn(profile string) bool                               // OpCancel
	CopySignInLink(profile string) error                            // OpCopyLink
	OpenSignInPage(profile string) error                            // OpOpenPage
	SetAutostart(on bool) error                                     // OpAutostart
	Copy(profile string, header bool) error                         // OpCopy
	CopyClaim(ctx context.Context, profile, claim string) error     // OpCopyClaim

	// AskForward asks the person whether from, a request from elsewhere
	// (ServeForwarded) with the profile file's forwarded = "ask", may have
	// profile's access token, and waits for the answer: nil when allowed,
	// else a NotForwarded error that says why not. It may send the caller
	// a Message.Asking meanwhile.
	AskForward(ctx context.Context, from peer.Process, profile string, send func(control.Message) error) error
}

// New is a server of sessions; tray is the running tray, or nil in a
// command run on its own.
func New(sessions *auth.Sessions, tray Tray) *Server {
	return &Server{sessions: sessions, tray: tray}
}

// Handle answers req; send streams the messages before the last.
func (s *Server) Handle(ctx context.Context, req control.Request, send func(control.Message) error) (control.Message, error) {
	path := s.sessions.Path()
	if req.Op.ForFile() && filepath.Clean(req.Config) != filepath.Clean(path) {
		// Another file's commands run in the caller's own process.
		return control.Message{}, control.Errorf(control.KindElsewhere, "this tray serves %s", path)
	}
	if req.Op.TrayOnly() && s.tray == nil {
		return control.Message{}, control.Errorf(control.KindUsage, "%q needs the tray, and none is running", req.Op)
	}
	switch req.Op {
	case control.OpPing:
		return control.Message{}, nil
	case control.OpToken:
		tok, err := s.Token(ctx, req.Profile, req.MinValid)
		return control.Message{Token: &tok}, err
	case control.OpGitToken:
		tok, err := s.gitToken(ctx, req.GitURL, req.MinValid)
		return control.Message{Token: tok}, err
	case control.OpStatus:
		v := s.status()
		return control.Message{View: &v}, nil
	case control.OpInspect:
		in, err := s.Inspect(ctx, req.Profile)
		return control.Message{Inspection: &in}, err
	case control.OpLogin:
		login := s.SignIn
		if s.tray != nil {
			login = s.tray.Login
		}
		res, err := login(ctx, req.Profile, control.LoginOptions{Flow: req.Flow, Timeout: req.Timeout,
			Open:   func(u string) error { return send(control.Message{URL: u}) },
			Device: func(d control.DeviceCode) { _ = send(control.Message{Device: &d}) },
		})
		return control.Message{Login: &res}, err
	case control.OpLogout:
		res, err := s.Logout(ctx, req.Profile)
		s.signedOut(req.Profile, res)
		return control.Message{Logout: &res}, err
	case control.OpImport:
		if req.Preview {
			p, err := preview(req.File, s.sessions.Policy())
			if p != nil {
				p.SetsAside = profile.Broken(path, s.sessions.Managed())
			}
			return control.Message{Preview: p}, err
		}
		res, err := profile.ImportProfiles(path, req.File, req.Sum, s.sessions.Policy(), s.sessions.Managed())
		_, _ = s.sessions.Reload()
		return control.Message{Names: res.Names, SetAside: res.SetAside}, err
	case control.OpRemove:
		res, err := s.remove(ctx, req.Profile)
		s.signedOut(req.Profile, res)
		return control.Message{Logout: &res}, err
	case control.OpDefault:
		return s.edit(profile.SetDefault(path, req.Profile, s.sessions.Managed()))
	case control.OpClipboard:
		return s.edit(profile.SetClipboardClear(path, time.Duration(req.Seconds)*time.Second, s.sessions.Managed()))

	case control.OpShow:
		s.tray.Show(req.Window, req.Profile)
		return control.Message{}, nil
	case control.OpWatch:
		return control.Message{}, s.tray.Watch(ctx, func(v control.View) error { return send(control.Message{View: &v}) })
	case control.OpSignIn:
		// The sign-in window shows how it goes; one asking needs no raise.
		s.tray.SignIn(req.Profile, req.Window != "signin")
		return control.Message{}, nil
	case control.OpCancel:
		return control.Message{NoSignIn: !s.tray.CancelSignIn(req.Profile)}, nil
	case control.OpCopyLink:
		return control.Message{}, s.tray.CopySignInLink(req.Profile)
	case control.OpOpenPage:
		return control.Message{}, s.tray.OpenSignInPage(req.Profile)
	case control.OpAutostart:
		return control.Message{}, s.tray.SetAutostart(req.Autostart)
	case control.OpCopy:
		return control.Message{}, s.tray.Copy(req.Profile, req.Header)
	case control.OpCopyClaim:
		return control.Message{}, s.tray.CopyClaim(ctx, req.Profile, req.Claim)
	}
	return control.Message{}, control.Errorf(control.KindUnknownOp, "this tokentray does not know the request %q", req.Op)
}

// status is the View a status request answers. The tray's has a sign-in
// only while it waits (a code to enter elsewhere); how the last one ended
// is the windows' business, and a command run without the tray must
// answer the same.
func (s *Server) status() control.View {
	if s.tray == nil {
		return s.View()
	}
	v := s.tray.View()
	v.Asking = nil // the person's to answer, not a command's
	for i := range v.Profiles {
		if !v.Profiles[i].SignIn.Active {
			v.Profiles[i].SignIn = control.SignInView{}
		}
	}
	return v
}

// signedOut tells the tray of a sign-out that ended a sign-in.
func (s *Server) signedOut(profile string, res control.LogoutResult) {
	if s.tray != nil && res.WasSignedIn {
		s.tray.SignedOut(profile)
	}
}

// handler answers one request; send streams the messages before the last.
type handler func(ctx context.Context, req control.Request, send func(control.Message) error) (control.Message, error)

// ServeConn answers the one request of conn: the request's messages, then
// the last one with Done set. The caller hanging up cancels the request.
func (s *Server) ServeConn(ctx context.Context, conn net.Conn) {
	serve(ctx, conn, s.Handle)
}

func serve(ctx context.Context, conn net.Conn, h handler) {
	defer conn.Close()
	enc := json.NewEncoder(conn)
	req, err := control.ReadRequest(conn)
	if err != nil {
		_ = enc.Encode(control.Message{Err: control.Errorf(control.KindUsage, "bad request: %v", err), Done: true})
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		_, _ = conn.Read(make([]byte, 1))
		cancel()
	}()
	send := func(m control.Message) error { return enc.Encode(m) }
	_ = send(control.Message{Ack: true}) // alive: see control.AckTimeout
	m, err := h(ctx, req, send)
	if err != nil {
		m = control.Message{Err: ErrorFor(err, req.Profile)}
		m.Err.Lang = words.Language()
	}
	m.Done = true
	_ = send(m)
}

// Direct connects the command line to a server in its own process, for
// when no tray serves the profile file: the same requests, answered the
// same way, without a socket.
func Direct(config string, opts auth.Options) func() net.Conn {
	s := New(auth.NewSessions(config, opts), nil)
	return func() net.Conn {
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.ServeConn(context.Background(), server)
		}()
		return directConn{client, done}
	}
}

// directConn's Close waits for the request to end: a command that is
// interrupted must not exit while a refresh it sent is still on its way
// to the keychain (the provider may have rotated already). The refresh
// itself is bounded by its HTTP timeout.
type directConn struct {
	net.Conn
	done <-chan struct{}
}

func (c directConn) Close() error {
	err := c.Conn.Close()
	<-c.done
	return err
}
