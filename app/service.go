package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/tokentray/tokentray/internal/words"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/control"
)

// handler answers one request; send streams the messages before the last.
type handler func(ctx context.Context, req control.Request, send func(control.Message) error) (control.Message, error)

// service answers the requests that need no tray: the command line runs
// one in its own process when no tray serves its profile file, and the tray
// runs one for its life, adding its own requests on top. Each request has
// this one implementation, whichever process runs it.
type service struct {
	sessions *auth.Sessions
	// login runs a sign-in; the tray's also shows its progress.
	login func(ctx context.Context, profile string, o control.LoginOptions) (control.LoginResult, error)
}

func newService(sessions *auth.Sessions) *service {
	s := &service{sessions: sessions}
	s.login = s.signIn
	return s
}

// Direct connects the command line to a service in its own process, for
// when no tray serves the profile file: the same requests, answered the
// same way, without a socket.
func Direct(config string, opts auth.Options) func() net.Conn {
	svc := newService(auth.NewSessions(config, opts))
	return func() net.Conn {
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			serveConn(context.Background(), server, svc.handle)
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

func (s *service) handle(ctx context.Context, req control.Request, send func(control.Message) error) (control.Message, error) {
	path := s.sessions.Path()
	switch req.Op {
	case control.OpPing:
		return control.Message{}, nil
	case control.OpToken:
		tok, err := s.token(ctx, req.Profile, req.MinValid)
		return control.Message{Token: &tok}, err
	case control.OpGitToken:
		cfg, err := s.sessions.Config()
		if err != nil {
			return control.Message{}, err
		}
		p := cfg.GitProfile(req.GitURL)
		if p == nil {
			return control.Message{}, nil // not ours: git asks its next helper
		}
		tok, err := s.token(ctx, p.Name, req.MinValid)
		tok.GitUsername = p.GitUsername
		if tok.GitUsername == "" {
			tok.GitUsername = "oauth2"
		}
		return control.Message{Token: &tok}, err
	case control.OpStatus:
		v := viewOf(s.sessions)
		return control.Message{View: &v}, nil
	case control.OpInspect:
		in, err := s.inspect(ctx, req.Profile)
		return control.Message{Inspection: &in}, err
	case control.OpLogin:
		res, err := s.login(ctx, req.Profile, control.LoginOptions{Flow: req.Flow, Timeout: req.Timeout,
			Open:   func(u string) error { return send(control.Message{URL: u}) },
			Device: func(d control.DeviceCode) { _ = send(control.Message{Device: &d}) },
		})
		return control.Message{Login: &res}, err
	case control.OpLogout:
		res, err := s.logout(ctx, req.Profile)
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
		return control.Message{Logout: &res}, err
	case control.OpDefault:
		return s.edit(profile.SetDefault(path, req.Profile, s.sessions.Managed()))
	case control.OpClipboard:
		return s.edit(profile.SetClipboardClear(path, time.Duration(req.Seconds)*time.Second, s.sessions.Managed()))
	}
	if req.Op.TrayOnly() {
		return control.Message{}, control.Errorf(control.KindUsage, "%q needs the tray, and none is running", req.Op)
	}
	return control.Message{}, control.Errorf(control.KindUnknownOp, "this tokentray does not know the request %q", req.Op)
}

// edit answers a change of the profile file, which everyone sees at once.
func (s *service) edit(err error) (control.Message, error) {
	_, _ = s.sessions.Reload()
	return control.Message{}, err
}

// preview says what importing file would add, for the person to confirm:
// who vouches for it, and per profile where it signs in and what else it
// may do.
func preview(file string, pol *policy.Policy) (*control.ImportPreview, error) {
	imp, err := profile.ReadImport(file, pol)
	if err != nil {
		return nil, err
	}
	p := &control.ImportPreview{File: file, Sum: imp.Sum, Signature: signatureName[imp.Vouch.Status],
		Why: imp.Vouch.Why, Organization: imp.Vouch.Organization, Refused: imp.Refused}
	if imp.Vouch.Vouched() {
		p.Signer = imp.Vouch.Principal
	}
	for _, name := range imp.Config.Names {
		pr := imp.Config.Profiles[name]
		ip := control.ImportedProfile{Name: name, Where: pr.Where()}
		for _, pw := range pr.Powers() {
			ip.Powers = append(ip.Powers, profile.PowerWords(pw))
		}
		p.Profiles = append(p.Profiles, ip)
	}
	return p, nil
}

// organization names who manages this computer's tokentray: the policy's
// organization, or "your organisation".
func organization(pol *policy.Policy) string {
	if pol != nil && pol.Organization != "" {
		return pol.Organization
	}
	return "your organisation"
}

// signatureName is a signature's status on the wire.
var signatureName = map[policy.Status]string{
	policy.Unsigned: "unsigned", policy.Signed: "signed", policy.Mismatch: "mismatch", policy.NotAllowed: "not-allowed",
}

// remove takes a profile off this computer: signed out (the provider
// revokes its tokens), its secret forgotten, its table deleted from the
// file. A keychain that cannot be asked stops it before the file changes.
func (s *service) remove(ctx context.Context, name string) (control.LogoutResult, error) {
	sess, err := s.sessions.Session(name)
	if err != nil {
		return control.LogoutResult{}, err
	}
	if p := sess.Profile(); p.Managed {
		// Before the sign-out: a refusal must change nothing.
		return control.LogoutResult{}, &control.Error{Kind: control.KindUsage, Profile: p.Name,
			Msg: fmt.Sprintf("%s is managed by %s and cannot be removed here; you can sign out of it", p.Name, organization(s.sessions.Policy()))}
	}
	res, err := s.logout(ctx, name)
	if err != nil {
		return res, err
	}
	if err := s.sessions.Store().DeleteSecret(sess.Profile().Name); err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return res, errorFor(err, name)
	}
	_, err = s.edit(profile.RemoveProfile(s.sessions.Path(), sess.Profile().Name, s.sessions.Managed()))
	return res, err
}

func (s *service) token(ctx context.Context, profile string, minValid time.Duration) (control.Token, error) {
	sess, err := s.sessions.Session(profile)
	if err != nil {
		return control.Token{}, err
	}
	res, err := sess.Get(ctx, minValid)
	if err != nil {
		return control.Token{}, errorFor(err, sess.Profile().Name)
	}
	t := control.Token{AccessToken: res.Token.AccessToken, TokenType: res.Token.Type(), Expiry: res.Token.Expiry}
	if res.Warning != nil {
		t.Warning = res.Warning.Error()
	}
	return t, nil
}

// inspect looks inside the profile's sign-in: its state, and what its
// access token (renewed first if it is about to expire) says of itself.
func (s *service) inspect(ctx context.Context, profile string) (control.Inspection, error) {
	sess, err := s.sessions.Session(profile)
	if err != nil {
		return control.Inspection{}, err
	}
	name := sess.Profile().Name
	tok, err := s.token(ctx, name, auth.DefaultMinValid)
	if err != nil {
		return control.Inspection{}, err
	}
	p, _ := viewOf(s.sessions).Profile(name)
	return control.Inspect(p, tok.AccessToken), nil
}

func (s *service) signIn(ctx context.Context, profile string, o control.LoginOptions) (control.LoginResult, error) {
	sess, err := s.sessions.Session(profile)
	if err != nil {
		return control.LoginResult{}, err
	}
	name := sess.Profile().Name
	describe := func(err error) (string, string) {
		w := control.Explain(errorFor(err, name))
		return w.Headline, w.Next
	}
	opts := auth.LoginOptions{Open: o.Open, Timeout: o.Timeout, Describe: describe, Flow: flows[o.Flow]}
	if o.Device != nil {
		opts.Device = func(d auth.DeviceCode) {
			o.Device(control.DeviceCode{UserCode: d.UserCode, URI: d.VerificationURI, URIComplete: d.VerificationURIComplete, Expires: d.Expires, Why: d.Why})
		}
	}
	rec, err := sess.Login(ctx, opts)
	if err != nil {
		return control.LoginResult{}, errorFor(err, sess.Profile().Name)
	}
	return control.LoginResult{Who: rec.Who(), Expiry: rec.Expiry, SignedInAt: rec.SignedInAt, HasRefreshToken: rec.RefreshToken != ""}, nil
}

// flows maps the contract's sign-in choices to the engine's.
var flows = map[control.Flow]auth.Flow{
	control.FlowAuto: auth.FlowAuto, control.FlowPreferDevice: auth.FlowPreferDevice,
	control.FlowDevice: auth.FlowDevice, control.FlowBrowser: auth.FlowBrowser,
}

func (s *service) logout(ctx context.Context, profile string) (control.LogoutResult, error) {
	sess, err := s.sessions.Session(profile)
	if err != nil {
		return control.LogoutResult{}, err
	}
	res, err := sess.Logout(ctx)
	if err != nil {
		return control.LogoutResult{}, errorFor(err, sess.Profile().Name)
	}
	r := control.LogoutResult{WasSignedIn: res.WasSignedIn, Revoked: res.Revoked, NotAsked: res.NotAsked}
	if res.RevokeErr != nil {
		r.RevokeErr = res.RevokeErr.Error()
	}
	return r, nil
}

// serveConn answers the one request of conn with h: the request's
// messages, then the last one with Done set. The caller hanging up cancels
// the request.
func serveConn(ctx context.Context, conn net.Conn, h handler) {
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
		m = control.Message{Err: errorFor(err, req.Profile)}
		m.Err.Lang = words.Language()
	}
	m.Done = true
	_ = send(m)
}
