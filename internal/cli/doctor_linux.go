package cli

import (
	"os"
	"os/exec"

	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/words"
)

// desktopFindings checks what the tray needs from a Linux desktop: the
// session bus, a tray host, a notification server, a display for the
// clipboard and windows, and a browser opener.
func desktopFindings() []finding {
	var out []finding
	bus := finding{what: words.T("session bus"), fix: words.T("run tokentray inside a desktop session")}
	var conn *dbus.Conn
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		bus.seen = words.T("none (DBUS_SESSION_BUS_ADDRESS is not set)")
	} else if c, err := dbus.SessionBusPrivate(); err != nil {
		bus.seen = err.Error()
	} else if err := c.Auth(nil); err != nil {
		bus.seen = err.Error()
		c.Close()
	} else if err := c.Hello(); err != nil {
		bus.seen = err.Error()
		c.Close()
	} else {
		conn, bus.ok, bus.seen = c, true, words.T("connected")
		defer c.Close()
	}
	out = append(out, bus)
	if conn != nil {
		has := func(name string) bool {
			var owner string
			return conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, name).Store(&owner) == nil
		}
		host := finding{what: words.T("tray host"), seen: words.T("a StatusNotifierWatcher is on the bus"), ok: has("org.kde.StatusNotifierWatcher")}
		if !host.ok {
			host.seen = words.T("none: this desktop shows no tray icons")
			host.fix = words.T("on GNOME, install the AppIndicator extension (gnome-shell-extension-appindicator); tokentray runs without it but shows no icon")
		}
		// Not a fault: the menu line says the same.
		notes := finding{what: words.T("notifications"), seen: words.T("a notification server is on the bus"), ok: true}
		if !has("org.freedesktop.Notifications") {
			notes.seen, notes.absent = words.T("no notification server: the tray menu's line says what happens instead"), true
		}
		out = append(out, host, notes)
	}
	x, wl := os.Getenv("DISPLAY"), os.Getenv("WAYLAND_DISPLAY")
	display := finding{what: words.T("display"), seen: "DISPLAY=" + x, ok: x != ""}
	switch {
	case x != "" && wl != "":
		display.seen += " WAYLAND_DISPLAY=" + wl
	case wl != "":
		// The clipboard speaks Wayland; the windows (GLFW) need X.
		display.seen = words.T("{wayland}, no X display (DISPLAY is not set)", "wayland", "WAYLAND_DISPLAY="+wl)
		display.fix = words.T("the windows need XWayland (DISPLAY); the clipboard and the commands work without it")
	case x == "":
		display.seen = words.T("no display (neither DISPLAY nor WAYLAND_DISPLAY is set)")
		display.fix = words.T("the clipboard and the windows need a desktop session; `tokentray token` works without one, and `tokentray login` signs in with a code")
	}
	out = append(out, display)
	opener := finding{what: words.T("browser opener"), fix: words.T("install xdg-utils, or set BROWSER; `tokentray login --no-browser` prints the address instead")}
	if b := os.Getenv("BROWSER"); b != "" {
		opener.ok, opener.seen = true, "BROWSER="+b
	} else if path, err := exec.LookPath("xdg-open"); err == nil {
		// Whether it finds a browser shows only when it runs: the sign-in
		// window says so if not.
		opener.ok, opener.seen = true, words.T("{program} (the browser it opens is not checked)", "program", path)
	} else {
		opener.seen = words.T("no xdg-open and no BROWSER")
	}
	return append(out, opener)
}
