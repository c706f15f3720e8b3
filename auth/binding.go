package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/tokentray/tokentray/auth/keychain"
)

// A saved sign-in and a saved client secret belong to the provider and
// client they were made for, not merely to a profile's name: a profile of
// the same name that points elsewhere — another profile file, an edit, a
// lookalike mailed by an attacker — must get nothing, neither the tokens
// nor the secret nor an assertion signed with them. Each is saved with the
// binding of its profile (Binding) and refused on any mismatch.

// errElsewhere is a saved sign-in made for other settings than the
// profile's now.
var errElsewhere = fmt.Errorf("%w: this profile now points somewhere else than when it was signed in (another provider, endpoint or client); sign in again", ErrSignInNeeded)

// ErrNoSecret is a profile that needs a client secret (or a service
// account's key secret) and has none.
var ErrNoSecret = errors.New("no client secret")

// ErrNoKey is a profile that signs with a private key the person has not
// handed over (`tokentray secret set NAME --key FILE`).
var ErrNoKey = errors.New("no private key")

// read loads the profile's record and checks that it belongs to the
// profile as it is now: errElsewhere if not (with the record, so that a
// sign-out can delete it without sending it anywhere).
func (s *Session) read() (*keychain.Record, error) {
	rec, err := s.store.Load(s.profile.Name)
	if err != nil {
		return nil, err
	}
	if rec.Bound != s.profile.Binding() {
		return rec, fmt.Errorf("%s: %w", s.profile.Name, errElsewhere)
	}
	return rec, nil
}

// keepSignIn saves a new sign-in's record under the profile's lock: not
// while another process refreshes the previous sign-in, whose save would
// land on top of this one.
func (s *Session) keepSignIn(ctx context.Context, rec *keychain.Record) (*keychain.Record, error) {
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

// save writes rec to the keychain, bound to the profile as it is now.
func (s *Session) save(rec *keychain.Record) error {
	rec.Bound = s.profile.Binding()
	return s.store.Save(s.profile.Name, rec)
}
