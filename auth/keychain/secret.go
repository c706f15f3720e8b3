package keychain

import (
	"errors"
	"fmt"
)

// A client secret (or a service account's key) belongs to the settings it
// was saved for, as a saved sign-in does (Record.Bound): it is saved with
// the binding of its profile and refused on any mismatch, so that a
// lookalike profile of the same name never sends it anywhere.

// ErrSecretElsewhere is a client secret saved for other settings than the
// profile's now.
var ErrSecretElsewhere = errors.New("the client secret in the keychain was saved for other settings of this profile (another provider, endpoint or client), so it is not sent")

// secretHeader starts a saved secret, followed by its binding and ':'.
const secretHeader = "tokentray-secret:"

// SetSecret saves profile's client secret (or service-account key, or a
// private key in PEM: split over several items where it is long),
// bound to the profile's settings (its binding).
func (s *Store) SetSecret(profile, binding, secret string) error {
	return s.put("save the client secret of "+profile, secretItem(profile), secretHeader+binding+":"+secret, storedUnknown)
}

// Secret is profile's saved secret: ErrNotFound without one,
// ErrSecretElsewhere when it was saved for other settings than binding.
func (s *Store) Secret(profile, binding string) (string, error) {
	raw, _, err := s.fetch("read the client secret of "+profile, secretItem(profile), "save it again with `tokentray secret set "+profile+"`")
	if err != nil {
		return "", err
	}
	want := secretHeader + binding + ":"
	if len(raw) < len(want) || raw[:len(want)] != want {
		return "", fmt.Errorf("profile %s: %w; save it again with `tokentray secret set %s`", profile, ErrSecretElsewhere, profile)
	}
	return raw[len(want):], nil
}

// DeleteSecret removes the client secret from the keychain.
func (s *Store) DeleteSecret(profile string) error {
	return s.remove("delete the client secret of "+profile, secretItem(profile))
}

// Probe tells whether the keychain answers: a read of an item no profile
// can have is "not found" when it does.
func (s *Store) Probe() error {
	_, err := s.get("reach the keychain", "/probe")
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
