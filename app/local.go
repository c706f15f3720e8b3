package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"time"

	"github.com/tokentray/tokentray/auth"
)

// TokenReply is what `tokentray token` prints.
type TokenReply struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	Expiry      time.Time `json:"expiry,omitzero"`
	// Warning: the token is valid, but could not be renewed for as long as
	// asked (the provider is unreachable, or there is no refresh token).
	Warning string `json:"warning,omitempty"`
}

// LoginReply describes a finished sign-in.
type LoginReply struct {
	Who             string    `json:"who,omitempty"`
	Expiry          time.Time `json:"expiry,omitzero"`
	SignedInAt      time.Time `json:"signed_in_at,omitzero"`
	HasRefreshToken bool      `json:"refresh_token,omitempty"`
}

// LogoutReply describes a finished sign-out.
type LogoutReply struct {
	WasSignedIn bool   `json:"was_signed_in"`
	Revoked     bool   `json:"revoked"`
	RevokeErr   string `json:"revoke_error,omitempty"`
}

// Local runs commands on the sessions of one profile file, in this process:
// the command line's direct mode uses one for a single command, the
// resident keeps one for its life and serves it over the control socket.
// The file is read again whenever it changes on disk.
type Local struct {
	path string
	opts auth.Options

	mu       sync.Mutex
	cfg      *auth.Config
	stamp    fileStamp
	sessions map[string]*auth.Session
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// NewLocal opens the profile file at path; every session gets opts (one
// shared Store is best: it is one keychain).
func NewLocal(path string, opts auth.Options) *Local {
	if opts.Store == nil {
		opts.Store = auth.NewStore()
	}
	return &Local{path: path, opts: opts, sessions: map[string]*auth.Session{}}
}

// Path is the profile file.
func (l *Local) Path() string { return l.path }

// Store is the keychain the sessions share.
func (l *Local) Store() *auth.Store { return l.opts.Store }

// Sync reads the profile file again if it changed, and reports whether the
// set of sessions changed. A session whose profile is unchanged is kept, so
// a running refresh or sign-in is not disturbed by an edit elsewhere.
func (l *Local) Sync() (cfg *auth.Config, changed bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sync()
}

func (l *Local) sync() (*auth.Config, bool, error) {
	fi, err := os.Stat(l.path)
	var st fileStamp
	if err == nil {
		st = fileStamp{fi.ModTime(), fi.Size()}
	}
	if l.cfg != nil && st == l.stamp {
		return l.cfg, false, nil
	}
	cfg, err := auth.LoadConfig(l.path)
	if err != nil {
		return nil, false, err
	}
	next := map[string]*auth.Session{}
	for _, name := range cfg.Names {
		if s, ok := l.sessions[name]; ok && reflect.DeepEqual(s.Profile(), cfg.Profiles[name]) {
			next[name] = s
			continue
		}
		s, err := auth.NewSession(cfg.Profiles[name], l.opts)
		if err != nil {
			// A profile that cannot even open (a missing ca_file) is reported
			// when used; it must not hide the others.
			continue
		}
		next[name] = s
	}
	changed := l.cfg == nil || !reflect.DeepEqual(cfg.Names, l.cfg.Names) || len(next) != len(l.sessions)
	for name, s := range next {
		if l.sessions[name] != s {
			changed = true
		}
	}
	l.cfg, l.stamp, l.sessions = cfg, st, next
	return cfg, changed, nil
}

// Session is the session of the named profile ("" = the default one).
func (l *Local) Session(name string) (*auth.Session, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cfg, _, err := l.sync()
	if err != nil {
		return nil, err
	}
	p, err := cfg.Profile(name)
	if err != nil {
		return nil, err
	}
	if s, ok := l.sessions[p.Name]; ok {
		return s, nil
	}
	// Not opened at sync: say why.
	_, err = auth.NewSession(p, l.opts)
	if err == nil {
		err = errors.New("the profile could not be opened")
	}
	return nil, fmt.Errorf("profile %s: %w", p.Name, err)
}

// Sessions lists the open sessions in file order.
func (l *Local) Sessions() []*auth.Session {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cfg == nil {
		return nil
	}
	var out []*auth.Session
	for _, name := range l.cfg.Names {
		if s, ok := l.sessions[name]; ok {
			out = append(out, s)
		}
	}
	return out
}

// Token returns an access token valid for more than minValid.
func (l *Local) Token(ctx context.Context, name string, minValid time.Duration) (TokenReply, error) {
	s, err := l.Session(name)
	if err != nil {
		return TokenReply{}, err
	}
	res, err := s.Get(ctx, minValid)
	if err != nil {
		return TokenReply{}, err
	}
	r := TokenReply{AccessToken: res.Token.AccessToken, TokenType: res.Token.Type(), Expiry: res.Token.Expiry}
	if res.Warning != nil {
		r.Warning = res.Warning.Error()
	}
	return r, nil
}

// Status reads every profile's stored sign-in; no provider call.
func (l *Local) Status(context.Context) ([]auth.Status, error) {
	cfg, _, err := l.Sync()
	if err != nil {
		return nil, err
	}
	list := make([]auth.Status, 0, len(cfg.Names))
	for _, name := range cfg.Names {
		s, err := l.Session(name)
		if err != nil {
			list = append(list, auth.Status{Profile: name, Error: err.Error()})
			continue
		}
		list = append(list, s.Status())
	}
	return list, nil
}

// Login signs in to the named profile; open shows the sign-in address.
func (l *Local) Login(ctx context.Context, name string, open func(string) error, timeout time.Duration) (LoginReply, error) {
	s, err := l.Session(name)
	if err != nil {
		return LoginReply{}, err
	}
	rec, err := s.Login(ctx, auth.LoginOptions{Open: open, Timeout: timeout})
	if err != nil {
		return LoginReply{}, err
	}
	return LoginReply{Who: rec.Who(), Expiry: rec.Expiry, SignedInAt: rec.SignedInAt, HasRefreshToken: rec.RefreshToken != ""}, nil
}

// Logout revokes and deletes the named profile's tokens.
func (l *Local) Logout(ctx context.Context, name string) (LogoutReply, error) {
	s, err := l.Session(name)
	if err != nil {
		return LogoutReply{}, err
	}
	res, err := s.Logout(ctx)
	if err != nil {
		return LogoutReply{}, err
	}
	r := LogoutReply{WasSignedIn: res.WasSignedIn, Revoked: res.Revoked}
	if res.RevokeErr != nil {
		r.RevokeErr = res.RevokeErr.Error()
	}
	return r, nil
}
