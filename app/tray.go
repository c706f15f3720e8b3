package app

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"time"

	"fyne.io/systray"

	"github.com/tokentray/tokentray/internal/control"
	"github.com/tokentray/tokentray/words"
)

// tray copies menu models into the system tray through fyne.io/systray:
// D-Bus StatusNotifierItem on Linux, no GUI toolkit loop and no ticker, so
// it costs nothing while nothing changes. Menu clicks call the Resident.
type tray struct {
	mu    sync.Mutex
	ready bool
	last  control.View
	items *trayItems
	icon  []byte
	// tooltip is the one last sent.
	tooltip string
	r       *Resident
	// asked is when each profile's sign-out was asked from the menu, where
	// no window can ask (see menuModel.asking).
	asked map[string]time.Time
}

// trayItems are the menu's items for one set of profiles.
type trayItems struct {
	names     []string
	sections  map[string]*traySection
	notice    *menuItem
	settings  *menuItem
	autostart *menuItem
	footer    *menuItem // "Managed by …", disabled
	quit      *menuItem
	stop      context.CancelFunc
	// allow and refuse answer a request from elsewhere (forward.go).
	allow, refuse *menuItem
}

type traySection struct {
	label, copy, header, refresh, details, sign, cancel *menuItem
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

func (m *menuItem) set(it item) {
	m.setTitle(it.title)
	m.setEnabled(it.enabled)
	m.setShown(it.shown)
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
	// A click on the icon copies the default profile's token. Set before
	// the tray starts: whether the item is a plain menu is decided then.
	systray.SetOnTapped(func() { go t.tapped() })
	stop := context.AfterFunc(ctx, systray.Quit)
	defer stop()
	t.mu.Lock()
	first := menu(t.last, time.Now())
	t.mu.Unlock()
	t.beforeRun(first)
	systray.Run(func() {
		systray.SetTitle("tokentray")
		t.mu.Lock()
		t.ready = true
		v := t.last
		t.mu.Unlock()
		t.render(v, time.Now())
		r.changed()
		t.afterReady()
	}, func() {
		// The tray's D-Bus connection closes right after this: nothing may
		// be drawn into it any more.
		t.mu.Lock()
		t.ready = false
		t.mu.Unlock()
	})
}

// askSignOut is Sign out… where no window can ask: the first click turns
// the item into the question, a second within confirmSignOut signs out.
func (t *tray) askSignOut(name string) {
	now := time.Now()
	t.mu.Lock()
	at, asked := t.asked[name]
	if asked && now.Sub(at) < confirmSignOut {
		delete(t.asked, name)
		t.mu.Unlock()
		t.r.signOut(name)
		return
	}
	if t.asked == nil {
		t.asked = map[string]time.Time{}
	}
	t.asked[name] = now
	t.mu.Unlock()
	t.r.changed()
	time.AfterFunc(confirmSignOut, t.r.changed) // the question goes again
}

// tapped: a click on the icon.
func (t *tray) tapped() {
	t.mu.Lock()
	v := t.last
	t.mu.Unlock()
	p, ok := v.Profile("")
	switch {
	case !ok:
		t.r.Show("settings", "")
	case p.HasToken():
		_ = t.r.Copy(p.Name, false)
	default:
		// Nothing to copy: the sign-in window says what to do; it does not
		// open the browser before the person asks.
		t.r.windows.open("signin", p.Name)
	}
}

// render shows v at now, and says when a countdown line in it next
// changes (0: none shows). The menu is rebuilt only when the profiles
// change; else its items are updated in place.
func (t *tray) render(v control.View, now time.Time) (next time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last = v
	m := menu(v, now)
	m.asking(t.asked, now)
	if !t.ready {
		return m.next
	}
	if &m.icon[0] != firstByte(t.icon) {
		t.icon = m.icon
		systray.SetIcon(platformIcon(runtime.GOOS, m.icon))
	}
	if m.tooltip != t.tooltip {
		t.tooltip = m.tooltip
		systray.SetTooltip(m.tooltip)
	}
	names := make([]string, 0, len(m.profiles))
	for _, p := range m.profiles {
		names = append(names, p.name)
	}
	if t.items == nil || !slices.Equal(t.items.names, names) {
		t.build(names)
	}
	items := t.items
	items.allow.set(m.allow)
	items.refuse.set(m.refuse)
	for _, p := range m.profiles {
		s := items.sections[p.name]
		s.label.setTitle(p.label)
		s.copy.set(p.copy)
		s.header.set(p.header)
		s.refresh.set(p.refresh)
		s.details.set(p.details)
		s.sign.set(p.sign)
		s.cancel.set(p.cancel)
	}
	if m.notice != "" {
		items.notice.setTitle(m.notice)
	}
	items.notice.setShown(m.notice != "")
	items.autostart.setChecked(m.autostart)
	if m.footer != "" {
		items.footer.setTitle(m.footer)
	}
	items.footer.setShown(m.footer != "")
	return m.next
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
	if t.items != nil {
		t.items.stop()
		systray.ResetMenu()
	}
	ctx, stop := context.WithCancel(context.Background())
	items := &trayItems{names: names, sections: map[string]*traySection{}, stop: stop}
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
	// First, where a click on the icon (GNOME) shows them at once; hidden
	// until a request from elsewhere waits.
	items.allow = addItem("", words.T("Let this request from elsewhere have the access token"))
	items.refuse = addItem("", words.T("Refuse this request from elsewhere"))
	items.allow.setShown(false)
	items.refuse.setShown(false)
	answer := func(allow bool) func() {
		return func() {
			t.mu.Lock()
			a := t.last.Asking
			t.mu.Unlock()
			if a != nil {
				r.answerForward(a.ID, allow)
			}
		}
	}
	on(items.allow, answer(true))
	on(items.refuse, answer(false))
	for i, name := range names {
		if i > 0 {
			systray.AddSeparator()
		}
		s := &traySection{
			label: addItem(name, ""),
			// Titles: render sets them (menu), as they change.
			copy:    addItem("", words.T("Copy the access token to the clipboard")),
			header:  addItem("", words.T("Copy \"Authorization: Bearer …\"")),
			refresh: addItem("", words.T("Get a new access token now")),
			details: addItem("", words.T("Issuer, account, scopes, expiry and the token's claims")),
			sign:    addItem("", ""),
			cancel:  addItem("", words.T("Stop waiting for the sign-in in the browser")),
		}
		s.label.setEnabled(false)
		on(s.copy, func() { _ = r.Copy(name, false) })
		on(s.header, func() { _ = r.Copy(name, true) })
		on(s.refresh, func() { r.Refresh(name) })
		on(s.details, func() { r.windows.open("details", name) })
		on(s.sign, func() {
			t.mu.Lock()
			p, _ := t.last.Profile(name)
			t.mu.Unlock()
			switch {
			case !p.HasToken():
				r.SignIn(name, true)
			case r.windows.canOpen():
				// Sign-out revokes: a small window asks first.
				r.windows.open("signout", name)
			default:
				t.askSignOut(name)
			}
		})
		on(s.cancel, func() { r.signIns.cancel(name) })
		items.sections[name] = s
	}
	items.notice = addItem("", "")
	on(items.notice, func() { r.windows.open("settings", "") })
	systray.AddSeparator()
	items.settings = addItem(words.T("Settings…"), words.T("Profiles, clipboard, start at login"))
	startAtLogin := words.T("Start at login")
	items.autostart = newItem(systray.AddMenuItemCheckbox(startAtLogin, words.T("Start tokentray when you log in"), false), startAtLogin)
	items.footer = addItem("", "")
	items.footer.setEnabled(false)
	items.quit = addItem(words.T("Quit"), words.T("Quit tokentray"))
	on(items.settings, func() { r.windows.open("settings", "") })
	on(items.autostart, func() { _ = r.SetAutostart(!items.autostart.Checked()) })
	on(items.quit, systray.Quit)
	t.items = items
}
