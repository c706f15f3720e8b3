// Package window is tokentray's windows: sign-in and settings, drawn with
// Fyne. They run in a short-lived process of their own (tokentray-window),
// started by the tray, so that Fyne's driver — which ticks at 60 Hz for as
// long as the app lives, and links the GL libraries — costs nothing while
// no window is open, and the tray and the command line stay small. They
// show the tray's View and send its requests over the control socket; they
// hold no token and no OAuth logic.
package window

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/tokentray/tokentray/assets"
	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/internal/control/client"
	"github.com/tokentray/tokentray/words"
)

// Tray is what the windows ask of the tray; *client.Client does it over the
// control socket.
type Tray interface {
	SignIn(ctx context.Context, profile, from string) error
	CancelSignIn(ctx context.Context, profile string) (bool, error)
	CopySignInLink(ctx context.Context, profile string) error
	OpenSignInPage(ctx context.Context, profile string) error
	PreviewImport(ctx context.Context, file string) (control.ImportPreview, error)
	Import(ctx context.Context, file, sum string) (names []string, setAside string, err error)
	Remove(ctx context.Context, profile string) (control.LogoutResult, error)
	Logout(ctx context.Context, profile string) (control.LogoutResult, error)
	SetDefault(ctx context.Context, profile string) error
	SetClipboardClear(ctx context.Context, d time.Duration) error
	SetAutostart(ctx context.Context, on bool) error
	Show(ctx context.Context, window, profile string) error
	Copy(ctx context.Context, profile string, header bool) error
	Inspect(ctx context.Context, profile string) (control.Inspection, error)
	CopyClaim(ctx context.Context, profile, claim string) error
}

var _ Tray = (*client.Client)(nil)

// appID is the windows' Fyne app ID (FyneApp.toml's): Fyne keeps their
// preferences (the file chooser's last folder) under it.
const appID = "io.github.tokentray"

// Run shows one window ("signin" or "settings") until it is closed or the
// tray goes away.
func Run(ctx context.Context, config, kind, profile string) error {
	c, err := client.New(config)
	if err != nil {
		return err
	}
	if err := c.Ping(ctx); err != nil {
		return fmt.Errorf("the tray is not running: %w", err)
	}
	words.Use(os.Getenv(words.Env)) // the tray's: "" is the system's
	quietFyne(os.Stderr)
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, update, err := New(ctx, a, c, kind, profile)
	if err != nil {
		return err
	}
	go func() {
		// The tray streams every change; when it goes away, so do we.
		_ = c.Watch(ctx, func(v control.View) { fyne.Do(func() { update(v) }) })
		fyne.Do(a.Quit)
	}()
	w.SetOnClosed(cancel)
	askedAgain := raiseOnSignal(ctx, func() {
		fyne.Do(func() {
			w.Show()
			w.RequestFocus()
		})
	})
	w.Show()
	a.Run()
	cancel()
	if askedAgain() {
		return ErrAskedAgain
	}
	return nil
}

// ErrAskedAgain: the window was asked for again as it closed (Run); its
// program exits with control.ExitShowAgain.
var ErrAskedAgain = errors.New("the window was asked for again as it closed")

// New builds a window for any fyne.App (tests pass Fyne's test app) and
// returns it with the function that shows a View in it.
func New(ctx context.Context, a fyne.App, t Tray, kind, profile string) (fyne.Window, func(control.View), error) {
	switch kind {
	case "signin":
		u := newSignIn(ctx, a, t, profile)
		return u.w, u.update, nil
	case "settings":
		u := newSettings(ctx, a, t)
		return u.w, u.update, nil
	case "import":
		// Settings with the import of one file asked at once (profile is
		// its path): what `tokentray profiles import --window FILE` and a
		// file manager's "Open with tokentray" show.
		u := newSettings(ctx, a, t)
		u.w.SetTitle(words.T("Import {file}", "file", filepath.Base(profile)))
		u.importPath(profile)
		return u.w, u.update, nil
	case "signout":
		u := newSignOut(ctx, a, t, profile)
		return u.w, u.update, nil
	case "details":
		u := newDetails(ctx, a, t, profile)
		return u.w, u.update, nil
	case "tray":
		u := newCompact(ctx, a, t)
		return u.w, u.update, nil
	}
	return nil, nil, errors.New("window: want signin, settings, import, signout, details or tray")
}

// errorOf is err as the contract's typed error (an error that did not
// cross the socket is shown as it is).
func errorOf(err error) *control.Error {
	var e *control.Error
	if errors.As(err, &e) {
		return e
	}
	return &control.Error{Kind: control.KindOther, Msg: err.Error()}
}
