package app

import (
	"html"
	"log/slog"
	"sync"

	"github.com/godbus/dbus/v5"

	"github.com/tokentray/tokentray/internal/control"
)

// notifier sends desktop notifications through org.freedesktop.Notifications
// and runs a notification's action when it is clicked. It has a D-Bus
// connection of its own: the tray's shared one must not see these signals.
type notifier struct {
	log *slog.Logger

	mu      sync.Mutex
	conn    *dbus.Conn
	ids     map[string]uint32 // topic → last id, so a new one replaces it
	actions map[uint32]func()
	// early is the last notification clicked before Notify had stored its
	// action: the server's reply and the click can cross.
	early uint32
}

func newNotifier(log *slog.Logger) *notifier {
	return &notifier{log: log, ids: map[string]uint32{}, actions: map[uint32]func(){}}
}

const (
	notifyName  = "org.freedesktop.Notifications"
	notifyPath  = "/org/freedesktop/Notifications"
	notifyIface = "org.freedesktop.Notifications"
)

// connect opens the connection on first use and listens for clicks.
func (n *notifier) connect() (*dbus.Conn, error) {
	if n.conn != nil {
		return n.conn, nil
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, err
	}
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(notifyPath), dbus.WithMatchInterface(notifyIface)); err != nil {
		conn.Close()
		return nil, err
	}
	ch := make(chan *dbus.Signal, 8)
	conn.Signal(ch)
	go n.listen(ch)
	n.conn = conn
	return conn, nil
}

func (n *notifier) listen(ch <-chan *dbus.Signal) {
	for sig := range ch {
		if len(sig.Body) < 1 {
			continue
		}
		id, _ := sig.Body[0].(uint32)
		n.mu.Lock()
		f := n.actions[id]
		if sig.Name == notifyIface+".NotificationClosed" || sig.Name == notifyIface+".ActionInvoked" {
			delete(n.actions, id)
		}
		if sig.Name == notifyIface+".ActionInvoked" && f == nil {
			n.early = id
		}
		n.mu.Unlock()
		if sig.Name == notifyIface+".ActionInvoked" && f != nil {
			go f()
		}
	}
}

// Notify shows summary and body, replacing the last notification of the
// same topic. onClick, if set, runs when the person clicks it.
func (n *notifier) Notify(topic, summary, body string, onClick func()) {
	n.mu.Lock()
	conn, err := n.connect()
	replaces := n.ids[topic]
	n.mu.Unlock()
	if err != nil {
		n.log.Info("notification not sent", "err", err)
		return
	}
	var actions []string
	if onClick != nil {
		actions = []string{"default", "Open"}
	}
	var id uint32
	call := conn.Object(notifyName, notifyPath).Call(notifyIface+".Notify", 0,
		"tokentray", replaces, "dialog-password", control.Printable(summary), markupSafe(body), actions,
		map[string]dbus.Variant{"desktop-entry": dbus.MakeVariant("tokentray")}, int32(-1))
	if err := call.Store(&id); err != nil {
		n.log.Info("notification not sent", "err", err)
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ids[topic] = id
	if onClick != nil && n.early == id {
		n.early = 0
		go onClick()
		return
	}
	if onClick != nil {
		n.actions[id] = onClick
	}
}

// markupSafe is s as a notification body, which servers may read as
// markup: text from a provider must show as text, not become a link or an
// image.
func markupSafe(s string) string { return html.EscapeString(control.Printable(s)) }

// Close hangs up.
func (n *notifier) Close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.conn != nil {
		n.conn.Close()
		n.conn = nil
	}
}
