package control

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tokentray/tokentray/words"
)

// Kind sorts failures by what the person should do about them. The
// command line picks its exit code by Kind, and every surface its words
// (Explain); the socket carries it, so the tray and a command running on
// its own answer alike.
type Kind string

const (
	KindOther       Kind = "error"
	KindUsage       Kind = "usage"       // a command or profile name not understood
	KindConfig      Kind = "config"      // the profile file has a problem
	KindPolicy      Kind = "policy"      // the machine's policy cannot be read
	KindSignIn      Kind = "signin"      // sign in (again)
	KindKeychain    Kind = "keychain"    // the keychain is missing, locked or silent
	KindUnreachable Kind = "unreachable" // the provider could not be asked, no valid token
	KindCanceled    Kind = "canceled"
	KindTimeout     Kind = "timeout"
	KindCodeExpired Kind = "code-expired" // a device code expired before the sign-in was finished
	KindPortInUse   Kind = "port"         // the sign-in callback port is taken
	KindRefused     Kind = "refused"      // the provider said no at sign-in
	KindSecret      Kind = "secret"       // the client secret is missing, or saved for other settings
	KindKey         Kind = "key"          // the private key has not been handed over, or is not one
	KindUntrusted   Kind = "untrusted"    // a profile file asks for more than who vouches for it allows
	KindNotRevoked  Kind = "not-revoked"  // signed out here, but the provider did not revoke the tokens
	KindPlaceholder Kind = "placeholder"  // the profile still holds an example value
	// KindMisconfigured: the provider contradicts the profile (its
	// discovery names another issuer): a setting to fix, not an outage.
	KindMisconfigured Kind = "misconfigured"
	KindClient        Kind = "client"     // the provider refuses the client id or secret
	KindDeclined      Kind = "declined"   // the person (or the provider) declined the sign-in
	KindNoInput       Kind = "no-input"   // nothing came on standard input
	KindNoDesktop     Kind = "no-desktop" // no desktop session to show a tray in
	KindRedirect      Kind = "redirect"   // the provider does not know the redirect address
	KindNoBrowser     Kind = "no-browser" // no browser could be opened
	// A command needs a profile and finds none: none yet, or no such one.
	KindNoProfiles     Kind = "no-profiles"
	KindUnknownProfile Kind = "unknown-profile"
	// KindElsewhere answers a command for another profile file: the
	// caller runs it itself.
	KindElsewhere Kind = "elsewhere"
	// KindUnknownOp answers a request this program does not know (a tray
	// older than the command): the caller runs it itself.
	KindUnknownOp Kind = "unknown-op"
	// KindNoTray: nothing answers on the socket TOKENTRAY_SOCKET names (the
	// ssh connection that forwards it ended, or the tray is not running).
	KindNoTray Kind = "no-tray"
	// KindNotForwarded: the tray refused a request that came through its
	// forwarding socket — its setting, the person's answer, or a request
	// that only the computer the tray runs on may make. Fix says which.
	KindNotForwarded Kind = "not-forwarded"
)

// Error is a failure with its Kind and the facts the words for it need.
// It is what crosses the socket; callers branch on Kind with errors.As,
// never on the message.
type Error struct {
	Kind Kind `json:"kind"`
	// Msg is the detail: what exactly happened, for the second line.
	Msg string `json:"msg"`
	// Profile is the profile concerned, when there is one.
	Profile string `json:"profile,omitempty"`
	// Port is the callback port that was taken (KindPortInUse), and
	// Holder the program holding it, where the OS says.
	Port   int    `json:"port,omitempty"`
	Holder string `json:"holder,omitempty"`
	// Line is the profile file's line a KindConfig names, 0 for none.
	Line int `json:"line,omitempty"`
	// Said is the provider's own words about a refusal, without its
	// error codes: what a window shows below the headline.
	Said string `json:"said,omitempty"`
	// Managed: the KindConfig file is the one IT manages, IT's to fix.
	Managed bool `json:"managed,omitempty"`
	// Fix, when set, is the next step this failure names for itself, in
	// place of its kind's usual one.
	Fix string `json:"fix,omitempty"`
	// Lang is the language of the tray that answered: the small front,
	// which reads no profile file, says the failure as the tray would.
	Lang string `json:"lang,omitempty"`
}

func (e *Error) Error() string { return e.Msg }

// Errorf makes an Error of kind.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// KindOf is err's Kind: KindOther unless it is (or wraps) an *Error.
func KindOf(err error) Kind {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Kind
	}
	return KindOther
}

// NotServedHere tells whether a tray's answer means "run it yourself": the
// tray serves another profile file, or does not know the request — said
// by a tray from before KindUnknownOp in the words below.
func NotServedHere(e *Error) bool {
	return e != nil && (e.Kind == KindElsewhere || e.Kind == KindUnknownOp ||
		e.Kind == KindUsage && strings.HasSuffix(e.Msg, " needs the tray, and none is running"))
}

// Exit codes scripts can rely on, by Kind (ExitCode).
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2 // usage, profile file, a missing client secret
	ExitSignIn      = 3 // sign-in needed
	ExitUnreachable = 4 // the provider cannot be reached and no valid token is left
)

// ExitCode is the command line's exit code for a failure of kind k.
func ExitCode(k Kind) int {
	switch k {
	case KindUsage, KindConfig, KindPolicy, KindSecret, KindKey, KindUntrusted, KindPlaceholder, KindNoProfiles, KindUnknownProfile, KindMisconfigured:
		return ExitUsage
	case KindSignIn:
		return ExitSignIn
	case KindUnreachable:
		return ExitUnreachable
	}
	return ExitError
}

// Report writes a failure as the command line says it: one plain headline
// with the next step, then the detail.
func Report(w io.Writer, e *Error) {
	if e.Lang != "" {
		words.Use(e.Lang)
	}
	said := Explain(e)
	line := "tokentray: " + said.Headline
	switch {
	case said.Command != "":
		line += " " + words.T("Run `{command}`.", "command", said.Command)
	case said.Next != "":
		line += " " + said.Next
	}
	line += "\n"
	if e.Kind != KindCanceled && e.Msg != "" {
		line += "  " + Printable(e.Msg) + "\n"
	}
	_, _ = io.WriteString(w, line)
}

// ErrNoResident means no tray serves this profile file, and the client
// has no way to run the request itself.
var ErrNoResident = errors.New("no tokentray tray is running for this profile file")
