package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/defaults"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// What each request does: the work behind Server.Handle's answers, and
// what the tray's own actions (copy, sign out) share with it.

// Token is an access token of profile ("" is the default one) valid for
// more than minValid, renewed first where it is not.
func (s *Server) Token(ctx context.Context, profile string, minValid time.Duration) (control.Token, error) {
	sess, err := s.sessions.Session(profile)
	if err != nil {
		return control.Token{}, err
	}
	res, err := sess.Get(ctx, minValid)
	if err != nil {
		return control.Token{}, ErrorFor(err, sess.Profile().Name)
	}
	t := control.Token{AccessToken: res.Token.AccessToken, TokenType: res.Token.Type(), Expiry: res.Token.Expiry}
	if s.tray != nil {
		// The front warns in the tray's language. A command answered in
		// its own process has chosen its language already.
		t.Lang = words.Language()
	}
	if res.Warning != nil {
		t.Warning = res.Warning.Error()
	}
	return t, nil
}

// gitToken is Token for the profile whose git_urls hold gitURL, with the
// user name git presents; nil when none does (git asks its next helper).
func (s *Server) gitToken(ctx context.Context, gitURL string, minValid time.Duration) (*control.Token, error) {
	cfg, err := s.sessions.Config()
	if err != nil {
		return nil, err
	}
	p := cfg.GitProfile(gitURL)
	if p == nil {
		return nil, nil // not ours: git asks its next helper
	}
	tok, err := s.Token(ctx, p.Name, minValid)
	tok.GitUsername = p.GitUsername
	if tok.GitUsername == "" {
		tok.GitUsername = "oauth2"
	}
	return &tok, err
}

// edit answers a change of the profile file, which everyone sees at once.
func (s *Server) edit(err error) (control.Message, error) {
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
func (s *Server) remove(ctx context.Context, name string) (control.LogoutResult, error) {
	sess, err := s.sessions.Session(name)
	if err != nil {
		return control.LogoutResult{}, err
	}
	if p := sess.Profile(); p.Managed {
		// Before the sign-out: a refusal must change nothing.
		return control.LogoutResult{}, &control.Error{Kind: control.KindUsage, Profile: p.Name,
			Msg: fmt.Sprintf("%s is managed by %s and cannot be removed here; you can sign out of it", p.Name, organization(s.sessions.Policy()))}
	}
	res, err := s.Logout(ctx, name)
	if err != nil {
		return res, err
	}
	if err := s.sessions.Store().DeleteSecret(sess.Profile().Name); err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return res, ErrorFor(err, name)
	}
	_, err = s.edit(profile.RemoveProfile(s.sessions.Path(), sess.Profile().Name, s.sessions.Managed()))
	return res, err
}

// Inspect looks inside the profile's sign-in: its state, and what its
// access token (renewed first if it is about to expire) says of itself.
func (s *Server) Inspect(ctx context.Context, profile string) (control.Inspection, error) {
	sess, err := s.sessions.Session(profile)
	if err != nil {
		return control.Inspection{}, err
	}
	name := sess.Profile().Name
	tok, err := s.Token(ctx, name, defaults.MinValid)
	if err != nil {
		return control.Inspection{}, err
	}
	p, _ := s.View().Profile(name)
	return control.Inspect(p, tok.AccessToken), nil
}

// SignIn signs profile in, showing its progress through o.
func (s *Server) SignIn(ctx context.Context, profile string, o control.LoginOptions) (control.LoginResult, error) {
	sess, err := s.sessions.Session(profile)
	if err != nil {
		return control.LoginResult{}, err
	}
	name := sess.Profile().Name
	describe := func(err error) (string, string) {
		w := control.Explain(ErrorFor(err, name))
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
		return control.LoginResult{}, ErrorFor(err, sess.Profile().Name)
	}
	return control.LoginResult{Who: rec.Who(), Expiry: rec.Expiry, SignedInAt: rec.SignedInAt, HasRefreshToken: rec.RefreshToken != ""}, nil
}

// flows maps the contract's sign-in choices to the engine's.
var flows = map[control.Flow]auth.Flow{
	control.FlowAuto: auth.FlowAuto, control.FlowPreferDevice: auth.FlowPreferDevice,
	control.FlowDevice: auth.FlowDevice, control.FlowBrowser: auth.FlowBrowser,
}

// Logout signs out of profile: the provider revokes its tokens, and the
// keychain forgets them.
func (s *Server) Logout(ctx context.Context, profile string) (control.LogoutResult, error) {
	sess, err := s.sessions.Session(profile)
	if err != nil {
		return control.LogoutResult{}, err
	}
	res, err := sess.Logout(ctx)
	if err != nil {
		return control.LogoutResult{}, ErrorFor(err, sess.Profile().Name)
	}
	r := control.LogoutResult{WasSignedIn: res.WasSignedIn, Revoked: res.Revoked, NotAsked: res.NotAsked}
	if res.RevokeErr != nil {
		r.RevokeErr = res.RevokeErr.Error()
	}
	return r, nil
}
