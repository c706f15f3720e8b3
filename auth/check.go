package auth

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tokentray/tokentray/auth/plain"
	"github.com/tokentray/tokentray/auth/profile"
)

// Check asks whether the profile's provider answers over valid TLS: its
// discovery document, or its token endpoint's host. Any HTTP answer will
// do; nothing is sent but a GET.
func (s *Session) Check(ctx context.Context) error {
	if err := s.profile.Ready(); err != nil {
		return err
	}
	if s.profile.Issuer != "" {
		_, err := s.endpoints(ctx)
		return err
	}
	hc, err := s.client()
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, profile.Origin(s.profile.TokenURL)+"/", nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s: %s", ErrProviderUnreachable, profile.Origin(s.profile.TokenURL), plain.Line(err.Error(), 300))
	}
	resp.Body.Close()
	return nil
}
