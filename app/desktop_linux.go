package app

import (
	"fmt"
	"os"

	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/internal/control"
)

// checkDesktop tells whether the tray can show: a session bus must answer.
// It never starts one: godbus would otherwise launch a private bus that no
// panel watches, and the tray would wait there unseen.
func checkDesktop() error {
	c, err := dbus.SessionBusPrivateNoAutoStartup()
	if err == nil {
		defer c.Close()
		if err = c.Auth(nil); err == nil {
			err = c.Hello()
		}
	}
	if err != nil {
		return &control.Error{Kind: control.KindNoDesktop, Msg: fmt.Sprintf("no D-Bus session bus: %v", err)}
	}
	return nil
}

// trayHostPresent tells whether a panel that shows tray icons (a
// StatusNotifierWatcher) is on the session bus.
func trayHostPresent() bool {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	var owner string
	return conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, "org.kde.StatusNotifierWatcher").Store(&owner) == nil
}

// canShowWindows tells whether a window can open: Fyne needs a display.
func canShowWindows() bool {
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}
