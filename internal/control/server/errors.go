package server

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/tokentray/tokentray/auth"
	"github.com/tokentray/tokentray/auth/keychain"
	"github.com/tokentray/tokentray/auth/policy"
	"github.com/tokentray/tokentray/auth/profile"
	"github.com/tokentray/tokentray/internal/control"
)

// ErrorOf turns any error into the typed one that crosses the control
// socket: its Kind (what the person should do), the facts the words need
// (profile, port), and the message as detail. It is the one place that
// knows the auth package's errors.
func ErrorOf(err error) *control.Error {
	var (
		e   *control.Error
		ce  *profile.ConfigError
		ke  *keychain.Error
		pe  *auth.PortInUseError
		re  *auth.ProviderError
		pfe *profile.ProfileError
		ph  *profile.PlaceholderError
		me  *auth.MisconfiguredError
		re2 *profile.RefusedError
		ue  *policy.UnreadableError
	)
	if err == nil {
		return nil
	}
	if errors.As(err, &e) {
		return e
	}
	out := &control.Error{Kind: control.KindOther, Msg: err.Error(), Said: auth.ProviderSaid(err), Fix: auth.Fix(err)}
	switch {
	case errors.As(err, &pfe):
		out.Kind = control.KindNoProfiles
		if pfe.Name != "" && len(pfe.Known) > 0 {
			out.Kind, out.Profile = control.KindUnknownProfile, pfe.Name
		}
	case errors.Is(err, profile.ErrNoProfile), errors.Is(err, auth.ErrNoDeviceSignIn):
		out.Kind = control.KindUsage
	case errors.Is(err, auth.ErrNoKey):
		out.Kind = control.KindKey
	case errors.Is(err, auth.ErrNoSecret), errors.Is(err, keychain.ErrSecretElsewhere):
		out.Kind = control.KindSecret
	case errors.As(err, &ph):
		out.Kind, out.Profile = control.KindPlaceholder, ph.Profile
	case errors.As(err, &me):
		out.Kind = control.KindMisconfigured
	case errors.Is(err, auth.ErrClientRefused):
		out.Kind = control.KindClient
	case errors.As(err, &re2):
		out.Kind = control.KindUntrusted
	case errors.As(err, &ue):
		// Before a profile file's error: an import under a policy that
		// cannot be read is refused for the policy's sake.
		out.Kind = control.KindPolicy
	case errors.As(err, &ce):
		out.Kind, out.Profile, out.Line, out.Managed = control.KindConfig, ce.Profile, ce.Line, ce.Managed
	case errors.Is(err, auth.ErrSignInNeeded):
		out.Kind = control.KindSignIn
	case errors.As(err, &ke):
		out.Kind = control.KindKeychain
	case errors.Is(err, auth.ErrProviderUnreachable):
		out.Kind = control.KindUnreachable
	case errors.Is(err, context.Canceled):
		out.Kind = control.KindCanceled
	case errors.Is(err, auth.ErrCodeExpired):
		out.Kind = control.KindCodeExpired
	case errors.Is(err, context.DeadlineExceeded):
		out.Kind = control.KindTimeout
	case errors.As(err, &pe):
		out.Kind, out.Profile, out.Holder = control.KindPortInUse, pe.Profile, pe.Holder
		if _, port, err := net.SplitHostPort(pe.Addr); err == nil {
			out.Port, _ = strconv.Atoi(port)
		}
	case errors.As(err, &re):
		out.Kind = control.KindRefused
		switch {
		case re.Code == "access_denied":
			out.Kind = control.KindDeclined
		case strings.Contains(re.Description, "redirect"):
			out.Kind = control.KindRedirect
		}
	}
	return out
}

// ErrorFor is ErrorOf for an error about profile, which it names unless
// it names one already.
func ErrorFor(err error, profile string) *control.Error {
	e := ErrorOf(err)
	if e != nil && e.Profile == "" {
		c := *e
		c.Profile = profile
		return &c
	}
	return e
}
