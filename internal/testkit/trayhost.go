//go:build linux

package testkit

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TrayHost plays the desktop's side of the session bus: a
// StatusNotifierWatcher that tray items register with, as on a KDE, GNOME
// (with the AppIndicator extension) or XFCE panel, and a notification
// server (org.freedesktop.Notifications) that records what it is sent.
// Tests then use the item through its real D-Bus interfaces.
type TrayHost struct {
	conn *dbus.Conn

	mu     sync.Mutex
	items  []Item
	notes  []Notification
	nextID uint32
	cond   chan struct{} // closed and replaced on every event
}

// Item is a registered StatusNotifierItem.
type Item struct {
	host         *TrayHost
	Sender, Path string
}

// Notification is one Notify call.
type Notification struct {
	ID            uint32
	App           string
	Summary, Body string
	Actions       []string
}

// StartTrayHost claims the watcher and notification names on the session
// bus (DBUS_SESSION_BUS_ADDRESS) for the test.
func StartTrayHost(t testing.TB) *TrayHost {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("session bus: %v (run the tests through `make test`)", err)
	}
	h := &TrayHost{conn: conn, cond: make(chan struct{})}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Export(watcher{h}, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Export(notifications{h}, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"org.kde.StatusNotifierWatcher", "org.freedesktop.Notifications"} {
		reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
		if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
			t.Fatalf("claim %s on the session bus: %v (reply %v); is another desktop service running?", name, err, reply)
		}
	}
	return h
}

// Stop ends the host, as a panel that crashes or an extension turned off
// does: its names leave the session bus.
func (h *TrayHost) Stop() { h.conn.Close() }

func (h *TrayHost) event() {
	close(h.cond)
	h.cond = make(chan struct{})
}

// wait calls check under the lock until it returns true or timeout passes.
func (h *TrayHost) wait(timeout time.Duration, check func() bool) bool {
	deadline := time.After(timeout)
	for {
		h.mu.Lock()
		ok := check()
		c := h.cond
		h.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-c:
		case <-deadline:
			return false
		}
	}
}

type watcher struct{ h *TrayHost }

// RegisterStatusNotifierItem pairs the object path an item gives with the
// connection it came from, as real watchers do.
func (w watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.h.mu.Lock()
	defer w.h.mu.Unlock()
	path := service
	if !strings.HasPrefix(path, "/") {
		path = "/StatusNotifierItem"
	}
	w.h.items = append(w.h.items, Item{host: w.h, Sender: string(sender), Path: path})
	w.h.event()
	return nil
}

type notifications struct{ h *TrayHost }

func (n notifications) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n.h.mu.Lock()
	defer n.h.mu.Unlock()
	id := replaces
	if id == 0 {
		n.h.nextID++
		id = n.h.nextID
	}
	n.h.notes = append(n.h.notes, Notification{ID: id, App: app, Summary: summary, Body: body, Actions: actions})
	n.h.event()
	return id, nil
}

func (n notifications) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"body", "actions"}, nil
}

func (n notifications) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "testkit", "tokentray", "1", "1.2", nil
}

func (n notifications) CloseNotification(id uint32) *dbus.Error { return nil }

// WaitItem waits for an item to register and returns the newest.
func (h *TrayHost) WaitItem(t testing.TB, timeout time.Duration) Item {
	t.Helper()
	var it Item
	if !h.wait(timeout, func() bool {
		if len(h.items) == 0 {
			return false
		}
		it = h.items[len(h.items)-1]
		return true
	}) {
		t.Fatalf("no tray item registered within %s", timeout)
	}
	return it
}

// ItemCount is how many registrations the watcher has seen.
func (h *TrayHost) ItemCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.items)
}

// WaitItems waits until the watcher has seen n registrations.
func (h *TrayHost) WaitItems(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	if !h.wait(timeout, func() bool { return len(h.items) >= n }) {
		t.Fatalf("%d tray registrations within %s, want %d", h.ItemCount(), timeout, n)
	}
}

// Notifications returns every notification so far.
func (h *TrayHost) Notifications() []Notification {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Notification(nil), h.notes...)
}

// WaitNotification waits for a notification after the first skip ones whose
// summary contains substr.
func (h *TrayHost) WaitNotification(t testing.TB, skip int, substr string, timeout time.Duration) Notification {
	t.Helper()
	var got Notification
	if !h.wait(timeout, func() bool {
		for _, n := range h.notes[min(skip, len(h.notes)):] {
			if strings.Contains(n.Summary, substr) {
				got = n
				return true
			}
		}
		return false
	}) {
		t.Fatalf("no notification %q within %s; got %+v", substr, timeout, h.Notifications())
	}
	return got
}

// Click invokes a notification's default action, as clicking it does.
func (h *TrayHost) Click(t testing.TB, n Notification) {
	t.Helper()
	if err := h.conn.Emit("/org/freedesktop/Notifications", "org.freedesktop.Notifications.ActionInvoked", n.ID, "default"); err != nil {
		t.Fatal(err)
	}
}

func (it Item) obj() dbus.BusObject { return it.host.conn.Object(it.Sender, dbus.ObjectPath(it.Path)) }

// Activate is a left click on the icon.
func (it Item) Activate(t testing.TB) {
	t.Helper()
	if call := it.obj().Call("org.kde.StatusNotifierItem.Activate", 0, int32(0), int32(0)); call.Err != nil {
		t.Fatalf("Activate: %v", call.Err)
	}
}

// Property reads a StatusNotifierItem property.
func (it Item) Property(t testing.TB, name string) any {
	t.Helper()
	v, err := it.obj().GetProperty("org.kde.StatusNotifierItem." + name)
	if err != nil {
		t.Fatalf("property %s: %v", name, err)
	}
	return v.Value()
}

// IconPixmap is the icon's ARGB32 pixels (network byte order), as the host
// would draw them.
func (it Item) IconPixmap(t testing.TB) (w, h int32, argb []byte) {
	t.Helper()
	var px []struct {
		W, H int32
		Pix  []byte
	}
	v, err := it.obj().GetProperty("org.kde.StatusNotifierItem.IconPixmap")
	if err != nil {
		t.Fatalf("IconPixmap: %v", err)
	}
	if err := dbus.Store([]any{v.Value()}, &px); err != nil || len(px) == 0 {
		t.Fatalf("IconPixmap: %v %v", err, v)
	}
	return px[0].W, px[0].H, px[0].Pix
}

// MenuItem is one entry of the item's dbusmenu.
type MenuItem struct {
	ID      int32
	Label   string
	Enabled bool
	Visible bool
	Toggle  string
	Checked bool
}

func (it Item) menuObj() (dbus.BusObject, error) {
	p, err := it.obj().GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		return nil, err
	}
	path, _ := p.Value().(dbus.ObjectPath)
	return it.host.conn.Object(it.Sender, path), nil
}

// Menu reads the whole menu (GetLayout), top level in order.
func (it Item) Menu(t testing.TB) []MenuItem {
	t.Helper()
	m, err := it.menuObj()
	if err != nil {
		t.Fatalf("menu: %v", err)
	}
	var rev uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := m.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	var out []MenuItem
	for _, c := range layout.Children {
		var child struct {
			ID       int32
			Props    map[string]dbus.Variant
			Children []dbus.Variant
		}
		if err := dbus.Store([]any{c.Value()}, &child); err != nil {
			t.Fatalf("GetLayout child: %v", err)
		}
		mi := MenuItem{ID: child.ID, Enabled: true, Visible: true}
		for k, v := range child.Props {
			switch k {
			case "label":
				mi.Label, _ = v.Value().(string)
			case "enabled":
				mi.Enabled, _ = v.Value().(bool)
			case "visible":
				mi.Visible, _ = v.Value().(bool)
			case "toggle-type":
				mi.Toggle, _ = v.Value().(string)
			case "toggle-state":
				s, _ := v.Value().(int32)
				mi.Checked = s == 1
			case "type":
				if v.Value() == "separator" {
					mi.Label = "---"
				}
			}
		}
		out = append(out, mi)
	}
	return out
}

// Find returns the first visible item whose label starts with prefix.
func (it Item) Find(t testing.TB, prefix string) MenuItem {
	t.Helper()
	menu := it.Menu(t)
	for _, mi := range menu {
		if mi.Visible && strings.HasPrefix(mi.Label, prefix) {
			return mi
		}
	}
	t.Fatalf("no menu item %q in %s", prefix, FormatMenu(menu))
	return MenuItem{}
}

// FindIn returns the first visible item whose label starts with prefix
// in the section that starts with the item labelled section….
func (it Item) FindIn(t testing.TB, section, prefix string) MenuItem {
	t.Helper()
	menu := it.Menu(t)
	in := false
	for _, mi := range menu {
		switch {
		case strings.HasPrefix(mi.Label, section):
			in = true
		case in && mi.Label == "---":
			in = false
		case in && mi.Visible && strings.HasPrefix(mi.Label, prefix):
			return mi
		}
	}
	t.Fatalf("no menu item %q under %q in %s", prefix, section, FormatMenu(menu))
	return MenuItem{}
}

// Click clicks the menu item labelled label (found again by label: ids
// change when the menu is rebuilt).
func (it Item) Click(t testing.TB, label string) {
	t.Helper()
	it.click(t, label, it.Find(t, label))
}

// ClickIn clicks the item labelled label in the section that starts with
// the item labelled section….
func (it Item) ClickIn(t testing.TB, section, label string) {
	t.Helper()
	it.click(t, label, it.FindIn(t, section, label))
}

// ClickToQuit clicks the item labelled label, which ends the item's
// program: it may be gone before its answer to the click is (D-Bus says
// NoReply), which is no failure.
func (it Item) ClickToQuit(t testing.TB, label string) {
	t.Helper()
	var e dbus.Error
	if err := it.event(t, label, it.Find(t, label)); err != nil && !(errors.As(err, &e) && e.Name == "org.freedesktop.DBus.Error.NoReply") {
		t.Fatalf("click %q: %v", label, err)
	}
}

func (it Item) click(t testing.TB, label string, mi MenuItem) {
	t.Helper()
	if err := it.event(t, label, mi); err != nil {
		t.Fatalf("click %q: %v", label, err)
	}
}

// event sends the click to the item's menu, as a panel does.
func (it Item) event(t testing.TB, label string, mi MenuItem) error {
	t.Helper()
	if !mi.Enabled {
		t.Fatalf("menu item %q is disabled", label)
	}
	m, err := it.menuObj()
	if err != nil {
		t.Fatal(err)
	}
	return m.Call("com.canonical.dbusmenu.Event", 0, mi.ID, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err
}

// Signals lists the signals the item's connection sends while do runs and
// for settle after it (signals arrive asynchronously), by member name.
func (it Item) Signals(t testing.TB, settle time.Duration, do func()) []string {
	t.Helper()
	conn := it.host.conn
	match := dbus.WithMatchSender(it.Sender)
	if err := conn.AddMatchSignal(match); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.RemoveMatchSignal(match) }()
	ch := make(chan *dbus.Signal, 1024)
	conn.Signal(ch)
	defer conn.RemoveSignal(ch)
	do()
	time.Sleep(settle)
	var names []string
	for {
		select {
		case s := <-ch:
			if s.Sender == it.Sender {
				names = append(names, s.Name[strings.LastIndexByte(s.Name, '.')+1:])
			}
		default:
			return names
		}
	}
}

// FormatMenu renders a menu for failure messages.
func FormatMenu(menu []MenuItem) string {
	var b strings.Builder
	for _, mi := range menu {
		if !mi.Visible {
			continue
		}
		state := ""
		if !mi.Enabled {
			state = " (disabled)"
		}
		if mi.Toggle != "" {
			state += fmt.Sprintf(" [checked=%v]", mi.Checked)
		}
		fmt.Fprintf(&b, "\n  %q%s", mi.Label, state)
	}
	return b.String()
}
