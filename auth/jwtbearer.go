package auth

import (
	"context"
	"errors"
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
		if method, key, err = s.signingKey(p.JWTAlg); err != nil {
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
	return s.keepSignIn(ctx, rec)
}

// signingKey is the profile's private key for alg (RS256 or ES256): the
// one the person handed to tokentray for this profile (`tokentray secret
// set NAME --key FILE`, kept in the keychain bound to the profile's
// settings, so that a lookalike profile cannot sign with it), or, for a
// profile IT manages, the file its profile names. Never a file an
// ordinary profile names: a key is a secret, and a path is not a hand-over.
func (s *Session) signingKey(alg string) (jwt.SigningMethod, any, error) {
	p := s.profile
	var (
		pem  []byte
		what = "the private key handed over for " + p.Name
	)
	if p.NeedsKey() {
		secret, err := s.store.Secret(p.Name, p.Binding())
		switch {
		case errors.Is(err, keychain.ErrNotFound):
			return nil, nil, fmt.Errorf("%w: the keychain holds no private key for %s; hand it over with `tokentray secret set %s --key FILE` (the key file your IT team gave you)", ErrNoKey, p.Name, p.Name)
		case errors.Is(err, keychain.ErrSecretElsewhere):
			return nil, nil, fmt.Errorf("%w: the private key in the keychain was handed over for other settings of %s, so it is not used; hand it over again with `tokentray secret set %s --key FILE`", ErrNoKey, p.Name, p.Name)
		case err != nil:
			return nil, nil, err
		}
		pem = []byte(secret)
	} else {
		var err error
		if pem, err = safefile.ReadSmall(p.PrivateKeyFile); err != nil {
			return nil, nil, fmt.Errorf("read private_key_file: %w", err)
		}
		what = "private_key_file " + p.PrivateKeyFile
	}
	return ParseKey(alg, pem, what)
}

// ParseKey reads a PEM private key for alg (RS256 or ES256); what names
// it in an error.
func ParseKey(alg string, pem []byte, what string) (jwt.SigningMethod, any, error) {
	var (
		key any
		err error
	)
	method := jwt.SigningMethod(jwt.SigningMethodRS256)
	if alg == "ES256" {
		method = jwt.SigningMethodES256
		key, err = jwt.ParseECPrivateKeyFromPEM(pem)
	} else {
		key, err = jwt.ParseRSAPrivateKeyFromPEM(pem)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s is no %s private key (PEM)", what, method.Alg())
	}
	return method, key, nil
}
