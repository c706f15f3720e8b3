package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
)

// A saved sign-in and a saved client secret belong to the provider and
// client they were made for, not merely to a profile's name: a profile of
// the same name that points elsewhere — another profile file, an edit, a
// lookalike mailed by an attacker — must get nothing, neither the tokens
// nor the secret nor an assertion signed with them. Each is saved with the
// binding of its profile and refused on any mismatch.

// binding is a digest of every setting that decides where a profile's
// codes, tokens, secrets and assertions go.
func (p *Profile) binding() string {
	fields := []string{"grant", p.Grant, "ca_file", p.CAFile}
	if p.JWTBearer() {
		fields = append(fields, "token_url", p.TokenURL, "key_id", p.KeyID, "email", p.Email,
			"audience", p.Audience, "jwt_alg", p.JWTAlg, "private_key_file", p.PrivateKeyFile)
	} else {
		fields = append(fields, "issuer", p.Issuer, "auth_url", p.AuthURL, "token_url", p.TokenURL,
			"revocation_url", p.RevocationURL, "userinfo_url", p.UserinfoURL, "client_id", p.ClientID)
		if p.DeviceAuthURL != "" {
			// Only when set: sign-ins saved before the key existed stay theirs.
			fields = append(fields, "device_authorization_url", p.DeviceAuthURL)
		}
	}
	fields = append(fields, "send_tokens_to_other_origins")
	fields = append(fields, p.SendTokensToOtherOrigins...)
	h := sha256.New()
	for _, f := range fields {
		// Length-prefixed: no two lists of fields write the same bytes.
		h.Write([]byte(strconv.Itoa(len(f)) + ":" + f))
	}
	return "v1:" + hex.EncodeToString(h.Sum(nil)[:16])
}

// errElsewhere is a saved sign-in made for other settings than the
// profile's now.
var errElsewhere = fmt.Errorf("%w: this profile now points somewhere else than when it was signed in (another provider, endpoint or client); sign in again", ErrSignInNeeded)

// ErrSecretElsewhere is a client secret saved for other settings than the
// profile's now.
var ErrSecretElsewhere = errors.New("the client secret in the keychain was saved for other settings of this profile (another provider, endpoint or client), so it is not sent")

// ErrNoSecret is a profile that needs a client secret (or a service
// account's key secret) and has none.
var ErrNoSecret = errors.New("no client secret")

// read loads the profile's record and checks that it belongs to the
// profile as it is now: errElsewhere if not (with the record, so that a
// sign-out can delete it without sending it anywhere).
func (s *Session) read() (*Record, error) {
	rec, err := s.store.Load(s.profile.Name)
	if err != nil {
		return nil, err
	}
	if rec.Bound != s.profile.binding() {
		return rec, fmt.Errorf("%s: %w", s.profile.Name, errElsewhere)
	}
	return rec, nil
}

// SaveFor saves r as p's record, bound to p's settings.
func (s *Store) SaveFor(p *Profile, r *Record) error {
	r.Bound = p.binding()
	return s.Save(p.Name, r)
}

// SetSecretFor saves p's client secret (or service-account key secret),
// bound to p's settings.
func (s *Store) SetSecretFor(p *Profile, secret string) error {
	return s.setSecret(p.Name, secretHeader+p.binding()+":"+secret)
}

// SecretFor is p's saved secret: ErrNotFound without one, ErrSecretElsewhere
// when it was saved for other settings.
func (s *Store) SecretFor(p *Profile) (string, error) {
	raw, err := s.secret(p.Name)
	if err != nil {
		return "", err
	}
	want := secretHeader + p.binding() + ":"
	if len(raw) < len(want) || raw[:len(want)] != want {
		return "", fmt.Errorf("profile %s: %w; save it again with `tokentray secret set %s`", p.Name, ErrSecretElsewhere, p.Name)
	}
	return raw[len(want):], nil
}

// secretHeader starts a saved secret, followed by its binding and ':'.
const secretHeader = "tokentray-secret:"
