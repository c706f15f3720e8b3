//go:build !windows

package app

import (
	"context"
	"errors"
	"time"

	"golang.design/x/clipboard"
)

// golang.design/x/clipboard picks the backend at Init: native Wayland when
// WAYLAND_DISPLAY names a compositor with a data-control manager (wlroots
// compositors, KDE), else X11 (XWayland where the compositor has none, as
// GNOME's Mutter is listed without it). On Linux both are pure Go over the
// display socket: no cgo, no libX11 or libwayland.

// kdeSecret goes with a copied token: KDE's clipboard history (Klipper)
// keeps nothing offered with x-kde-passwordManagerHint = secret, on X11
// and Wayland alike.
var kdeSecret = clipboard.Item{Format: clipboard.Register("x-kde-passwordManagerHint"), Bytes: []byte("secret")}

func clipInit() error {
	// The library's own error is advice on running Xvfb, not for a person.
	if err := clipboard.Init(); err != nil {
		return errors.New("no X11 or Wayland display answers")
	}
	return nil
}

func clipWrite(text string) error {
	// One write with both, so the text is never offered without the hint.
	_, err := clipboard.WriteAll(context.Background(), clipboard.Item{Format: clipboard.FmtText, Bytes: []byte(text)}, kdeSecret)
	return err
}

// clipClearIf empties the clipboard if it holds text.
func clipClearIf(text string) {
	// A read waits for the owner's answer: bounded, in case it never comes.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if got, err := clipboard.Read(ctx, clipboard.FmtText); err == nil && string(got) == text {
		_, _ = clipboard.Write(ctx, clipboard.FmtText, nil)
	}
}
