package app

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/tokentray/tokentray/auth"
)

// The control socket: the resident tray process serves it, the command line
// and the window processes use it. One JSON request per connection, then
// JSON messages, one per line, the last with Done set (a watch never ends:
// the caller hangs up). Only the user who runs the tray may connect: the
// socket lives in a 0700 directory and the peer's uid is checked on accept
// (SO_PEERCRED on Linux, LOCAL_PEERCRED on macOS; on Windows the directory's
// ACL, under %LocalAppData%, admits only the user).

// Ops of the control socket.
const (
	opPing      = "ping"
	opToken     = "token"
	opStatus    = "status"
	opLogin     = "login"
	opLogout    = "logout"
	opShow      = "show"      // open a window (a second launch asks this)
	opWatch     = "watch"     // stream Views to a window
	opSignIn    = "signin"    // start a browser sign-in from a window
	opCancel    = "cancel"    // cancel a sign-in
	opCopyLink  = "copylink"  // put the sign-in address on the clipboard
	opRefresh   = "refresh"   // refresh now
	opImport    = "import"    // import a profile file
	opRemove    = "remove"    // remove a profile
	opDefault   = "default"   // set the default profile
	opClipboard = "clipboard" // set clipboard_clear
	opAutostart = "autostart" // start at login on or off
)

type request struct {
	Op string `json:"op"`
	// Config is the caller's profile file: the resident answers commands
	// only for its own, so `--config other.toml` never gets its tokens.
	Config    string        `json:"config,omitempty"`
	Profile   string        `json:"profile,omitempty"`
	MinValid  time.Duration `json:"min_valid,omitempty"`
	Timeout   time.Duration `json:"timeout,omitempty"`
	Window    string        `json:"window,omitempty"`
	File      string        `json:"file,omitempty"`
	Seconds   int           `json:"seconds,omitempty"`
	Autostart bool          `json:"autostart,omitempty"`
}

type message struct {
	// URL is the sign-in address, sent while a login waits.
	URL    string        `json:"url,omitempty"`
	Token  *TokenReply   `json:"token,omitempty"`
	Status []auth.Status `json:"status,omitempty"`
	Login  *LoginReply   `json:"login,omitempty"`
	Logout *LogoutReply  `json:"logout,omitempty"`
	View   *View         `json:"view,omitempty"`
	Names  []string      `json:"names,omitempty"`
	Err    *wireError    `json:"error,omitempty"`
	Done   bool          `json:"done,omitempty"`
}

type wireError struct {
	Kind Kind   `json:"kind"`
	Msg  string `json:"msg"`
}

func toWire(err error) *wireError {
	if err == nil {
		return nil
	}
	return &wireError{Kind: KindOf(err), Msg: err.Error()}
}

// kindElsewhere answers a command for another profile file: the caller
// goes on in direct mode.
const kindElsewhere Kind = "elsewhere"

// maxRequest bounds what a connection may send.
const maxRequest = 64 << 10

// SocketPath is where the resident listens.
func SocketPath() (string, error) {
	dir, err := auth.RuntimeDir()
	if err != nil {
		return "", fmt.Errorf("control socket: %w", err)
	}
	return filepath.Join(dir, "control.sock"), nil
}

// listen takes over the socket path: a socket file nobody answers on is
// left from a crash and removed; one that answers belongs to a running
// resident, which is ErrRunning.
func listen(path string) (net.Listener, error) {
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, ErrRunning
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	// The directory is private already; this is belt and braces.
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	return ln, nil
}

// ErrRunning means another resident serves the control socket.
var ErrRunning = errors.New("tokentray is already running")

// readRequest reads the one request of a connection.
func readRequest(c net.Conn) (request, error) {
	var req request
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 4096), maxRequest)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return req, err
		}
		return req, errors.New("no request")
	}
	err := json.Unmarshal(sc.Bytes(), &req)
	return req, err
}
