package auth

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/safefile"
	"golang.org/x/oauth2"
)

// jwtBearerGrant is RFC 7523's grant type: a signed assertion instead of a
// browser sign-in, as service accounts (Disruptive Technologies) use.
const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// assertionLifetime is the assertion's exp - iat, as DT documents.
const assertionLifetime = time.Hour

// assertion signs a fresh JWT: header kid = key_id; claims iat = now,
// exp = now + 1 h, aud = audience (default token_url), iss = email.
func (s *Session) assertion() (string, error) {
	p := s.profile
	now := s.now()
	aud := p.Audience
	if aud == "" {
		aud = p.TokenURL
	}
	claims := jwt.MapClaims{"iat": now.Unix(), "exp": now.Add(assertionLifetime).Unix(), "aud": aud, "iss": p.Email}
	var (
		method jwt.SigningMethod
		key    any
	)
	switch p.JWTAlg {
	case "", "HS256":
		secret, err := s.clientSecret()
		if err != nil {
			return "", err
		}
		if secret == "" {
			return "", fmt.Errorf("%w: the keychain holds no key secret for service account %s; run `tokentray secret set %s`", ErrNoSecret, p.Name, p.Name)
		}
		method, key = jwt.SigningMethodHS256, []byte(secret)
	case "RS256", "ES256":
		var err error
		if method, key, err = signingKey(p.JWTAlg, p.PrivateKeyFile); err != nil {
			return "", err
		}
	}
	return signJWT(method, key, p.KeyID, "assertion", claims)
}

// signJWT signs claims with key, naming kid in the header when there is
// one; what names the JWT in an error.
func signJWT(method jwt.SigningMethod, key any, kid, what string, claims jwt.MapClaims) (string, error) {
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	signed, err := tok.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("sign the %s: %w", what, err)
	}
	return signed, nil
}

// jwtBearerToken gets a new access token with a new assertion. There is no
// refresh token: the credentials themselves renew it.
func (s *Session) jwtBearerToken(ctx context.Context, prev *keychain.Record) (*keychain.Record, error) {
	a, err := s.assertion()
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {jwtBearerGrant}, "assertion": {a}}
	s.profile.SetScope(form)
	// The assertion is the client authentication; DT's token endpoint
	// takes nothing else.
	next, err := s.credentialsToken(ctx, s.profile.TokenURL, form, clientCreds{style: oauth2.AuthStyleInParams, omitID: true},
		"the service account's credentials (key_id, email or secret)", prev)
	if err != nil {
		return nil, err
	}
	next.Email = s.profile.Email
	return next, nil
}

// loginMachine is "sign in" for a service account or a machine client:
// prove the credentials work by getting a token, then keep it.
func (s *Session) loginMachine(ctx context.Context) (*keychain.Record, error) {
	rec, err := s.machineToken(ctx, &keychain.Record{SignedInAt: s.now()})
	if err != nil {
		return nil, fmt.Errorf("sign in to %s: %w", s.profile.Name, err)
	}
	unlock, err := lockProfile(ctx, s.profile.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := s.save(rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// signingKey reads a PEM private key file for alg (RS256 or ES256).
func signingKey(alg, file string) (jwt.SigningMethod, any, error) {
	pem, err := safefile.ReadSmall(file)
	if err != nil {
		return nil, nil, fmt.Errorf("read private_key_file: %w", err)
	}
	var key any
	method := jwt.SigningMethod(jwt.SigningMethodRS256)
	if alg == "ES256" {
		method = jwt.SigningMethodES256
		key, err = jwt.ParseECPrivateKeyFromPEM(pem)
	} else {
		key, err = jwt.ParseRSAPrivateKeyFromPEM(pem)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("private_key_file %s holds no %s private key", file, method.Alg())
	}
	return method, key, nil
}
