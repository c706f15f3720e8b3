package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokentray/tokentray/auth/keychain"
)

// clientAssertionType is RFC 7523 §2.2's client authentication.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// clientAssertion signs a private_key_jwt client assertion for one
// request: iss = sub = client_id, aud = the token endpoint's URL (good at
// this provider only), a fresh jti, five minutes to live.
func (s *Session) clientAssertion(tokenURL string) (string, error) {
	p := s.profile
	method, key, err := s.signingKey(p.JWTAlg)
	if err != nil {
		return "", err
	}
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	now := s.now()
	return signJWT(method, key, p.KeyID, "client assertion", jwt.MapClaims{
		"iss": p.ClientID, "sub": p.ClientID, "aud": tokenURL,
		"jti": base64.RawURLEncoding.EncodeToString(jti),
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
	})
}

// clientCredentialsToken gets a new access token with the client's own
// credentials (RFC 6749 §4.4). There is no refresh token: the credentials
// renew it, as a service account's do.
func (s *Session) clientCredentialsToken(ctx context.Context, prev *keychain.Record) (*keychain.Record, error) {
	cfg, _, err := s.oauthConfig(ctx, "")
	if err != nil {
		return nil, err
	}
	p := s.profile
	form := url.Values{"grant_type": {"client_credentials"}}
	p.SetScope(form)
	if p.Audience != "" {
		form.Set("audience", p.Audience) // Auth0 and others name the API so
	}
	for _, r := range p.Resource {
		form.Add("resource", r) // RFC 8707
	}
	next, err := s.credentialsToken(ctx, cfg.Endpoint.TokenURL, form, s.credsOf(cfg), "the client's credentials", prev)
	if err != nil {
		return nil, err
	}
	next.Name = p.ClientID
	return next, nil
}

// credentialsToken asks for a token with a machine's own credentials and
// makes the answer the next record. There is no refresh token: the
// credentials renew it. whose names the credentials a refusal is about.
func (s *Session) credentialsToken(ctx context.Context, endpoint string, form url.Values, c clientCreds, whose string, prev *keychain.Record) (*keychain.Record, error) {
	tr, err := s.postToken(ctx, endpoint, form, c)
	if err != nil {
		err = s.classify(err)
		if errors.Is(err, ErrSignInNeeded) {
			err = fmt.Errorf("%w: the provider refused %s", err, whose)
		}
		return nil, err
	}
	next := *prev
	s.apply(&next, tr)
	next.RefreshToken = "" // never used: the credentials do its job
	return &next, nil
}

// machineToken is a new token for a profile that needs no person.
func (s *Session) machineToken(ctx context.Context, prev *keychain.Record) (*keychain.Record, error) {
	if s.profile.JWTBearer() {
		return s.jwtBearerToken(ctx, prev)
	}
	return s.clientCredentialsToken(ctx, prev)
}
