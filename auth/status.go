package auth

import (
	"errors"
	"time"
)

// Status is what `tokentray status` and the tray show for a profile. It
// comes from the keychain alone: no provider call.
type Status struct {
	Profile         string    `json:"profile"`
	SignedIn        bool      `json:"signed_in"`
	Who             string    `json:"who,omitempty"`
	Expiry          time.Time `json:"expiry,omitzero"`
	HasRefreshToken bool      `json:"refresh_token"`
	// RefreshExpiry is when the refresh token ends, when known.
	RefreshExpiry time.Time `json:"refresh_expiry,omitzero"`
	// ServiceAccount is true for JWT-bearer profiles: they renew with their
	// credentials, not a refresh token.
	ServiceAccount bool `json:"service_account,omitempty"`
	// Error is set when the keychain could not be read.
	Error string `json:"error,omitempty"`
}

// Status reads the profile's stored sign-in.
func (s *Session) Status() Status {
	st := Status{Profile: s.profile.Name, ServiceAccount: s.profile.JWTBearer()}
	rec, err := s.store.Load(s.profile.Name)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		st.Error = err.Error()
	default:
		st.SignedIn = rec.AccessToken != "" || rec.RefreshToken != ""
		st.Who = rec.Who()
		st.Expiry = rec.Expiry
		st.HasRefreshToken = rec.RefreshToken != ""
		st.RefreshExpiry = rec.RefreshExpiry
	}
	return st
}
