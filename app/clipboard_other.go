package app

import (
	"errors"

	"golang.design/x/clipboard"
)

// golang.design/x/clipboard (v0.8) picks the backend at Init: native
// Wayland when WAYLAND_DISPLAY names a compositor with a data-control
// manager (wlroots compositors, KDE), else X11 (also XWayland under
// GNOME, which has no data-control). On Linux both are pure Go over the
// display socket: no cgo, no libX11 or libwayland.

func clipInit() error { return clipboard.Init() }

func clipWrite(text string) error {
	// Write answers nil when it could not take the clipboard.
	if clipboard.Write(clipboard.FmtText, []byte(text)) == nil {
		return errors.New("could not take the clipboard")
	}
	return nil
}

// clipClearIf empties the clipboard if it holds text.
func clipClearIf(text string) {
	if string(clipboard.Read(clipboard.FmtText)) == text {
		clipboard.Write(clipboard.FmtText, nil)
	}
}
