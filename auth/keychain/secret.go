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
// can have is "not found" when it does. It settles where the store keeps
// things (the system keychain, or the sealed files where none is there),
// and for the sealed files also tells whether their data key can be had
// (a passphrase not typed since the last restart: locked).
func (s *Store) Probe() error {
	_, err := s.get("reach the keychain", "/probe")
	if errors.Is(err, ErrNotFound) {
		err = nil
	}
	if r, ok := s.Keyring.(readier); ok && err == nil {
		err = s.bounded("reach the keychain", r.ready)
	}
	return err
}

// Ready tells, before a sign-in, whether its tokens could be kept where
// this store would keep them: an error for sealed files whose passphrase
// was not typed since the last restart, or that can get no data key. It
// asks the system keychain nothing beyond settling where things are kept;
// its failures show where they always did.
func (s *Store) Ready() error {
	a, ok := s.Keyring.(*autoKeyring)
	if !ok {
		return nil
	}
	if f, _ := a.sealedFiles(); f == nil {
		_, _ = s.get("reach the keychain", "/probe")
		if f, _ = a.sealedFiles(); f == nil {
			return nil
		}
	}
	return s.bounded("keep a sign-in", a.ready)
}
