// Package client talks to the tray over the control socket, or, when no
// tray serves the profile file, to a server in this process: every
// request has one implementation, whichever process runs it. The wire
// types and words are internal/control's; this package adds the network,
// which the small tokentray program (internal/quick) does without.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"time"

	"github.com/tokentray/tokentray/internal/control"
)

// Client sends requests to the tray that serves its profile file, or, when
// none does and Direct is set, to a server in this process: every request
// has one implementation, whichever process runs it.
type Client struct {
	// Socket is the control socket; "" means no tray can be reached.
	Socket string
	// Config is the profile file (absolute: the tray compares it with its
	// own).
	Config string
	// Direct, if set, connects to a server in this process for requests
	// no tray answers: the command line's direct mode.
	Direct func() net.Conn
	// Log notes which requests the tray answered; nil logs nothing.
	Log *slog.Logger
	// Remote: Socket is the one TOKENTRAY_SOCKET names, another machine's
	// tray (or this one's, handed into a container). Only it may answer:
	// Direct is never used, and no answer is a KindNoTray failure.
	Remote bool
	// Asking is handed what such a tray says while it asks its person
	// whether to answer; nil says nothing.
	Asking func(string)
}

// New is a client for the profile file config, through the control
// socket of this user.
func New(config string) (*Client, error) {
	if config != "" {
		if abs, err := filepath.Abs(config); err == nil {
			config = abs
		}
	}
	c := &Client{Config: config}
	sock, err := control.SocketPath()
	if err != nil {
		return c, err
	}
	c.Socket = sock
	return c, nil
}

// NewRemote is a client for the tray at sock and no other: the socket
// TOKENTRAY_SOCKET names, another machine's tray forwarded here (or this
// one's, handed into a container).
func NewRemote(sock, config string) *Client {
	return &Client{Socket: sock, Config: config, Remote: true}
}

// call sends req and hands every message before the last to each; it
// returns the last one. Cancelling ctx hangs up, which cancels the work in
// the server too.
func (c *Client) call(ctx context.Context, req control.Request, each func(control.Message) error) (control.Message, error) {
	req.Config = c.Config
	if c.Remote {
		return c.callRemote(ctx, req, each)
	}
	var silent error
	if c.Socket != "" {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "unix", c.Socket)
		if err == nil {
			m, err := c.exchange(ctx, conn, req, each)
			var ce *control.Error
			if errors.Is(err, ErrNoAck) {
				silent = err
				if c.Log != nil {
					c.Log.Debug("the tray does not answer (stopped?); running the request here", "op", req.Op, "socket", c.Socket)
				}
			}
			if !errors.Is(err, ErrNoAck) && (!errors.As(err, &ce) || !control.NotServedHere(ce)) {
				if err == nil && c.Log != nil {
					c.Log.Debug("answered by the tray", "op", req.Op, "socket", c.Socket)
				}
				return m, err
			}
		} else if ctx.Err() != nil {
			return control.Message{}, ctx.Err()
		}
	}
	if c.Direct == nil {
		if silent != nil {
			return control.Message{}, silent
		}
		return control.Message{}, control.ErrNoResident
	}
	return c.exchange(ctx, c.Direct(), req, each)
}

// callRemote sends req to the tray TOKENTRAY_SOCKET names, and to no
// other: no answer there is a failure of its own, not a reason to run the
// request here, where nothing holds a sign-in.
func (c *Client) callRemote(ctx context.Context, req control.Request, each func(control.Message) error) (control.Message, error) {
	noTray := func(err error) error {
		return &control.Error{Kind: control.KindNoTray, Msg: fmt.Sprintf("%s: %v", control.SocketEnv, err)}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", c.Socket)
	if err != nil {
		if ctx.Err() != nil {
			return control.Message{}, ctx.Err()
		}
		return control.Message{}, noTray(err)
	}
	m, err := c.exchange(ctx, conn, req, each)
	var ce *control.Error
	switch {
	case errors.As(err, &ce) && control.NotServedHere(ce):
		return m, noTray(fmt.Errorf("the tray at %s does not serve this request: %v", c.Socket, ce.Msg))
	case err != nil && ce == nil && ctx.Err() == nil:
		return m, noTray(err)
	}
	return m, err
}

// ErrNoAck is a server that accepted the connection but does not answer.
var ErrNoAck = errors.New("control socket: the tray does not answer")

func (c *Client) exchange(ctx context.Context, conn net.Conn, req control.Request, each func(control.Message) error) (control.Message, error) {
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		if ctx.Err() != nil {
			return control.Message{}, ctx.Err()
		}
		return control.Message{}, fmt.Errorf("control socket: %w", err)
	}
	dec := json.NewDecoder(conn)
	// The first message within AckTimeout, or the server is not serving
	// (stopped, hung): nothing of this request was done there, and it is
	// run here instead. After it, the server bounds its own work.
	_ = conn.SetReadDeadline(time.Now().Add(control.AckTimeout))
	for first := true; ; first = false {
		var m control.Message
		if err := dec.Decode(&m); err != nil {
			if ctx.Err() != nil {
				return control.Message{}, ctx.Err()
			}
			var ne net.Error
			if first && errors.As(err, &ne) && ne.Timeout() {
				return control.Message{}, ErrNoAck
			}
			if errors.Is(err, io.EOF) {
				err = errors.New("the tray hung up (did it quit?)")
			}
			return control.Message{}, fmt.Errorf("control socket: %w", err)
		}
		if first {
			_ = conn.SetReadDeadline(time.Time{})
		}
		if m.Ack {
			continue
		}
		if m.Asking != "" {
			if c.Asking != nil {
				c.Asking(m.Asking)
			}
			continue
		}
		if m.Err != nil {
			return m, m.Err
		}
		if m.Done {
			return m, nil
		}
		if each != nil {
			if err := each(m); err != nil {
				return m, err
			}
		}
	}
}

// Token is an access token valid for more than minValid.
func (c *Client) Token(ctx context.Context, profile string, minValid time.Duration) (control.Token, error) {
	m, err := c.call(ctx, control.Request{Op: control.OpToken, Profile: profile, MinValid: minValid}, nil)
	if err == nil && m.Token == nil {
		err = errors.New("control socket: no token in the answer")
	}
	if err != nil {
		return control.Token{}, err
	}
	return *m.Token, nil
}

// GitToken is an access token valid for more than minValid, for the
// profile whose git_urls hold url, with the user name git presents; nil
// when no profile holds url.
func (c *Client) GitToken(ctx context.Context, url string, minValid time.Duration) (*control.Token, error) {
	m, err := c.call(ctx, control.Request{Op: control.OpGitToken, GitURL: url, MinValid: minValid}, nil)
	return m.Token, err
}

// Inspect is a look inside a profile's sign-in; its access token is
// renewed first if it has less than defaults.MinValid left.
func (c *Client) Inspect(ctx context.Context, profile string) (control.Inspection, error) {
	m, err := c.call(ctx, control.Request{Op: control.OpInspect, Profile: profile}, nil)
	if err == nil && m.Inspection == nil {
		err = errors.New("control socket: no inspection in the answer")
	}
	if err != nil {
		return control.Inspection{}, err
	}
	return *m.Inspection, nil
}

// Status is the View: every profile's state.
func (c *Client) Status(ctx context.Context) (control.View, error) {
	m, err := c.call(ctx, control.Request{Op: control.OpStatus}, nil)
	if err == nil && m.View == nil {
		err = errors.New("control socket: no status in the answer")
	}
	if err != nil {
		return control.View{}, err
	}
	return *m.View, nil
}

// Login signs in, showing its progress through o.
func (c *Client) Login(ctx context.Context, profile string, o control.LoginOptions) (control.LoginResult, error) {
	m, err := c.call(ctx, control.Request{Op: control.OpLogin, Profile: profile, Timeout: o.Timeout, Flow: o.Flow}, func(m control.Message) error {
		switch {
		case m.URL != "" && o.Open != nil:
			_ = o.Open(m.URL)
		case m.Device != nil && o.Device != nil:
			o.Device(*m.Device)
		}
		return nil
	})
	if err == nil && m.Login == nil {
		err = errors.New("control socket: no sign-in result in the answer")
	}
	if err != nil {
		return control.LoginResult{}, err
	}
	return *m.Login, nil
}

// Logout revokes and forgets the profile's tokens.
func (c *Client) Logout(ctx context.Context, profile string) (control.LogoutResult, error) {
	m, err := c.call(ctx, control.Request{Op: control.OpLogout, Profile: profile}, nil)
	if err == nil && m.Logout == nil {
		err = errors.New("control socket: no sign-out result in the answer")
	}
	if err != nil {
		return control.LogoutResult{}, err
	}
	return *m.Logout, nil
}

// PreviewImport says what importing file would add — who vouches for it,
// and per profile where it signs in and what else it may do — without
// adding it.
func (c *Client) PreviewImport(ctx context.Context, file string) (control.ImportPreview, error) {
	m, err := c.call(ctx, control.Request{Op: control.OpImport, File: file, Preview: true}, nil)
	if err == nil && m.Preview == nil {
		err = errors.New("control socket: no preview in the answer")
	}
	if err != nil {
		return control.ImportPreview{}, err
	}
	return *m.Preview, nil
}

// Import adds the profiles of a profile file if it and its signature are
// still what PreviewImport showed (sum); it returns their names, and where
// a profile file that could not be read was set aside.
func (c *Client) Import(ctx context.Context, file, sum string) (names []string, setAside string, err error) {
	m, err := c.call(ctx, control.Request{Op: control.OpImport, File: file, Sum: sum}, nil)
	return m.Names, m.SetAside, err
}

// Remove signs out of a profile (the provider revokes its tokens), forgets
// its client secret and deletes it from the profile file.
func (c *Client) Remove(ctx context.Context, profile string) (control.LogoutResult, error) {
	m, err := c.call(ctx, control.Request{Op: control.OpRemove, Profile: profile}, nil)
	if err == nil && m.Logout == nil {
		err = errors.New("control socket: no sign-out result in the answer")
	}
	if err != nil {
		return control.LogoutResult{}, err
	}
	return *m.Logout, nil
}

// SetDefault makes profile the default one.
func (c *Client) SetDefault(ctx context.Context, profile string) error {
	return c.do(ctx, control.Request{Op: control.OpDefault, Profile: profile})
}

// SetClipboardClear sets how long a copied token stays (0 = never).
func (c *Client) SetClipboardClear(ctx context.Context, d time.Duration) error {
	return c.do(ctx, control.Request{Op: control.OpClipboard, Seconds: int(d / time.Second)})
}

// The tray's own requests.

// Ping tells whether a tray answers (for any profile file).
func (c *Client) Ping(ctx context.Context) error {
	return c.do(ctx, control.Request{Op: control.OpPing})
}

// Show asks the tray to open a window: "signin", "settings", or "" for
// whichever the person most likely wants.
func (c *Client) Show(ctx context.Context, window, profile string) error {
	return c.do(ctx, control.Request{Op: control.OpShow, Window: window, Profile: profile})
}

// Watch hands every View the tray publishes to f until ctx ends or the
// tray goes away.
func (c *Client) Watch(ctx context.Context, f func(control.View)) error {
	_, err := c.call(ctx, control.Request{Op: control.OpWatch}, func(m control.Message) error {
		if m.View != nil {
			f(*m.View)
		}
		return nil
	})
	return err
}

// SignIn starts a browser sign-in of profile in the tray, which shows
// the sign-in window unless from, the window asking, is that window.
func (c *Client) SignIn(ctx context.Context, profile, from string) error {
	return c.do(ctx, control.Request{Op: control.OpSignIn, Profile: profile, Window: from})
}

// CancelSignIn stops a waiting sign-in, and tells whether one waited
// (false: it had ended already).
func (c *Client) CancelSignIn(ctx context.Context, profile string) (bool, error) {
	m, err := c.call(ctx, control.Request{Op: control.OpCancel, Profile: profile}, nil)
	return !m.NoSignIn, err
}

// OpenSignInPage opens the waiting sign-in's page in the browser again.
func (c *Client) OpenSignInPage(ctx context.Context, profile string) error {
	return c.do(ctx, control.Request{Op: control.OpOpenPage, Profile: profile})
}

// CopySignInLink puts the waiting sign-in's address on the clipboard, or
// its code when it waits for a code entered elsewhere.
func (c *Client) CopySignInLink(ctx context.Context, profile string) error {
	return c.do(ctx, control.Request{Op: control.OpCopyLink, Profile: profile})
}

// SetAutostart turns start at login on or off.
func (c *Client) SetAutostart(ctx context.Context, on bool) error {
	return c.do(ctx, control.Request{Op: control.OpAutostart, Autostart: on})
}

// Copy has the tray put the profile's access token (header: as an
// Authorization header) on the clipboard, which it owns and clears.
func (c *Client) Copy(ctx context.Context, profile string, header bool) error {
	return c.do(ctx, control.Request{Op: control.OpCopy, Profile: profile, Header: header})
}

// CopyClaim has the tray put a claim of the profile's access token on the
// clipboard it owns: a copy a window made would go with the window on X11.
func (c *Client) CopyClaim(ctx context.Context, profile, claim string) error {
	return c.do(ctx, control.Request{Op: control.OpCopyClaim, Profile: profile, Claim: claim})
}

func (c *Client) do(ctx context.Context, req control.Request) error {
	_, err := c.call(ctx, req, nil)
	return err
}
