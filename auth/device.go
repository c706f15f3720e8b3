package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/plain"
	"golang.org/x/oauth2"
)

// deviceCodeGrant is RFC 8628's grant type.
const deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

// DeviceCode is what a person needs to finish a sign-in on another device:
// where to go and which code to enter there.
type DeviceCode struct {
	UserCode        string
	VerificationURI string
	// VerificationURIComplete holds the code already, when the provider
	// offers one: opening it is all there is to do.
	VerificationURIComplete string
	Expires                 time.Time
	// Why says why the sign-in switched from the browser to a code by
	// itself ("" when it was asked for).
	Why string
}

// ErrNoDeviceSignIn is a sign-in with a code asked of a provider that
// offers none.
var ErrNoDeviceSignIn = errors.New("the provider offers no sign-in with a code (it names no device_authorization_endpoint); sign in with the browser instead, without --device")

// ErrCodeExpired is a device code that expired before the person finished.
var ErrCodeExpired = errors.New("the code expired before the sign-in was finished")

// Flow chooses how Login signs in a person.
type Flow int

const (
	// FlowAuto signs in through the browser and a loopback callback, and
	// with a device code when the callback cannot listen and the provider
	// offers one.
	FlowAuto Flow = iota
	// FlowPreferDevice is for callers that know no browser here can reach
	// the callback (SSH, no display): a device code when the provider
	// offers one, else the browser sign-in (its address shown).
	FlowPreferDevice
	// FlowDevice always uses a device code.
	FlowDevice
	// FlowBrowser never uses a device code.
	FlowBrowser
)

// deviceAnswer is a device authorization response (RFC 8628 §3.2).
type deviceAnswer struct {
	DeviceCode, UserCode, URI, URIComplete string
	ExpiresIn, Interval                    int64
}

// deviceAuthorize asks the provider for a device code.
func (s *Session) deviceAuthorize(ctx context.Context, endpoint, tokenURL string, creds clientCreds) (*deviceAnswer, error) {
	form := url.Values{}
	s.profile.SetScope(form)
	resp, body, err := s.postForm(ctx, endpoint, form, creds, nil)
	var sendErr *url.Error // what http.Client.Do fails with
	switch {
	case errors.As(err, &sendErr):
		return nil, fmt.Errorf("%w: the device authorization endpoint: %s", ErrProviderUnreachable, plain.Line(err.Error(), 300))
	case err != nil:
		return nil, err
	}
	fields, err := decodeTokenBody(resp.Header.Get("Content-Type"), body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, s.classify(refusal(resp, fields, err))
	}
	if err != nil {
		return nil, fmt.Errorf("the device authorization endpoint's answer: %w", err)
	}
	a := &deviceAnswer{DeviceCode: fields.str("device_code"), UserCode: fields.str("user_code"),
		URI: fields.str("verification_uri"), URIComplete: fields.str("verification_uri_complete")}
	if a.URI == "" {
		a.URI = fields.str("verification_url") // Google's spelling
	}
	if a.ExpiresIn, err = fields.seconds("expires_in"); err != nil {
		return nil, err
	}
	if a.Interval, err = fields.seconds("interval"); err != nil {
		return nil, err
	}
	// The person is sent to these addresses and shown the code: plain,
	// short, web pages only (never file: or a program's scheme), and on
	// the site that issues the tokens.
	switch {
	case a.DeviceCode == "" || a.UserCode == "" || a.URI == "":
		return nil, errors.New("the provider's device authorization answer lacks device_code, user_code or verification_uri")
	case len(a.UserCode) > 64 || !plain.Clean(a.UserCode):
		return nil, errors.New("the provider's user code is not a short line of text")
	}
	if err := s.profile.CheckVerificationPage(a.URI, tokenURL); err != nil {
		return nil, err
	}
	if a.URIComplete != "" && s.profile.CheckVerificationPage(a.URIComplete, tokenURL) != nil {
		// The page with the code in it is a convenience: the person can
		// still type the code on the plain one.
		a.URIComplete = ""
	}
	return a, nil
}

// loginDevice signs in with a device code (RFC 8628): show the code, then
// poll the token endpoint at the provider's pace until the person has
// finished on another device, declined, or the code expired.
func (s *Session) loginDevice(ctx context.Context, ep endpoints, opts LoginOptions, why string) (*keychain.Record, error) {
	if ep.Device == "" && !s.profile.DeviceOnly() {
		// Asked for on the command line (--device): the flag, not the file.
		return nil, ErrNoDeviceSignIn
	}
	if ep.Device == "" {
		return nil, s.profile.KeyError("grant", "the provider offers no sign-in with a code (no device_authorization_endpoint); set device_authorization_url if it has one")
	}
	cfg, _, err := s.oauthConfig(ctx, "")
	if err != nil {
		return nil, err
	}
	creds := s.credsOf(cfg)
	a, err := s.deviceAuthorize(ctx, ep.Device, ep.Token, creds)
	if err != nil {
		return nil, err
	}
	life := time.Duration(a.ExpiresIn) * time.Second
	if life <= 0 || life > 30*time.Minute {
		life = 30 * time.Minute
	}
	if opts.Timeout > 0 && opts.Timeout < life {
		life = opts.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, life)
	defer cancel()
	if opts.Device != nil {
		opts.Device(DeviceCode{UserCode: a.UserCode, VerificationURI: a.URI, VerificationURIComplete: a.URIComplete,
			Expires: s.now().Add(life), Why: why})
	}
	interval := time.Duration(a.Interval) * time.Second
	if interval <= 0 {
		interval = 5 * time.Second // RFC 8628 §3.2's default
	}
	form := url.Values{"grant_type": {deviceCodeGrant}, "device_code": {a.DeviceCode}}
	for wait := interval; ; {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, ErrCodeExpired
			}
			return nil, ctx.Err()
		case <-t.C:
		}
		tr, err := s.postToken(ctx, ep.Token, form, creds)
		var re *oauth2.RetrieveError
		switch {
		case err == nil:
			return s.keep(ctx, ep, tr, "")
		case errors.As(err, &re) && re.ErrorCode == "authorization_pending":
		case errors.As(err, &re) && (re.ErrorCode == "slow_down" || re.Response != nil && re.Response.StatusCode == http.StatusTooManyRequests):
			interval += 5 * time.Second // §3.5: for this and every later poll
		case errors.As(err, &re) && re.ErrorCode == "expired_token":
			return nil, ErrCodeExpired
		case errors.As(err, &re) && re.ErrorCode == "access_denied":
			return nil, &ProviderError{Code: re.ErrorCode, Description: plain.Line(re.ErrorDescription, maxSaid)}
		case ctx.Err() != nil:
			// the loop's top says which
		case errors.As(err, &re) && (re.Response == nil || re.Response.StatusCode < 500):
			// A refusal, or a wrong token_url (a 404 page): asking again
			// would only wait out the code for the same answer.
			return nil, s.classify(err)
		default:
			err = s.classify(err)
			// The network dropped or the provider is down for a moment:
			// the person may still be at it on their phone, so keep
			// asking until the code expires — not before the provider
			// said (Retry-After).
			s.log.Debug("device code poll failed; polling on", "err", err)
		}
		wait = interval
		if at, ok := retryAfterOf(err); ok {
			wait = max(wait, at.Sub(s.now()))
		}
	}
}
