package server

import (
	"errors"
	"net/url"
	"time"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/control"
)

// View is the View of the profile file's sessions: each session's one
// state, read from the keychain first where it has not been yet.
func (s *Server) View() control.View {
	cfg, err := s.sessions.Config() // reloads the file if it changed; Missing then says of it
	v := control.View{ConfigPath: s.sessions.Path(), Default: cfg.DefaultName(), ClipboardClear: cfg.ClipboardClear,
		NoFile: s.sessions.Missing()}
	if err != nil {
		v.ConfigErr = err.Error()
		var ce *profile.ConfigError
		if errors.As(err, &ce) {
			v.ManagedErr, v.ConfigWhere = ce.Managed, ce.Where()
		}
	}
	if pol := s.sessions.Policy(); pol != nil {
		v.Organization = pol.Organization
		if pol.Err != nil {
			v.PolicyErr = pol.Err.Error()
		}
	}
	for _, sess := range s.sessions.List() {
		pv := profileView(sess.Profile(), sess.Look())
		pv.Organization = v.Organization
		if pv.HasToken() || pv.State == control.NeedsSignIn {
			pv.Store = s.sessions.Store().Name()
		}
		v.Profiles = append(v.Profiles, pv)
	}
	return v
}

func profileView(p *profile.Profile, st auth.State) control.ProfileView {
	pv := control.ProfileView{
		Name: p.Name, Provider: providerName(p), Issuer: issuerOf(p), Grant: grantOf(p), State: stateName(st.Kind), Who: st.Who, Scope: st.Scope,
		Expiry: sec(st.Until), HasRefreshToken: st.HasRefreshToken, RefreshExpiry: sec(st.RefreshUntil),
		ServiceAccount: p.Machine(), SignedInAt: sec(st.SignedInAt), RefreshedAt: sec(st.RefreshedAt), Since: sec(st.Since),
		Managed: p.Managed,
	}
	if st.Err != nil {
		pv.Err = ErrorFor(st.Err, p.Name)
	}
	return pv
}

// issuerOf names who issues the profile's tokens: its issuer, else its
// token endpoint's origin.
func issuerOf(p *profile.Profile) string {
	if p.Issuer != "" {
		return p.Issuer
	}
	if u, err := url.Parse(p.TokenURL); err == nil {
		return u.Scheme + "://" + u.Host
	}
	return ""
}

// grantOf is how the profile signs in.
func grantOf(p *profile.Profile) string {
	if p.Grant == "" {
		return "authorization_code"
	}
	return p.Grant
}

// sec is t to the second: what people and scripts are shown.
func sec(t time.Time) time.Time { return t.Truncate(time.Second) }

// stateName is a state's name on the wire.
func stateName(k auth.StateKind) control.State {
	switch k {
	case auth.SignedOut:
		return control.SignedOut
	case auth.SigningIn:
		return control.SigningIn
	case auth.Valid:
		return control.Valid
	case auth.Refreshing:
		return control.Refreshing
	case auth.Retrying:
		return control.Retrying
	case auth.NeedsSignIn:
		return control.NeedsSignIn
	}
	return control.Unknown
}

// providerName is how people know the provider: the profile's
// display_name, else its host (without a port).
func providerName(p *profile.Profile) string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	raw := p.Issuer
	switch {
	case p.JWTBearer(), raw == "" && p.AuthURL == "":
		raw = p.TokenURL
	case raw == "":
		raw = p.AuthURL
	}
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return raw
}
