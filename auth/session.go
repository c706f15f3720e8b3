package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

var (
	// ErrSignInNeeded means there are no usable tokens: never signed in, or
	// the provider rejected the refresh token (invalid_grant).
	ErrSignInNeeded = errors.New("sign-in needed")
	// ErrProviderUnreachable means the provider could not be asked, or
	// answered with something other than a decision (network error, 5xx,
	// garbage). It never signs anyone out.
	ErrProviderUnreachable = errors.New("provider unreachable")
)

// DefaultMinValid is how much lifetime a token handed out must have left.
const DefaultMinValid = 60 * time.Second

// Options configure a Session.
type Options struct {
	// Store is the keychain; nil means NewStore().
	Store *Store
	// HTTPClient talks to the provider; nil means one built from the
	// profile (ca_file, proxies from the environment, timeouts).
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Session is one profile's sign-in: it signs in, hands out access tokens,
// refreshes them and signs out. It is an oauth2.TokenSource, safe for
// concurrent use.
type Session struct {
	profile *Profile
	store   *Store
	hc      *http.Client
	now     func() time.Time
	disc    discovery

	// mu makes refreshes single-flight within the process.
	mu sync.Mutex
}

var _ oauth2.TokenSource = (*Session)(nil)

// NewSession prepares a session; it does not touch the network or keychain.
func NewSession(p *Profile, opts Options) (*Session, error) {
	s := &Session{profile: p, store: opts.Store, hc: opts.HTTPClient, now: opts.Now}
	if s.store == nil {
		s.store = NewStore()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.hc == nil {
		hc, err := newHTTPClient(p)
		if err != nil {
			return nil, err
		}
		s.hc = hc
	}
	return s, nil
}

// Profile is the profile this session signs in to.
func (s *Session) Profile() *Profile { return s.profile }

// Token returns an access token with at least DefaultMinValid left,
// refreshing first when needed.
func (s *Session) Token() (*oauth2.Token, error) {
	r, err := s.Get(context.Background(), DefaultMinValid)
	if err != nil {
		return nil, err
	}
	return r.Token, nil
}

// TokenResult is a token and how it was obtained.
type TokenResult struct {
	Token *oauth2.Token
	// Refreshed is true when the provider was asked for this token.
	Refreshed bool
	// Warning is set when a refresh failed for a reason that does not sign
	// anyone out and the still-valid stored token is returned instead.
	Warning error
}

// Get returns an access token with more than minValid left. It reuses the
// stored one when it can, without any provider call; otherwise it refreshes,
// and stores any rotated refresh token before returning the new access token.
func (s *Session) Get(ctx context.Context, minValid time.Duration) (TokenResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := s.profile.Name
	rec, err := s.store.Load(name)
	if errors.Is(err, ErrNotFound) {
		return TokenResult{}, fmt.Errorf("%s: %w: not signed in", name, ErrSignInNeeded)
	}
	if err != nil {
		return TokenResult{}, err
	}
	now := s.now()
	if rec.AccessToken != "" && remaining(rec, now) > minValid {
		return TokenResult{Token: rec.token()}, nil
	}
	stillValid := rec.AccessToken != "" && remaining(rec, now) > 0
	if rec.RefreshToken == "" {
		if stillValid {
			return TokenResult{Token: rec.token(), Warning: fmt.Errorf("%s: the token expires in %s and the provider gave no refresh token; sign in again before then", name, remaining(rec, now).Round(time.Second))}, nil
		}
		return TokenResult{}, fmt.Errorf("%s: %w: the access token expired and the provider gave no refresh token", name, ErrSignInNeeded)
	}
	next, err := s.refresh(ctx, rec)
	if err != nil {
		if stillValid && errors.Is(err, ErrProviderUnreachable) {
			return TokenResult{Token: rec.token(), Warning: err}, nil
		}
		return TokenResult{}, err
	}
	// The provider may have rotated the refresh token and forgotten the old
	// one: it must be safely stored before anyone uses the new access token.
	if err := s.store.Save(name, next); err != nil {
		return TokenResult{}, fmt.Errorf("refresh %s: the new tokens could not be stored, so they are not used: %w", name, err)
	}
	return TokenResult{Token: next.token(), Refreshed: true}, nil
}

// remaining is the lifetime left; a token without expiry counts as valid for
// an hour from its last refresh, the commonest lifetime, rather than for ever.
func remaining(r *Record, now time.Time) time.Duration {
	exp := r.Expiry
	if exp.IsZero() {
		base := r.RefreshedAt
		if base.IsZero() {
			base = r.SignedInAt
		}
		exp = base.Add(time.Hour)
	}
	return exp.Sub(now)
}

func (r *Record) token() *oauth2.Token {
	typ := r.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	return &oauth2.Token{AccessToken: r.AccessToken, TokenType: typ, Expiry: r.Expiry}
}

// refresh asks the provider for new tokens; it returns the record to store.
func (s *Session) refresh(ctx context.Context, rec *Record) (*Record, error) {
	name := s.profile.Name
	cfg, _, err := s.oauthConfig(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("refresh %s: %w", name, err)
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.hc)
	tok, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: rec.RefreshToken}).Token()
	if err != nil {
		return nil, fmt.Errorf("refresh %s: %w", name, classify(err))
	}
	next := *rec
	next.AccessToken, next.TokenType, next.Expiry = tok.AccessToken, tok.Type(), tok.Expiry
	if tok.RefreshToken != "" { // Cognito and others keep the old one valid
		next.RefreshToken = tok.RefreshToken
	}
	if sc, ok := tok.Extra("scope").(string); ok && sc != "" {
		next.Scope = sc
	}
	next.RefreshedAt = s.now()
	return &next, nil
}

// classify turns a token-endpoint failure into ErrSignInNeeded (only for
// invalid_grant), a configuration error in plain words, or
// ErrProviderUnreachable. The provider's raw answer is never included: it is
// not ours to print.
func classify(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("%w: %s", ErrProviderUnreachable, clean(err.Error(), 300))
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	desc := clean(re.ErrorDescription, 200)
	detail := re.ErrorCode
	if desc != "" {
		detail += ": " + desc
	}
	switch re.ErrorCode {
	case "invalid_grant":
		return fmt.Errorf("%w: the provider no longer accepts the saved sign-in (%s)", ErrSignInNeeded, detail)
	case "invalid_client", "unauthorized_client":
		return fmt.Errorf("the provider does not accept this client's id or secret; check client_id, client_secret and client_auth in the profile (%s)", detail)
	case "invalid_scope":
		return fmt.Errorf("the provider does not accept the profile's scopes (%s)", detail)
	case "invalid_request", "unsupported_grant_type":
		return fmt.Errorf("the provider rejected the request; check the profile's settings (%s)", detail)
	}
	if status >= 400 && status < 500 && status != 408 && status != 429 && re.ErrorCode != "" {
		return fmt.Errorf("the provider refused (HTTP %d, %s)", status, detail)
	}
	if status != 0 {
		return fmt.Errorf("%w: HTTP %d from the token endpoint", ErrProviderUnreachable, status)
	}
	return fmt.Errorf("%w: the token endpoint's answer could not be read", ErrProviderUnreachable)
}
