package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/plain"
	"golang.org/x/oauth2"
)

// LogoutResult says what signing out achieved.
type LogoutResult struct {
	// WasSignedIn is false when the keychain held no tokens.
	WasSignedIn bool
	// Revoked is true when the provider confirmed the revocation.
	Revoked bool
	// RevokeErr says why the provider was not told; the local tokens are
	// deleted regardless.
	RevokeErr error
	// NotAsked: revocation was not tried by design (no revocation
	// endpoint; a sign-in made for other settings, sent nowhere).
	NotAsked bool
}

// ErrNoRevocation means the provider has no revocation endpoint, so the
// tokens stay valid at the provider until they expire.
var ErrNoRevocation = errors.New("the provider offers no way to revoke tokens (no revocation endpoint); they stay valid there until they expire")

// Logout revokes the refresh token (or the access token when there is none)
// at the provider (RFC 7009), then deletes the profile's tokens from the
// keychain, whether or not the revocation worked. For a service account
// (jwt-bearer) the key secret goes too: it is what signs it in.
func (s *Session) Logout(ctx context.Context) (LogoutResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res LogoutResult
	name := s.profile.Name
	s.mem = nil
	s.gen++ // a renewal still out is of this sign-in: not to be kept
	rec, err := s.read()
	switch {
	case err == nil:
		res.WasSignedIn = true
		res.RevokeErr = s.revoke(ctx, rec)
		res.Revoked = res.RevokeErr == nil
		res.NotAsked = errors.Is(res.RevokeErr, ErrNoRevocation)
	case errors.Is(err, keychain.ErrNotFound):
	case errors.Is(err, errElsewhere):
		// Its tokens belong to other settings: revoking would send them
		// where this profile points now. They are only forgotten here.
		res.WasSignedIn, res.NotAsked = true, true
		res.RevokeErr = errors.New("the saved sign-in was made for other settings of this profile, so it was not sent anywhere to be revoked")
	default:
		var ke *keychain.Error
		if errors.As(err, &ke) {
			return res, err
		}
		// A damaged record cannot be revoked, but it can still be removed.
		res.WasSignedIn = true
		res.RevokeErr = err
	}
	if err := s.store.Delete(name); err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return res, fmt.Errorf("sign out of %s: %w", name, err)
	}
	if s.profile.Machine() {
		// A machine's secret is its sign-in.
		if err := s.store.DeleteSecret(name); err != nil && !errors.Is(err, keychain.ErrNotFound) {
			return res, fmt.Errorf("sign out of %s: %w", name, err)
		}
	}
	s.publish(nil)
	s.wake()
	return res, nil
}

func (s *Session) revoke(ctx context.Context, rec *keychain.Record) error {
	token, hint := rec.RefreshToken, "refresh_token"
	if token == "" {
		token, hint = rec.AccessToken, "access_token"
	}
	if token == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cfg, ep, err := s.oauthConfig(ctx, "")
	if err != nil {
		return err
	}
	if ep.Revocation == "" {
		return ErrNoRevocation
	}
	form := url.Values{"token": {token}, "token_type_hint": {hint}}
	creds := s.credsOf(cfg)
	switch s.profile.RevocationClientAuth {
	case "basic":
		creds.style = oauth2.AuthStyleInHeader
	case "post":
		creds.style = oauth2.AuthStyleInParams
	case "none":
		creds.secret, creds.style = "", oauth2.AuthStyleInParams
	}
	req, err := newFormRequest(ctx, ep.Revocation, form, creds)
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	hc, err := s.client()
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w: revoke: %s", ErrProviderUnreachable, plain.Line(err.Error(), 300))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var oe struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &oe)
	detail := plain.Line(oe.Error, 64)
	if oe.Description != "" {
		detail += ": " + plain.Line(oe.Description, maxSaid)
	}
	return fmt.Errorf("the provider refused the revocation (HTTP %d %s)", resp.StatusCode, detail)
}
