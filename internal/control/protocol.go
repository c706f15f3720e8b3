// Package control is the one contract between tokentray's processes: the
// resident tray serves it on a socket through internal/control/server (as
// does a command run when no tray serves its profile file, in its own
// process), the command line and the window program use it through
// internal/control/client. It holds the wire types, the view model the
// windows and the menu show, the error kinds with the words a person reads
// for each, and what a look inside a sign-in shows.
// It imports none of the heavy parts (keychain, D-Bus, GUI, OAuth) and not
// even the network, so the small tokentray program starts fast and the
// window program links none of them.
//
// The protocol: one JSON request per connection, then JSON messages, one
// per line, the last with Done set (a watch never ends: the caller hangs
// up, which also cancels whatever the request started). Only the user who
// runs the tray may connect: the socket lives in a 0700 directory and the
// tray checks the peer's uid on accept where the OS says it.
package control

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/tokentray/tokentray/defaults"
)

// Op is what a request asks for. Each has its constant here, its scope in
// opScopes, its method on client.Client and its answer in
// internal/control/server (through server.Tray for the tray's own): a new
// request costs those three packages.
type Op string

// Ops of the control socket.
const (
	OpPing     Op = "ping"
	OpToken    Op = "token"    // an access token valid for MinValid
	OpGitToken Op = "gittoken" // the same, for the profile whose git_urls hold GitURL
	OpStatus   Op = "status"   // the View
	OpLogin    Op = "login"    // sign in; streams the sign-in URL, then the result
	OpLogout   Op = "logout"   // revoke and forget
	// OpImport adds a profile file's profiles, judged by who vouches for
	// the file. Not "import": a tray from before signatures, asked that,
	// would add a file's powers unchecked; asked this, it refuses, and the
	// caller imports itself.
	OpImport    Op = "import2"
	OpRemove    Op = "remove"    // remove a profile
	OpDefault   Op = "default"   // set the default profile
	OpClipboard Op = "clipboard" // set clipboard_clear
	OpInspect   Op = "inspect"   // a look inside a profile's sign-in
	// The tray's own: a process that only runs one command has none of these.
	OpShow      Op = "show"      // open a window (a second launch asks this)
	OpWatch     Op = "watch"     // stream Views (a window)
	OpSignIn    Op = "signin"    // start a browser sign-in from a window
	OpCancel    Op = "cancel"    // cancel a waiting sign-in
	OpCopyLink  Op = "copylink"  // put the waiting sign-in's address (or code) on the clipboard
	OpOpenPage  Op = "openpage"  // open the waiting sign-in's page in the browser again
	OpAutostart Op = "autostart" // start at login on or off
	OpCopy      Op = "copy"      // copy a token (or its header) to the clipboard the tray owns
	OpCopyClaim Op = "copyclaim" // copy a claim of the access token (Details…) to that clipboard
)

// scope is who answers an Op.
type scope int

const (
	anyTray  scope = iota + 1 // any tray, whichever profile file it serves
	oneFile                   // the tray that serves the request's profile file, else the caller itself
	trayOnly                  // a running tray only, whichever profile file it serves

	// fromElsewhere, added to one of those, is an Op the tray's forwarding
	// socket (ForwardSocketPath) answers too, for the tray's own profile
	// file: a request from another machine or a container, answered with
	// an access token at most. Every other Op is refused there.
	fromElsewhere scope = 1 << 4
)

// opScopes is every Op there is, with who answers it.
var opScopes = map[Op]scope{
	OpPing:  anyTray | fromElsewhere,
	OpToken: oneFile | fromElsewhere, OpGitToken: oneFile | fromElsewhere,
	OpStatus: oneFile, OpLogin: oneFile, OpLogout: oneFile,
	OpImport: oneFile, OpRemove: oneFile, OpDefault: oneFile, OpClipboard: oneFile, OpInspect: oneFile,
	OpShow: trayOnly, OpWatch: trayOnly, OpSignIn: trayOnly, OpCancel: trayOnly, OpCopyLink: trayOnly,
	OpOpenPage: trayOnly, OpAutostart: trayOnly, OpCopy: trayOnly, OpCopyClaim: trayOnly,
}

// Ops are every request there is, sorted.
func Ops() []Op {
	ops := make([]Op, 0, len(opScopes))
	for op := range opScopes {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// ForFile tells whether op is answered for one profile file only
// (Request.Config): a tray that serves another refuses it (KindElsewhere),
// and the caller runs it in its own process.
func (op Op) ForFile() bool { return opScopes[op]&^fromElsewhere == oneFile }

// TrayOnly tells whether only a running tray answers op (a command run on
// its own cannot).
func (op Op) TrayOnly() bool { return opScopes[op]&^fromElsewhere == trayOnly }

// FromElsewhere tells whether the tray's forwarding socket answers op: a
// request that comes from another machine (ssh -R) or a container. Those
// are the token requests (token, git-credential, kubectl-credential and
// exec ask for them) and ping.
func (op Op) FromElsewhere() bool { return opScopes[op]&fromElsewhere != 0 }

// Request is the one request of a connection.
type Request struct {
	Op Op `json:"op"`
	// Config is the caller's profile file: a tray answers only for its
	// own, so `--config other.toml` never reaches its tokens.
	Config   string        `json:"config,omitempty"`
	Profile  string        `json:"profile,omitempty"`
	MinValid time.Duration `json:"min_valid,omitempty"`
	// GitURL is what OpGitToken asks about: the profile whose git_urls
	// hold it gives the token; none holding it is answered with no token.
	// (An op of its own: a tray that does not know it refuses it, where
	// OpToken would hand out the default profile's token for any host.)
	GitURL  string        `json:"git_url,omitempty"`
	Timeout time.Duration `json:"timeout,omitempty"`
	// Window is the window OpShow shows; for OpSignIn, the window that
	// asks, if any ("signin": the sign-in window, which shows how it goes
	// itself).
	Window    string `json:"window,omitempty"`
	File      string `json:"file,omitempty"`
	Seconds   int    `json:"seconds,omitempty"`
	Autostart bool   `json:"autostart,omitempty"`
	Header    bool   `json:"header,omitempty"`
	// Claim is the claim OpCopyClaim copies, as Inspection.ClaimFacts
	// labels it.
	Claim string `json:"claim,omitempty"`
	// Preview asks an import what it would add, without adding it; Sum is
	// the digest a preview answered, which the import then requires.
	Preview bool   `json:"preview,omitempty"`
	Sum     string `json:"sum,omitempty"`
	// Flow is how a login signs in: the browser, a device code, or ""
	// (tokentray decides).
	Flow Flow `json:"flow,omitempty"`
}

// Message is one answer line.
type Message struct {
	// URL is the sign-in address, sent while a login waits; Device the
	// code to enter elsewhere, for a sign-in with a device code.
	URL    string      `json:"url,omitempty"`
	Device *DeviceCode `json:"device,omitempty"`
	Token  *Token      `json:"token,omitempty"`
	View   *View       `json:"view,omitempty"`
	// Inspection answers OpInspect.
	Inspection *Inspection   `json:"inspection,omitempty"`
	Login      *LoginResult  `json:"login,omitempty"`
	Logout     *LogoutResult `json:"logout,omitempty"`
	Names      []string      `json:"names,omitempty"`
	// Preview is what an import would add, and who vouches for it;
	// SetAside is where an import kept a profile file it could not read.
	Preview  *ImportPreview `json:"preview,omitempty"`
	SetAside string         `json:"set_aside,omitempty"`
	Err      *Error         `json:"error,omitempty"`
	Done     bool           `json:"done,omitempty"`
	// NoSignIn answers OpCancel: no sign-in waited (it had ended). An
	// older tray never says it.
	NoSignIn bool `json:"no_sign_in,omitempty"`
	// Ack is the server's first message, sent as soon as it has read the
	// request: a tray that was stopped (SIGSTOP) or hangs still accepts
	// connections — the kernel does — but never acks, and a caller that
	// hears nothing within AckTimeout runs the request itself.
	Ack bool `json:"ack,omitempty"`
	// Asking is sent before the answer to a request from elsewhere (the
	// forwarding socket) that waits for the person at the tray to allow
	// it: a sentence, in the tray's language, for the caller to show.
	Asking string `json:"asking,omitempty"`
}

// AckTimeout is how long a caller waits for a tray's Ack.
const AckTimeout = 3 * time.Second

// ImportPreview is what importing a profile file would add, for the
// person to confirm: who vouches for the file, and per profile where it
// signs in and what else it may do.
type ImportPreview struct {
	File string `json:"file"`
	// Sum is the digest of the file and its signature as shown: the
	// import adds them only if they are still that.
	Sum string `json:"sum"`
	// Signature is what the file's signature says: "signed", "unsigned",
	// "mismatch" (changed after it was signed) or "not-allowed" (signed,
	// but not by a key the organisation allows); Signer who signed, Why
	// why it is not "signed".
	Signature    string `json:"signature"`
	Signer       string `json:"signer,omitempty"`
	Why          string `json:"why,omitempty"`
	Organization string `json:"organization,omitempty"`
	// Profiles are the profiles it holds.
	Profiles []ImportedProfile `json:"profiles"`
	// Refused says why it may not be imported, one sentence each; empty:
	// it may.
	Refused []string `json:"refused,omitempty"`
	// SetsAside: the person's profile file cannot be read, and importing
	// sets it aside and starts a new one.
	SetsAside bool `json:"sets_aside,omitempty"`
}

// ImportedProfile is one profile of a file to import.
type ImportedProfile struct {
	Name string `json:"name"`
	// Where it signs in and where its tokens go.
	Where string `json:"where"`
	// Powers are what else it does — sends tokens elsewhere, hands them to
	// git or programs, runs a browser, reads files — in words.
	Powers []string `json:"powers,omitempty"`
}

// Token is an access token handed out.
type Token struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	Expiry      time.Time `json:"expiry,omitzero"`
	// Warning: the token is valid, but could not be renewed for as long as
	// asked (the provider is unreachable, or there is no refresh token).
	Warning string `json:"warning,omitempty"`
	// GitUsername is the user name git presents with the token, for a
	// request by GitURL.
	GitUsername string `json:"git_username,omitempty"`
	// Lang is the language of the tray that answered, for the warnings
	// the small front says about the token (as Error.Lang for failures).
	Lang string `json:"lang,omitempty"`
}

// Flow is how a login signs in a person.
type Flow string

const (
	FlowAuto         Flow = ""              // the browser; a code where its callback cannot listen
	FlowPreferDevice Flow = "prefer-device" // a code if the provider offers one (no browser here)
	FlowDevice       Flow = "device"        // always a code (--device)
	FlowBrowser      Flow = "browser"       // never a code (--no-device)
)

// DeviceCode is a sign-in to finish on another device: where, with which
// code, until when, and why tokentray chose it when it did by itself.
type DeviceCode struct {
	UserCode    string    `json:"user_code"`
	URI         string    `json:"verification_uri"`
	URIComplete string    `json:"verification_uri_complete,omitempty"`
	Expires     time.Time `json:"expires,omitzero"`
	Why         string    `json:"why,omitempty"`
}

// Page is where the person goes: the address with the code in it when the
// provider gives one.
func (d DeviceCode) Page() string {
	if d.URIComplete != "" {
		return d.URIComplete
	}
	return d.URI
}

// LoginOptions are a login's choices and how it shows its progress.
type LoginOptions struct {
	Flow    Flow
	Timeout time.Duration
	// Open is handed the sign-in address, Device the code; a browser that
	// cannot be opened is not fatal: the address can be opened elsewhere.
	Open   func(url string) error
	Device func(DeviceCode)
}

// LoginResult describes a finished sign-in.
type LoginResult struct {
	Who             string    `json:"who,omitempty"`
	Expiry          time.Time `json:"expiry,omitzero"`
	SignedInAt      time.Time `json:"signed_in_at,omitzero"`
	HasRefreshToken bool      `json:"refresh_token,omitempty"`
}

// LogoutResult describes a finished sign-out.
type LogoutResult struct {
	WasSignedIn bool   `json:"was_signed_in"`
	Revoked     bool   `json:"revoked"`
	RevokeErr   string `json:"revoke_error,omitempty"`
	// NotAsked: revocation was not tried, by design — the provider has no
	// revocation endpoint, or the sign-in was made for other settings and
	// is sent nowhere. Otherwise a sign-in not Revoked is a failure the
	// person must hear of (KindNotRevoked).
	NotAsked bool `json:"not_asked,omitempty"`
}

// MaxRequest bounds what a connection may send.
const MaxRequest = 64 << 10

// SocketPath is where the tray listens.
func SocketPath() (string, error) {
	dir, err := defaults.RunDir()
	if err != nil {
		return "", fmt.Errorf("control socket: %w", err)
	}
	return filepath.Join(dir, "control.sock"), nil
}

// ForwardSocketPath is the tray's second socket, the one to forward to
// another machine (`ssh -R`) or to hand into a container: it answers
// token requests only, with access tokens only, for the tray's own
// profile file, and as the profile file's forwarded setting says
// (answer, ask the person first, or refuse). Everything that arrives on
// it is treated as coming from elsewhere, whoever the peer seems to be:
// over ssh the peer is the local ssh client, a process of this very user.
func ForwardSocketPath() (string, error) {
	dir, err := defaults.RunDir()
	if err != nil {
		return "", fmt.Errorf("forwarding socket: %w", err)
	}
	return filepath.Join(dir, ForwardSocketName), nil
}

// ForwardSocketName is the forwarding socket's name in the tray's
// directory.
const ForwardSocketName = "forward.sock"

// SocketEnv names the socket a command asks instead of this user's own
// tray: on a server, the path `ssh -R` forwards the laptop's forwarding
// socket to; in a container, where it is mounted. With it set, token,
// git-credential and kubectl-credential ask only there — no profile file,
// keychain or runtime directory is used on this side — and fail if
// nothing answers.
const SocketEnv = "TOKENTRAY_SOCKET"

// RemoteSocket is the socket SocketEnv names, "" when it is not set.
func RemoteSocket() string { return os.Getenv(SocketEnv) }

// ReadRequest reads the one request of a connection. A client sends
// nothing after it, so what the server reads next can only be a hang-up.
func ReadRequest(r io.Reader) (Request, error) {
	var req Request
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), MaxRequest)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return req, err
		}
		return req, errors.New("no request")
	}
	err := json.Unmarshal(sc.Bytes(), &req)
	return req, err
}

// ExitShowAgain is the window program's exit code when it was asked to
// bring its window to the front (SIGUSR1) after that window had closed:
// the person asked for it as it went, so the tray opens it anew.
const ExitShowAgain = 10
