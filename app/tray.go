package app

import (
	"context"
	"slices"
	"sync"
	"time"

	"fyne.io/systray"

	"github.com/tokentray/tokentray/assets"
	"github.com/tokentray/tokentray/auth"
)

// tray renders Views into the system tray through fyne.io/systray: D-Bus
// StatusNotifierItem on Linux, no GUI toolkit loop and no ticker, so it
// costs nothing while nothing changes. Menu clicks call the Resident.
type tray struct {
	mu    sync.Mutex
	ready bool
	last  View
	menu  *trayMenu
	icon  []byte
	// tooltip is the one last sent.
	tooltip string
	// tick re-renders when a "valid …" line next changes, only while one
	// shows a countdown.
	tick *time.Timer
	r    *Resident
}

type trayMenu struct {
	names     []string
	sections  map[string]*traySection
	empty     *menuItem
	settings  *menuItem
	autostart *menuItem
	quit      *menuItem
	stop      context.CancelFunc
}

type traySection struct {
	label, copy, header, refresh, sign *menuItem
}

// menuItem is a menu item that is updated only when something changed:
// each systray setter sends two D-Bus signals and has the host read the
// whole menu again, changed or not.
type menuItem struct {
	*systray.MenuItem
	title                   string
	enabled, shown, checked bool
}

func newItem(it *systray.MenuItem, title string) *menuItem {
	return &menuItem{MenuItem: it, title: title, enabled: true, shown: true}
}

func addItem(title, tooltip string) *menuItem {
	return newItem(systray.AddMenuItem(title, tooltip), title)
}

func (m *menuItem) setTitle(title string) {
	if title != m.title {
		m.title = title
		m.SetTitle(title)
	}
}

func (m *menuItem) setEnabled(on bool) { change(&m.enabled, on, m.Enable, m.Disable) }
func (m *menuItem) setShown(on bool)   { change(&m.shown, on, m.Show, m.Hide) }
func (m *menuItem) setChecked(on bool) { change(&m.checked, on, m.Check, m.Uncheck) }

// change records on in *state and calls yes or no, unless it was so already.
func change(state *bool, on bool, yes, no func()) {
	if *state == on {
		return
	}
	*state = on
	if on {
		yes()
	} else {
		no()
	}
}

func newTray() *tray { return &tray{} }

// run shows the tray and blocks until Quit is chosen or ctx ends.
func (t *tray) run(ctx context.Context, r *Resident) {
	t.r = r
	// A click on the icon copies the active profile's token. Set before the
	// tray starts: whether the item is a plain menu is decided then.
	systray.SetOnTapped(func() { go t.tapped() })
	stop := context.AfterFunc(ctx, systray.Quit)
	defer stop()
	systray.Run(func() {
		systray.SetTitle("tokentray")
		t.mu.Lock()
		t.ready = true
		v := t.last
		t.mu.Unlock()
		t.render(v)
	}, nil)
	t.mu.Lock()
	if t.tick != nil {
		t.tick.Stop()
	}
	t.mu.Unlock()
}

// tapped: a click on the icon.
func (t *tray) tapped() {
	t.mu.Lock()
	v := t.last
	t.mu.Unlock()
	p, ok := v.Profile("")
	switch {
	case !ok:
		t.r.show("settings", "")
	case p.HasToken():
		t.r.Copy(p.Name, false)
	default:
		// Nothing to copy: the sign-in window says what to do; it does not
		// open the browser before the person asks.
		t.r.openWindow("signin", p.Name)
	}
}

// iconFor is the tray icon of a View: the most urgent state among the
// profiles in use; signed out only when no profile is signed in.
func iconFor(v View) []byte {
	rank := func(k auth.StateKind) int {
		switch k {
		case auth.NeedsSignIn:
			return 4
		case auth.Retrying:
			return 3
		case auth.Refreshing, auth.SigningIn:
			return 2
		case auth.Valid:
			return 1
		}
		return 0
	}
	worst := auth.SignedOut
	for _, p := range v.Profiles {
		if rank(p.State) > rank(worst) {
			worst = p.State
		}
	}
	switch worst {
	case auth.Valid:
		return assets.TrayValid
	case auth.Refreshing, auth.SigningIn:
		return assets.TrayRefreshing
	case auth.Retrying:
		return assets.TrayRetrying
	}
	return assets.TraySignedOut
}

// tooltipFor says in words what the icon says in colour.
func tooltipFor(v View, now time.Time) string {
	s := "tokentray"
	for _, p := range v.Profiles {
		s += "\n" + p.Name + ": " + StatusLine(p, now)
	}
	return s
}

// render shows v. The menu is rebuilt only when the profiles change; else
// its items are updated in place.
func (t *tray) render(v View) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last = v
	if !t.ready {
		return
	}
	now := time.Now()
	if icon := iconFor(v); &icon[0] != firstByte(t.icon) {
		t.icon = icon
		systray.SetIcon(icon)
	}
	if tip := tooltipFor(v, now); tip != t.tooltip {
		t.tooltip = tip
		systray.SetTooltip(tip)
	}
	names := make([]string, 0, len(v.Profiles))
	for _, p := range v.Profiles {
		names = append(names, p.Name)
	}
	if t.menu == nil || !slices.Equal(t.menu.names, names) {
		t.build(names)
	}
	m := t.menu
	var next time.Duration // until a countdown line changes
	for _, p := range v.Profiles {
		s := m.sections[p.Name]
		s.label.setTitle(p.Name + ": " + StatusLine(p, now))
		s.copy.setEnabled(p.HasToken())
		s.header.setEnabled(p.HasToken())
		s.refresh.setEnabled(p.HasToken() && (p.HasRefreshToken || p.ServiceAccount))
		if p.HasToken() {
			s.sign.setTitle("Sign out")
			if d := NextChange(p.Until, now); d > 0 && (next == 0 || d < next) {
				next = d
			}
		} else {
			s.sign.setTitle("Sign in…")
		}
		s.sign.setEnabled(p.State != auth.SigningIn)
	}
	switch {
	case v.ConfigErr != "":
		m.empty.setTitle("The profile file has a problem: see Settings…")
	case len(v.Profiles) == 0:
		m.empty.setTitle("No profile yet: import one in Settings…")
	}
	m.empty.setShown(v.ConfigErr != "" || len(v.Profiles) == 0)
	m.autostart.setChecked(v.Autostart)
	if t.tick != nil {
		t.tick.Stop()
		t.tick = nil
	}
	if next > 0 {
		t.tick = time.AfterFunc(next, func() {
			t.mu.Lock()
			v := t.last
			t.mu.Unlock()
			t.render(v)
		})
	}
}

func firstByte(b []byte) *byte {
	if len(b) == 0 {
		return nil
	}
	return &b[0]
}

// build lays out the menu for these profiles: a section each, then
// Settings…, Start at login and Quit.
func (t *tray) build(names []string) {
	if t.menu != nil {
		t.menu.stop()
		systray.ResetMenu()
	}
	ctx, stop := context.WithCancel(context.Background())
	m := &trayMenu{names: names, sections: map[string]*traySection{}, stop: stop}
	on := func(it *menuItem, f func()) {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-it.ClickedCh:
					go f()
				}
			}
		}()
	}
	r := t.r
	for i, name := range names {
		if i > 0 {
			systray.AddSeparator()
		}
		s := &traySection{
			label:   addItem(name, ""),
			copy:    addItem("Copy access token", "Copy the access token to the clipboard"),
			header:  addItem("Copy as Authorization header", "Copy \"Authorization: Bearer …\""),
			refresh: addItem("Refresh now", "Get a new access token now"),
			sign:    addItem("Sign in…", ""),
		}
		s.label.setEnabled(false)
		on(s.copy, func() { r.Copy(name, false) })
		on(s.header, func() { r.Copy(name, true) })
		on(s.refresh, func() { r.Refresh(name) })
		on(s.sign, func() {
			t.mu.Lock()
			p, _ := t.last.Profile(name)
			t.mu.Unlock()
			if p.HasToken() {
				r.SignOut(name)
			} else {
				r.SignIn(name)
			}
		})
		m.sections[name] = s
	}
	m.empty = addItem("", "")
	m.empty.setEnabled(false)
	systray.AddSeparator()
	m.settings = addItem("Settings…", "Profiles, clipboard, start at login")
	m.autostart = newItem(systray.AddMenuItemCheckbox("Start at login", "Start tokentray when you log in", false), "Start at login")
	m.quit = addItem("Quit", "Quit tokentray")
	on(m.settings, func() { r.openWindow("settings", "") })
	on(m.autostart, func() { _ = r.SetAutostart(!m.autostart.Checked()) })
	on(m.quit, systray.Quit)
	t.menu = m
}
