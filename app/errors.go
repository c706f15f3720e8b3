package app

import (
	"context"
	"errors"

	"github.com/tokentray/tokentray/auth"
)

// Kind sorts errors by what the person should do about them. The command
// line picks its exit code and headline by Kind, the windows their advice;
// the control socket carries it, so both paths answer alike.
type Kind string

const (
	KindOther       Kind = "error"
	KindUsage       Kind = "usage"       // a command or profile name not understood
	KindConfig      Kind = "config"      // the profile file has a problem
	KindSignIn      Kind = "signin"      // sign in (again)
	KindKeychain    Kind = "keychain"    // the keychain is missing, locked or silent
	KindUnreachable Kind = "unreachable" // the provider could not be asked, no valid token
	KindCanceled    Kind = "canceled"
	KindTimeout     Kind = "timeout"
	KindPortInUse   Kind = "port"    // the sign-in callback port is taken
	KindRefused     Kind = "refused" // the provider said no at sign-in
)

// Error is an error that knows its Kind: one from the resident, or one
// the command line raises itself.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Is lets errors.Is(err, auth.ErrSignInNeeded) and the like hold for an
// error that crossed the control socket.
func (e *Error) Is(target error) bool {
	switch e.Kind {
	case KindSignIn:
		return target == auth.ErrSignInNeeded
	case KindUnreachable:
		return target == auth.ErrProviderUnreachable
	case KindCanceled:
		return target == context.Canceled
	}
	return false
}

// KindOf classifies err.
func KindOf(err error) Kind {
	var (
		e  *Error
		ce *auth.ConfigError
		ke *auth.KeychainError
		pe *auth.PortInUseError
		re *auth.ProviderError
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Kind
	case errors.Is(err, auth.ErrNoProfile):
		return KindUsage
	case errors.As(err, &ce):
		return KindConfig
	case errors.Is(err, auth.ErrSignInNeeded):
		return KindSignIn
	case errors.As(err, &ke):
		return KindKeychain
	case errors.Is(err, auth.ErrProviderUnreachable):
		return KindUnreachable
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.As(err, &pe):
		return KindPortInUse
	case errors.As(err, &re):
		return KindRefused
	}
	return KindOther
}
