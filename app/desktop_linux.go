package app

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/internal/control"
)

// checkDesktop tells whether the tray can show: a session bus must answer,
// and there must be a display or a panel that shows tray icons — a bus
// alone is an SSH login's, where nothing would ever be seen. It never
// starts a bus: godbus would otherwise launch a private one that no panel
// watches, and the tray would wait there unseen.
func checkDesktop() error {
	c, err := dbus.SessionBusPrivateNoAutoStartup()
	if err == nil {
		defer c.Close()
		if err = c.Auth(nil); err == nil {
			err = c.Hello()
		}
	}
	switch {
	case err != nil:
		return &control.Error{Kind: control.KindNoDesktop, Msg: fmt.Sprintf("no D-Bus session bus: %v", err)}
	case !canShowWindows() && !trayHostPresent():
		return &control.Error{Kind: control.KindNoDesktop, Msg: "no display (DISPLAY and WAYLAND_DISPLAY are not set) and no panel that shows tray icons"}
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
	return conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, watcherName).Store(&owner) == nil
}

// canShowWindows tells whether there is a display at all (X or Wayland):
// the clipboard and a panel's icon need one.
func canShowWindows() bool {
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// canOpenWindows tells whether the window program can start: its driver
// (GLFW) speaks X, which a Wayland desktop offers only through XWayland.
func canOpenWindows() bool { return os.Getenv("DISPLAY") != "" }

const watcherName = "org.kde.StatusNotifierWatcher"

// watchTrayHost calls changed each time a panel that shows tray icons
// takes its name on the session bus (present; fyne.io/systray registers
// with it by itself) or leaves it (a panel that crashed, an extension
// turned off). It has a connection of its own, matched to that one name:
// it sleeps until a panel comes or goes.
func watchTrayHost(ctx context.Context, changed func(present bool)) error {
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return err
	}
	if err = conn.Auth(nil); err == nil {
		err = conn.Hello()
	}
	if err == nil {
		err = conn.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, watcherName))
	}
	if err != nil {
		conn.Close()
		return err
	}
	ch := make(chan *dbus.Signal, 4)
	conn.Signal(ch)
	go func() {
		<-ctx.Done()
		conn.Close()
	}()
	go func() {
		for sig := range ch {
			if len(sig.Body) == 3 {
				owner, _ := sig.Body[2].(string)
				changed(owner != "")
			}
		}
	}()
	return nil
}

// fyne.io/systray runs onReady on a goroutine of its own while it exports
// the item on D-Bus, and an icon, tooltip or title set in the middle of
// that export is dropped (fyne-io/systray#35): the tray stayed blank until
// the next change. What is set before Run goes out with the export
// (beforeRun); what the first render set is sent again once the export is
// surely over (afterReady).
func (t *tray) beforeRun(first menuModel) {
	systray.SetTitle("tokentray")
	systray.SetIcon(platformIcon(runtime.GOOS, first.icon))
	systray.SetTooltip(first.tooltip)
}

func (t *tray) afterReady() {
	time.AfterFunc(2*time.Second, func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.ready && t.icon != nil {
			systray.SetIcon(platformIcon(runtime.GOOS, t.icon))
			systray.SetTooltip(t.tooltip)
		}
	})
}
