package app

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

	"github.com/tokentray/tokentray/auth"
)

// ErrNoResident means no tray serves this profile file: the caller works
// in direct mode.
var ErrNoResident = errors.New("no tokentray tray is running for this profile file")

// Client talks to the resident over the control socket.
type Client struct {
	path   string
	config string
	// Log notes which requests the tray answered; nil logs nothing.
	Log *slog.Logger
}

// NewClient prepares a client for the profile file config (made absolute:
// the resident compares it with its own).
func NewClient(config string) (*Client, error) {
	path, err := SocketPath()
	if err != nil {
		return nil, err
	}
	if config != "" {
		if abs, err := filepath.Abs(config); err == nil {
			config = abs
		}
	}
	return &Client{path: path, config: config}, nil
}

// call sends req and hands every message before the last to each; it
// returns the last one. Cancelling ctx hangs up, which cancels the work in
// the resident too.
func (c *Client) call(ctx context.Context, req request, each func(message) error) (message, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", c.path)
	if err != nil {
		if ctx.Err() != nil {
			return message{}, ctx.Err()
		}
		return message{}, ErrNoResident
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	req.Config = c.config
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return message{}, fmt.Errorf("control socket: %w", err)
	}
	dec := json.NewDecoder(conn)
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			if ctx.Err() != nil {
				return message{}, ctx.Err()
			}
			if errors.Is(err, io.EOF) {
				err = errors.New("the tray hung up (did it quit?)")
			}
			return message{}, fmt.Errorf("control socket: %w", err)
		}
		if m.Err != nil {
			if m.Err.Kind == kindElsewhere {
				return m, ErrNoResident
			}
			return m, &Error{Kind: m.Err.Kind, Msg: m.Err.Msg}
		}
		if m.Done {
			if c.Log != nil {
				c.Log.Debug("answered by the tray", "op", req.Op, "socket", c.path)
			}
			return m, nil
		}
		if each != nil {
			if err := each(m); err != nil {
				return m, err
			}
		}
	}
}

// Token asks the tray for an access token valid for more than minValid.
func (c *Client) Token(ctx context.Context, profile string, minValid time.Duration) (TokenReply, error) {
	m, err := c.call(ctx, request{Op: opToken, Profile: profile, MinValid: minValid}, nil)
	if err != nil {
		return TokenReply{}, err
	}
	if m.Token == nil {
		return TokenReply{}, errors.New("control socket: no token in the answer")
	}
	return *m.Token, nil
}

// Status asks the tray for every profile's status.
func (c *Client) Status(ctx context.Context) ([]auth.Status, error) {
	m, err := c.call(ctx, request{Op: opStatus}, nil)
	return m.Status, err
}

// Login has the tray sign in; open is handed the sign-in address.
func (c *Client) Login(ctx context.Context, profile string, open func(string) error, timeout time.Duration) (LoginReply, error) {
	m, err := c.call(ctx, request{Op: opLogin, Profile: profile, Timeout: timeout}, func(m message) error {
		if m.URL != "" {
			_ = open(m.URL) // as in direct mode, a browser that fails is not fatal
		}
		return nil
	})
	if err != nil {
		return LoginReply{}, err
	}
	if m.Login == nil {
		return LoginReply{}, errors.New("control socket: no sign-in result in the answer")
	}
	return *m.Login, nil
}

// Logout has the tray sign out.
func (c *Client) Logout(ctx context.Context, profile string) (LogoutReply, error) {
	m, err := c.call(ctx, request{Op: opLogout, Profile: profile}, nil)
	if err != nil {
		return LogoutReply{}, err
	}
	if m.Logout == nil {
		return LogoutReply{}, errors.New("control socket: no sign-out result in the answer")
	}
	return *m.Logout, nil
}

// Ping tells whether a resident answers (for any profile file).
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.call(ctx, request{Op: opPing}, nil)
	return err
}

// Show asks the resident to open a window: "signin", "settings", or ""
// for whichever the person most likely wants.
func (c *Client) Show(ctx context.Context, window, profile string) error {
	_, err := c.call(ctx, request{Op: opShow, Window: window, Profile: profile}, nil)
	return err
}

// Watch hands every View the resident publishes to f until ctx ends or
// the resident goes away.
func (c *Client) Watch(ctx context.Context, f func(View)) error {
	_, err := c.call(ctx, request{Op: opWatch}, func(m message) error {
		if m.View != nil {
			f(*m.View)
		}
		return nil
	})
	return err
}

// Backend runs the commands of the command line.
type Backend interface {
	Token(ctx context.Context, profile string, minValid time.Duration) (TokenReply, error)
	Status(ctx context.Context) ([]auth.Status, error)
	Login(ctx context.Context, profile string, open func(string) error, timeout time.Duration) (LoginReply, error)
	Logout(ctx context.Context, profile string) (LogoutReply, error)
}

var (
	_ Backend = (*Client)(nil)
	_ Backend = (*Local)(nil)
)

// Auto runs each command through the running tray, which owns the
// sessions, and in this process when no tray runs for the profile file.
type Auto struct {
	Remote *Client
	Local  func() *Local
}

func (a Auto) Token(ctx context.Context, profile string, minValid time.Duration) (TokenReply, error) {
	if a.Remote != nil {
		if r, err := a.Remote.Token(ctx, profile, minValid); !errors.Is(err, ErrNoResident) {
			return r, err
		}
	}
	return a.Local().Token(ctx, profile, minValid)
}

func (a Auto) Status(ctx context.Context) ([]auth.Status, error) {
	if a.Remote != nil {
		if r, err := a.Remote.Status(ctx); !errors.Is(err, ErrNoResident) {
			return r, err
		}
	}
	return a.Local().Status(ctx)
}

func (a Auto) Login(ctx context.Context, profile string, open func(string) error, timeout time.Duration) (LoginReply, error) {
	if a.Remote != nil {
		if r, err := a.Remote.Login(ctx, profile, open, timeout); !errors.Is(err, ErrNoResident) {
			return r, err
		}
	}
	return a.Local().Login(ctx, profile, open, timeout)
}

func (a Auto) Logout(ctx context.Context, profile string) (LogoutReply, error) {
	if a.Remote != nil {
		if r, err := a.Remote.Logout(ctx, profile); !errors.Is(err, ErrNoResident) {
			return r, err
		}
	}
	return a.Local().Logout(ctx, profile)
}

// The windows' requests.

// SignIn starts a browser sign-in of profile in the tray.
func (c *Client) SignIn(ctx context.Context, profile string) error {
	_, err := c.call(ctx, request{Op: opSignIn, Profile: profile}, nil)
	return err
}

// CancelSignIn stops a waiting sign-in.
func (c *Client) CancelSignIn(ctx context.Context, profile string) error {
	_, err := c.call(ctx, request{Op: opCancel, Profile: profile}, nil)
	return err
}

// CopySignInLink puts the waiting sign-in's address on the clipboard.
func (c *Client) CopySignInLink(ctx context.Context, profile string) error {
	_, err := c.call(ctx, request{Op: opCopyLink, Profile: profile}, nil)
	return err
}

// Import adds the profiles of a profile file; it returns their names.
func (c *Client) Import(ctx context.Context, file string) ([]string, error) {
	m, err := c.call(ctx, request{Op: opImport, File: file}, nil)
	return m.Names, err
}

// Remove deletes a profile from the profile file.
func (c *Client) Remove(ctx context.Context, profile string) error {
	_, err := c.call(ctx, request{Op: opRemove, Profile: profile}, nil)
	return err
}

// SetDefault makes profile the default one.
func (c *Client) SetDefault(ctx context.Context, profile string) error {
	_, err := c.call(ctx, request{Op: opDefault, Profile: profile}, nil)
	return err
}

// SetClipboardClear sets how long a copied token stays (0 = never).
func (c *Client) SetClipboardClear(ctx context.Context, d time.Duration) error {
	_, err := c.call(ctx, request{Op: opClipboard, Seconds: int(d / time.Second)}, nil)
	return err
}

// SetAutostart turns start at login on or off.
func (c *Client) SetAutostart(ctx context.Context, on bool) error {
	_, err := c.call(ctx, request{Op: opAutostart, Autostart: on}, nil)
	return err
}
